"""A method's declared JSON Schema: checked at load, compiled once, then applied to each call's `data`.

The supported subset of draft 2020-12 is SUPPORTED_KEYWORDS; any other keyword is a declaration
error, so that no author believes a keyword is enforced when it is not. Applying a schema
converts the strings that PHP clients send where the schema asks for an integer, a number or a
boolean (only when asked: a JSON body is taken as it is), fills in `default`s, and collects
every problem (at most MAX_PROBLEMS) with a JSON Pointer into `data`. docs/schemas.md says
why this is hand-written rather than a validator package, with the measured figures.

Two deliberate differences from Python's `re` as other validators use it: `$` matches only at the
very end (ECMA-262, so `^[a-z]+$` refuses "abc\\n"), and `\\d`, `\\w`, `\\s`, `\\b` are ASCII.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from chalicelib.errors import InvalidInput

MAX_PROBLEMS = 20
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
TYPES = ("object", "array", "string", "integer", "number", "boolean", "null")

_ANNOTATIONS = frozenset(
    {"title", "description", "$comment", "examples", "deprecated", "readOnly", "writeOnly"}
)
_NUMBER_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")
SUPPORTED_KEYWORDS = frozenset(
    {
        "$schema",
        "type",
        "enum",
        "const",
        "default",
        "format",  # an annotation only, as draft 2020-12 specifies by default
        "pattern",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "uniqueItems",
        *_NUMBER_BOUNDS,
        *_COUNTS,
        *_ANNOTATIONS,
    }
)

_INTEGER_TEXT = re.compile(r"-?[0-9]{1,400}")
_NUMBER_TEXT = re.compile(r"-?(?:[0-9]{1,400}(?:\.[0-9]{0,400})?|\.[0-9]{1,400})(?:[eE][+-]?[0-9]{1,4})?")
_BOOLEAN_TEXT = {"1": True, "true": True, "0": False, "false": False}
_A = {"object": "an object", "array": "an array", "integer": "an integer"}


class SchemaError(ValueError):
    """A declared schema that is not (supported) JSON Schema; the message points into it."""

    def __init__(self, pointer: str, problem: str) -> None:
        self.pointer, self.problem = pointer, problem
        super().__init__(f"{pointer or '(the schema)'}: {problem}")


class Problem(NamedTuple):
    """One way `data` does not match: where (a JSON Pointer; "" is `data` itself) and what."""

    path: str
    message: str


class DataMismatch(InvalidInput):
    """422 `invalid_input`, listing every problem found (at most MAX_PROBLEMS) in `details`."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        count = f"{len(problems)} problems" if len(problems) > 1 else "1 problem"
        super().__init__(f"data does not match the method's schema ({count}): {_located(first)}")
        self.details = [{"path": problem.path, "message": problem.message} for problem in problems]

    def to_body(self) -> dict[str, dict[str, Any]]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


def _located(problem: Problem, whole: str = "data") -> str:
    return f"{problem.path} {problem.message}" if problem.path else f"{whole} {problem.message}"


# -- checking a declared schema -------------------------------------------------------------


def _pointer(parts: tuple[str, ...]) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def _is_json(value: object, depth: int = 0) -> bool:
    if depth > 64:
        return False
    if value is None or isinstance(value, str | bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_is_json(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _is_json(item, depth + 1) for key, item in value.items())
    return False


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_schema(schema: object) -> None:
    """Raise SchemaError naming the first thing wrong with `schema`; return None when it is usable."""
    _check(schema, (), root=True)


def _check(schema: object, at: tuple[str, ...], *, root: bool = False) -> None:  # noqa: PLR0912 - a keyword a branch
    if isinstance(schema, bool):
        return
    if not isinstance(schema, Mapping):
        raise SchemaError(_pointer(at), f"a schema is an object or a boolean, not {type(schema).__name__}")

    def fail(keyword: str, problem: str) -> SchemaError:
        return SchemaError(_pointer((*at, keyword)), problem)

    for keyword in schema:
        if keyword not in SUPPORTED_KEYWORDS:
            hint = " (a list of schemas is not supported)" if keyword == "prefixItems" else ""
            raise fail(str(keyword), f"unknown or unsupported keyword{hint}; see docs/schemas.md")
    if "$schema" in schema and (not root or schema["$schema"] != DRAFT_2020_12):
        raise fail("$schema", f"only the root may name a dialect, and only {DRAFT_2020_12}")
    _check_values(schema, fail)
    if "required" in schema:
        required = schema["required"]
        if not isinstance(required, list) or not all(isinstance(name, str) for name in required):
            raise fail("required", "must be a list of property names")
        if len(set(required)) != len(required):
            raise fail("required", "names a property twice")
    if "properties" in schema:
        properties = schema["properties"]
        if not isinstance(properties, Mapping) or not all(isinstance(name, str) for name in properties):
            raise fail("properties", "must be an object from property names to schemas")
        for name, subschema in properties.items():
            _check(subschema, (*at, "properties", name))
    for keyword in ("additionalProperties", "items"):
        if keyword in schema:
            if isinstance(schema[keyword], list):
                raise fail(keyword, "must be one schema (a list of schemas is draft 4's form)")
            _check(schema[keyword], (*at, keyword))
    if "default" in schema:
        _, problems = _compile(schema)(copy.deepcopy(schema["default"]), False)
        if problems:
            raise fail("default", f"does not match its own schema: {_located(problems[0], 'it')}")


def _check_values(schema: Mapping[str, Any], fail: Callable[[str, str], SchemaError]) -> None:  # noqa: PLR0912
    """The keywords whose value is not a schema: each of the right kind."""
    kinds = schema.get("type")
    if kinds is not None:
        listed = kinds if isinstance(kinds, list) else [kinds]
        if not listed or not all(kind in TYPES for kind in listed) or len(set(listed)) != len(listed):
            raise fail("type", f"must be one of {', '.join(TYPES)} or a list of distinct ones, got {kinds!r}")
    for keyword in ("title", "description", "$comment", "format"):
        if keyword in schema and not isinstance(schema[keyword], str):
            raise fail(keyword, "must be a string")
    for keyword in ("deprecated", "readOnly", "writeOnly", "uniqueItems"):
        if keyword in schema and not isinstance(schema[keyword], bool):
            raise fail(keyword, "must be true or false")
    if "examples" in schema and not (isinstance(schema["examples"], list) and _is_json(schema["examples"])):
        raise fail("examples", "must be a list of JSON values")
    if "enum" in schema and not (
        isinstance(schema["enum"], list) and schema["enum"] and _is_json(schema["enum"])
    ):
        raise fail("enum", "must be a non-empty list of JSON values")
    for keyword in ("const", "default"):
        if keyword in schema and not _is_json(schema[keyword]):
            raise fail(keyword, "must be a JSON value (dict, list, str, int, finite float, bool or None)")
    for keyword in _NUMBER_BOUNDS:
        if keyword in schema and not _is_number(schema[keyword]):
            raise fail(keyword, f"must be a number, got {schema[keyword]!r}")
    for keyword in _COUNTS:
        value = schema.get(keyword, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise fail(keyword, f"must be a non-negative integer, got {value!r}")
    if "pattern" in schema:
        if not isinstance(schema["pattern"], str):
            raise fail("pattern", "must be a string")
        try:
            ecma_regex(schema["pattern"])
        except re.error as exc:
            raise fail("pattern", f"is not a valid regular expression: {exc}") from exc


def ecma_regex(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled with ECMA-262's meaning of `$` (the end, not before a final newline)."""
    translated: list[str] = []
    in_class = escaped = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            translated.append(r"\Z")
            continue
        translated.append(char)
    return re.compile("".join(translated), re.ASCII)


# -- compiling ------------------------------------------------------------------------------

# A compiled node takes (value, path, problems, coerce) and returns the value to pass on: converted
# and with defaults filled. A path is a linked chain of (parent, segment), made into a pointer only
# for a problem. Problems stop the walk once MAX_PROBLEMS are found.
Path = tuple[Any, str] | None
Node = Callable[[Any, Path, "_Problems", bool], Any]


class _Enough(Exception):
    """MAX_PROBLEMS problems are found: the walk stops."""


class _Problems:
    __slots__ = ("found",)

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, path: Path, message: str) -> None:
        parts: list[str] = []
        while path is not None:
            path, segment = path
            parts.append(segment)
        self.found.append(Problem(_pointer(tuple(reversed(parts))), message))
        if len(self.found) >= MAX_PROBLEMS:
            raise _Enough


def _has_type(value: object, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "null":
        return value is None
    if isinstance(value, bool):
        return kind == "boolean"
    if kind == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    return kind == "number" and isinstance(value, int | float)


def _from_text(text: str, kinds: tuple[str, ...]) -> object:
    """The value PHP's string stands for under the first of `kinds` that reads it; else the string."""
    for kind in kinds:
        if kind == "integer" and _INTEGER_TEXT.fullmatch(text):
            return int(text)
        if kind == "number" and _NUMBER_TEXT.fullmatch(text):
            if _INTEGER_TEXT.fullmatch(text):
                return int(text)
            number = float(text)
            if math.isfinite(number):
                return number
        if kind == "boolean" and text in _BOOLEAN_TEXT:
            return _BOOLEAN_TEXT[text]
    return text


def identity_key(value: object) -> object:
    """A hashable key under which two JSON values are equal exactly when JSON says they are.

    1 and 1.0 are one number; true is not 1; objects compare without order.
    """
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int | float):
        return ("n", value)
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, list):
        return ("l", tuple(identity_key(item) for item in value))
    if isinstance(value, dict):
        return ("o", frozenset((key, identity_key(item)) for key, item in value.items()))
    return ("z", None) if value is None else ("?", id(value))


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _type_words(kinds: tuple[str, ...]) -> str:
    return " or ".join(_A.get(kind, "null" if kind == "null" else f"a {kind}") for kind in kinds)


def _pass(value: Any, path: Path, problems: _Problems, coerce: bool) -> Any:
    return value


def _refuse(value: Any, path: Path, problems: _Problems, coerce: bool) -> Any:
    problems.add(path, "is not allowed")
    return value


def _compile(schema: object) -> Callable[[Any, bool], tuple[Any, list[Problem]]]:
    node = _node(schema)

    def apply(value: Any, coerce: bool) -> tuple[Any, list[Problem]]:
        problems = _Problems()
        try:
            value = node(value, None, problems, coerce)
        except _Enough:
            return value, problems.found  # the walk stopped; what it converted so far is not passed on
        return value, problems.found

    return apply


def _node(schema: object) -> Node:
    if schema is True or (
        isinstance(schema, Mapping) and not (set(schema) - _ANNOTATIONS - {"$schema", "format"})
    ):
        return _pass
    if schema is False:
        return _refuse
    assert isinstance(schema, Mapping)
    typed, type_message = _type_step(schema)
    checks = _value_checks(schema)  # on a value of the right type, whatever the type
    number_checks = _number_checks(schema)
    string_checks = _string_checks(schema)
    array_node = _array_node(schema)
    object_node = _object_node(schema)

    def node(value: Any, path: Path, problems: _Problems, coerce: bool) -> Any:
        if typed is not None:
            value, fits = typed(value, coerce)
            if not fits:
                problems.add(path, type_message)
                return value
        for check in checks:
            check(value, path, problems)
        if isinstance(value, str):
            for check in string_checks:
                check(value, path, problems)
        elif isinstance(value, dict):
            if object_node is not None:
                value = object_node(value, path, problems, coerce)
        elif isinstance(value, list):
            if array_node is not None:
                value = array_node(value, path, problems, coerce)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            for check in number_checks:
                check(value, path, problems)
        return value

    return node


def _type_step(schema: Mapping[str, Any]) -> tuple[Callable[[Any, bool], tuple[Any, bool]] | None, str]:
    """The `type` step, giving (the value converted where asked, whether it is of a declared type),
    and the message when it is not; None without `type`."""
    if "type" not in schema:
        return None, ""
    kinds = tuple(schema["type"]) if isinstance(schema["type"], list) else (schema["type"],)
    convertible = (
        () if "string" in kinds else tuple(k for k in kinds if k in ("integer", "number", "boolean"))
    )
    whole_floats = "integer" in kinds and "number" not in kinds

    def typed(value: Any, coerce: bool) -> tuple[Any, bool]:
        if coerce and convertible and isinstance(value, str):
            value = _from_text(value, convertible)
        if not any(_has_type(value, kind) for kind in kinds):
            return value, False
        if whole_floats and isinstance(value, float):
            value = int(value)  # 72.0 is an integer to JSON Schema; the method gets the int
        return value, True

    return typed, f"must be {_type_words(kinds)}"


def _value_checks(schema: Mapping[str, Any]) -> list[Callable[[Any, Path, _Problems], None]]:
    checks: list[Callable[[Any, Path, _Problems], None]] = []
    if "enum" in schema:
        allowed = frozenset(identity_key(item) for item in schema["enum"])
        enum_message = "must be one of: " + ", ".join(_shown(item) for item in schema["enum"][:10])
        if len(schema["enum"]) > 10:
            enum_message += ", ..."
        checks.append(_bound_check(lambda value: identity_key(value) in allowed, enum_message))
    if "const" in schema:
        expected = identity_key(schema["const"])
        const_message = f"must be {_shown(schema['const'])}"
        checks.append(_bound_check(lambda value: identity_key(value) == expected, const_message))
    return checks


def _bound_check(holds: Callable[[Any], bool], message: str) -> Callable[[Any, Path, _Problems], None]:
    def check(value: Any, path: Path, problems: _Problems) -> None:
        if not holds(value):
            problems.add(path, message)

    return check


def _number_checks(schema: Mapping[str, Any]) -> list[Callable[[Any, Path, _Problems], None]]:
    checks = []
    if "minimum" in schema:
        low = schema["minimum"]
        checks.append(_bound_check(lambda value: value >= low, f"must be at least {_shown(low)}"))
    if "maximum" in schema:
        high = schema["maximum"]
        checks.append(_bound_check(lambda value: value <= high, f"must be at most {_shown(high)}"))
    if "exclusiveMinimum" in schema:
        above = schema["exclusiveMinimum"]
        checks.append(_bound_check(lambda value: value > above, f"must be greater than {_shown(above)}"))
    if "exclusiveMaximum" in schema:
        below = schema["exclusiveMaximum"]
        checks.append(_bound_check(lambda value: value < below, f"must be less than {_shown(below)}"))
    return checks


def _string_checks(schema: Mapping[str, Any]) -> list[Callable[[Any, Path, _Problems], None]]:
    checks: list[Callable[[Any, Path, _Problems], None]] = []
    if "minLength" in schema:
        shortest = schema["minLength"]
        short_message = f"must be at least {shortest} character{'s' if shortest != 1 else ''} long"
        checks.append(_bound_check(lambda value: len(value) >= shortest, short_message))
    if "maxLength" in schema:
        longest = schema["maxLength"]
        long_message = f"must be at most {longest} character{'s' if longest != 1 else ''} long"
        checks.append(_bound_check(lambda value: len(value) <= longest, long_message))
    if "pattern" in schema:
        regex = ecma_regex(schema["pattern"])
        pattern_message = f"must match the pattern {_shown(schema['pattern'])}"
        checks.append(_bound_check(lambda value: regex.search(value) is not None, pattern_message))
    return checks


def _array_node(schema: Mapping[str, Any]) -> Node | None:
    fewest, most = schema.get("minItems"), schema.get("maxItems")
    unique = schema.get("uniqueItems", False)
    item_node = _node(schema["items"]) if "items" in schema else None
    if fewest is None and most is None and not unique and item_node is None:
        return None

    def array(value: list[Any], path: Path, problems: _Problems, coerce: bool) -> list[Any]:
        if fewest is not None and len(value) < fewest:
            problems.add(path, f"must hold at least {fewest} item{'s' if fewest != 1 else ''}")
        if most is not None and len(value) > most:
            problems.add(path, f"must hold at most {most} item{'s' if most != 1 else ''}")
        if item_node is not None:
            value = [
                item_node(item, (path, str(index)), problems, coerce) for index, item in enumerate(value)
            ]
        if unique:
            seen: set[object] = set()
            for index, item in enumerate(value):
                key = identity_key(item)
                if key in seen:
                    problems.add((path, str(index)), "repeats an earlier item (items must be unique)")
                seen.add(key)
        return value

    return array


def _object_node(schema: Mapping[str, Any]) -> Node | None:
    properties = {name: _node(subschema) for name, subschema in schema.get("properties", {}).items()}
    defaults = {
        name: subschema["default"]
        for name, subschema in schema.get("properties", {}).items()
        if isinstance(subschema, Mapping) and "default" in subschema
    }
    required = tuple(schema.get("required", ()))
    additional = schema.get("additionalProperties", True)
    additional_node = None if additional is True else _node(additional)
    fewest, most = schema.get("minProperties"), schema.get("maxProperties")
    if not properties and not required and additional_node is None and fewest is None and most is None:
        return None

    def obj(value: dict[str, Any], path: Path, problems: _Problems, coerce: bool) -> dict[str, Any]:
        result = dict(value)
        for name, default in defaults.items():
            if name not in result:
                result[name] = copy.deepcopy(default)
        for name in required:
            if name not in result:
                problems.add((path, name), "is required")
        for name, item in result.items():
            property_node = properties.get(name, additional_node)
            if property_node is not None:
                result[name] = property_node(item, (path, name), problems, coerce)
        if fewest is not None and len(result) < fewest:
            problems.add(path, f"must hold at least {fewest} propert{'ies' if fewest != 1 else 'y'}")
        if most is not None and len(result) > most:
            problems.add(path, f"must hold at most {most} propert{'ies' if most != 1 else 'y'}")
        return result

    return obj


# -- the compiled schema --------------------------------------------------------------------


class Validator:
    """One declared schema: checked when made (at load), compiled on its first use, then applied per call."""

    __slots__ = ("_apply", "schema")

    def __init__(self, schema: object) -> None:
        check_schema(schema)
        self.schema = schema
        self._apply: Callable[[Any, bool], tuple[Any, list[Problem]]] | None = None

    def _compiled(self) -> Callable[[Any, bool], tuple[Any, list[Problem]]]:
        root = _compile(self.schema)
        top_default = self.schema.get("default") if isinstance(self.schema, Mapping) else None
        if top_default is None:
            return root

        def with_default(value: Any, coerce: bool) -> tuple[Any, list[Problem]]:
            return root(copy.deepcopy(top_default) if value is None else value, coerce)

        return with_default

    def apply(self, data: Any, *, coerce: bool = False) -> tuple[Any, list[Problem]]:
        """(data converted and with defaults filled, the problems found); `data` itself is not changed."""
        if self._apply is None:
            self._apply = self._compiled()  # two threads may both compile: the same result either way
        return self._apply(data, coerce)

    def validate(self, data: Any, *, coerce: bool = False) -> Any:
        """The converted data, or DataMismatch listing what is wrong.

        `coerce`: `data` came from a query, a form or multipart fields, where every value is a string.
        """
        value, problems = self.apply(data, coerce=coerce)
        if problems:
            raise DataMismatch(problems)
        return value
