"""The `json` and `json_object` response bodies: byte for byte what PHP 8 prints for a method's result."""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Collection, Iterator
from itertools import chain, compress, repeat
from operator import is_
from typing import Any, Final

__all__ = ["UnrenderableValue", "objectify", "render_json", "render_json_object"]


class UnrenderableValue(ValueError):
    """A value PHP cannot print: NaN or infinity, a lone surrogate, an unsupported type, too deep."""


class PastLimit(UnrenderableValue):
    """The text would be longer than the limit the caller gave; the rendering stopped on the way."""


def render_json(value: object, *, limit: int | None = None) -> str:
    """PHP 8's `json_encode(json_decode($x))`, `$x` being `value` as JSON (a tuple is an array).

    With a `limit`, PastLimit as soon as the text is known to pass that many characters.
    """
    return _limited(_render(value, False, limit), limit)


def render_json_object(value: object, *, limit: int | None = None) -> str:
    """The same with `JSON_FORCE_OBJECT`: every list at every depth is an object keyed "0", "1", ..."""
    return _limited(_render(value, True, limit), limit)


def _limited(text: str, limit: int | None) -> str:
    if limit is not None and len(text) > limit:
        raise PastLimit(f"the text passes {limit} characters")
    return text


# PHP rules, each checked against `php` 8 (tests/golden/make_php_golden.py records them):
# - json_decode's default depth 512 counts the scalar level, so 511 nested arrays or objects is
#   the deepest value that survives the round trip (json_encode alone would take 512).
# - An integer outside int64 is decoded as a float; one beyond the float range as INF, which
#   json_encode refuses.
# - Floats print the shortest round-trip digits (serialize_precision -1), without ".0", in
#   exponent form ("1.0e+20", "1.5e-7") when the decimal exponent is below -4 or above 16.
# - Strings escape "/" and every non-ASCII character as \uxxxx (lowercase, surrogate pairs), the
#   C0 controls as \b \f \n \r \t or \u00xx, and DEL goes out raw. Python's ensure_ascii
#   encoder differs only in the slash and in DEL, which it escapes.
# - A lone surrogate, or an object key that starts with NUL, makes json_decode fail.
_MAX_DEPTH: Final = 511
PHP_INT_MIN: Final = -(2**63)  # PHP's integers are int64, parsing a request as printing an answer
PHP_INT_MAX: Final = 2**63 - 1
_EXPONENT_FROM: Final = 1e16  # Python's repr switches to exponent form here, PHP only at 1e17
_EXPONENT_BELOW: Final = 1e-4  # both switch below this one

_encode_string = json.encoder.encode_basestring_ascii
_ENCODER: Final = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=False)
_make_c_encoder = json.encoder.c_make_encoder  # type: ignore[attr-defined]


def _encode_fast(value: object) -> str:
    """What _ENCODER.encode(value) returns, minus its Python-level wrapping, which every answer pays.

    One C encoder serves every call: without a circular-reference table it keeps no state between
    calls, and making it costs a small answer more than encoding it. A cycle then ends in
    RecursionError (at the C recursion limit) instead of ValueError, which `_render` hands to the
    slow path, whose depth bound refuses it.
    """
    if _c_encoder is None:  # a Python without the _json accelerator
        return _ENCODER.encode(value)
    return "".join(_c_encoder(value, 0))


_c_encoder = (
    None
    if _make_c_encoder is None
    else _make_c_encoder(None, _ENCODER.default, _encode_string, None, ":", ",", False, False, False)
)


_CONTAINERS: Final = frozenset({dict, list, tuple})
_SCALARS_AS_IS: Final = frozenset({str, bool, type(None)})
_PLAIN_SCALARS: Final = _SCALARS_AS_IS | {int, float}
_EXACT_TYPES: Final = _PLAIN_SCALARS | _CONTAINERS
# The floats the fast path rewrites: "10.0" where PHP prints "10", and the exponent forms, which
# Python prints "1e-05" and "1e+16" where PHP prints "1.0e-5" and "10000000000000000".
# The patterns are compiled on first use (re's cache): an answer without floats, surrogates or DEL,
# and every cold start, never pays for them.
_INTEGRAL_FLOAT: Final = r"\.0(?=[,\]}])"
_FLOAT_TEXT: Final = r"(?<=[\[,:])-?[0-9]+(?:\.0|(?:\.[0-9]+)?e[+-][0-9]+)(?=[,\]}])"
# A \u escape of one half of a surrogate pair that no escape of the other half follows or precedes;
# either case of hex digits, since a client's JSON may use both (the encoder writes lower case).
_LONE_SURROGATE: Final = (
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
# An escaped backslash is matched whole, so that "\\u007f" (a backslash, then text) stays as it is.
_ESCAPED_DEL: Final = r"(\\\\)|\\u007f"
_INDEX_KEYS: Final = tuple(map(str, range(1024)))
_END: Final = object()
_SURVEY_FROM: Final = 1536  # output length from which the level-wide survey beats the per-value one
_COLUMNS_FROM: Final = 16  # containers in a level from which their values are taken column by column


class _NeedsSlowPath(Exception):
    """The check found something the C encoder prints differently from PHP."""


def _render(value: object, force_object: bool, limit: int | None) -> str:
    """The fast path: the C encoder, a check of the value, and a few plain-text rewrites.

    It does not stop at `limit` (the C encoder runs in one go); the slow path does.
    """
    if type(value) not in _CONTAINERS:
        return _encode_slowly(value, force_object, limit)
    subject = value
    try:
        if force_object:
            subject = objectify(value)
        out = _encode_fast(subject)
    except RecursionError:
        # Too deep for the C stack (a cycle too), or a deep caller: the slow path is iterative and exact.
        return _encode_slowly(value, force_object, limit)
    except (TypeError, ValueError) as exc:  # unsupported type, NaN or infinity, a huge int
        raise UnrenderableValue(str(exc)) from exc
    try:
        integral, exponent = _check_each(subject) if len(out) < _SURVEY_FROM else _survey(subject)
    except _NeedsSlowPath:
        return _encode_slowly(value, force_object, limit)
    rewrites = integral + exponent
    if rewrites:
        out, found = (
            re.subn(_FLOAT_TEXT, _php_float_match, out) if exponent else re.subn(_INTEGRAL_FLOAT, "", out)
        )
        if found != rewrites:  # some string holds text like "1.0,": let the slow path decide
            return _encode_slowly(value, force_object, limit)
    return _finish(out)


def has_lone_surrogate_escape(text: str) -> bool:
    """Whether JSON text escapes a lone surrogate. Escaped backslashes are set aside first, so that
    "\\\\ud800" (a backslash, then text) is not taken for one."""
    return re.search(_LONE_SURROGATE, text.replace("\\\\", "#")) is not None


def _finish(out: str) -> str:
    """Turn the C encoder's ASCII output into PHP's: refuse lone surrogates, DEL raw, slashes escaped."""
    if "\\" in out:
        if "\\ud" in out and has_lone_surrogate_escape(out):
            raise UnrenderableValue("a string holds a lone surrogate")
        if "\\u007f" in out:
            out = re.sub(_ESCAPED_DEL, _unescape_del, out)
    return out.replace("/", "\\/") if "/" in out else out


def _unescape_del(match: re.Match[str]) -> str:
    return match[1] or "\x7f"


def objectify(node: Any) -> Any:
    """The value with every list and tuple, at every depth, a dict keyed "0", "1", ...: what
    `JSON_FORCE_OBJECT` makes of it, as a value (a batch carries it so inside its answer).

    Subclasses count as their base type and come out as plain dicts; a dict is copied only where
    something inside it changes. Recursive: a cycle or a very deep value ends in RecursionError,
    on which the renderer takes its iterative slow path.
    """
    kind = type(node)
    if kind is dict:
        if _PLAIN_SCALARS.issuperset(map(type, node.values())):
            return node
    elif kind is list or kind is tuple:
        keys = _INDEX_KEYS if len(node) <= len(_INDEX_KEYS) else map(str, range(len(node)))
        if _PLAIN_SCALARS.issuperset(map(type, node)):
            return dict(zip(keys, node, strict=False))
        return dict(zip(keys, map(objectify, node), strict=False))
    elif isinstance(node, list | tuple):
        return {str(index): objectify(item) for index, item in enumerate(node)}
    elif not isinstance(node, dict):
        return node
    return {key: objectify(item) for key, item in node.items()}


# Both checks prove that the C encoder's output needs at most the float rewrites and count the
# floats of each kind (integral, exponent form); on anything else they raise _NeedsSlowPath. They
# run after the C encoder accepted the value, so it holds no cycle and no NaN.


def _check_each(root: Any) -> tuple[int, int]:
    """The check for small values: one value at a time, depth first."""
    integral = exponent = 0
    stack = [_enter(root, 0)]
    while stack:
        for item in stack[-1]:
            kind = type(item)
            if kind is str or kind is bool or item is None:
                continue
            if kind is int:
                if item > PHP_INT_MAX or item < PHP_INT_MIN:
                    raise _NeedsSlowPath  # PHP decodes it as a float
            elif kind is float:
                size = abs(item)
                if size >= _EXPONENT_FROM or (size < _EXPONENT_BELOW and item):
                    exponent += 1
                elif item.is_integer():
                    integral += 1
            elif kind is dict or kind is list or kind is tuple:
                stack.append(_enter(item, len(stack)))
                break
            else:
                raise _NeedsSlowPath  # a subclass, or a type the slow path will refuse
        else:
            stack.pop()
    return integral, exponent


def _enter(container: Any, depth: int) -> Iterator[Any]:
    if depth == _MAX_DEPTH:
        raise UnrenderableValue(f"nested deeper than {_MAX_DEPTH} levels")
    if type(container) is not dict:
        return iter(container)
    for key in container:
        if type(key) is not str or key.startswith("\x00"):
            raise _NeedsSlowPath  # converted keys may collide; a key starting with NUL is refused
    return iter(container.values())


def _survey(root: Any) -> tuple[int, int]:
    """The check for large values: breadth first, a whole level of nesting at a time.

    Each level is handled with C-level helpers (map, zip, compress, set) rather than value by
    value, which would cost about as much as the encoding itself.
    """
    integral = exponent = 0
    frontier: list[Any] = [root]
    for _level in range(_MAX_DEPTH):
        dicts, sequences = _split_dicts(frontier)
        groups: list[Collection[Any]] = []
        if dicts:
            _check_keys(dicts)
            groups.extend(_value_groups(list(map(dict.values, dicts))))
        if sequences:
            groups.extend(_value_groups(sequences))
        frontier = []
        for group in groups:
            types = set(map(type, group))
            if types <= _SCALARS_AS_IS:
                continue
            if not types <= _EXACT_TYPES:
                raise _NeedsSlowPath  # a subclass, or a type the slow path will refuse
            kinds = None if len(types) == 1 else list(map(type, group))
            if int in types:
                ints = group if kinds is None else list(compress(group, map(is_, kinds, repeat(int))))
                if max(ints) > PHP_INT_MAX or min(ints) < PHP_INT_MIN:
                    raise _NeedsSlowPath  # PHP decodes it as a float
            if float in types:
                floats = group if kinds is None else list(compress(group, map(is_, kinds, repeat(float))))
                counted = _count_floats(floats)
                integral += counted[0]
                exponent += counted[1]
            if not types.isdisjoint(_CONTAINERS):
                frontier.extend(
                    group if kinds is None else compress(group, map(_CONTAINERS.__contains__, kinds))
                )
        if not frontier:
            return integral, exponent
    raise UnrenderableValue(f"nested deeper than {_MAX_DEPTH} levels")


def _split_dicts(frontier: list[Any]) -> tuple[list[dict[Any, Any]], list[Any]]:
    types = set(map(type, frontier))
    if dict not in types:
        return [], frontier
    if len(types) == 1:
        return frontier, []
    is_dict = list(map(is_, map(type, frontier), repeat(dict)))
    return list(compress(frontier, is_dict)), [c for c, d in zip(frontier, is_dict, strict=True) if not d]


def _check_keys(dicts: list[dict[Any, Any]]) -> None:
    keys: set[Any] = set().union(*dicts)
    if keys and (set(map(type, keys)) != {str} or "\x00" in "".join(keys)):
        raise _NeedsSlowPath  # converted keys may collide; a key starting with NUL is refused


def _value_groups(rows: list[Any]) -> list[Collection[Any]]:
    """The values of a level's containers: by column when they are many of one width, else one group.

    Columns of like values (every row's "id", every row's "name") are mostly of a single type,
    which spares sorting the values out by type.
    """
    if len(rows) == 1:
        return rows
    if len(rows) >= _COLUMNS_FROM and len(widths := set(map(len, rows))) == 1 and widths.pop() <= len(rows):
        return list(zip(*rows, strict=True))
    return [list(chain.from_iterable(rows))]


def _count_floats(floats: Collection[float]) -> tuple[int, int]:
    """How many print as integral floats ("10.0") and how many in exponent form, at C speed."""
    integral = sum(map(float.is_integer, floats))
    sizes = list(map(abs, floats))
    if max(sizes) < _EXPONENT_FROM and (
        min(sizes) >= _EXPONENT_BELOW or min(filter(None, sizes), default=1.0) >= _EXPONENT_BELOW
    ):
        return integral, 0
    large = sum(map(_EXPONENT_FROM.__le__, sizes))  # all integral: doubles this large have no fraction
    small = sum(map(_EXPONENT_BELOW.__gt__, sizes)) - sizes.count(0.0)
    return integral - large, large + small


# The slow path: a complete encoder in Python, iterative so that depth never meets the recursion
# limit. It is the reference the fast path is tested against. Given a limit, it measures what it
# has written every _MEASURE_EVERY parts and stops once past it.
_MEASURE_EVERY: Final = 4096


def _encode_slowly(value: object, force_object: bool, limit: int | None = None) -> str:
    parts: list[str] = []
    stack: list[tuple[Iterator[Any], str, bool]] = []
    node: object = value
    counted = size = 0  # the parts measured so far, and their length
    while True:
        text = _scalar(node)
        if text is None:
            if len(stack) == _MAX_DEPTH:
                raise UnrenderableValue(f"nested deeper than {_MAX_DEPTH} levels")
            opener, items, closer, keyed = _open(node, force_object)
            parts.append(opener)
            stack.append((items, closer, keyed))
        else:
            parts.append(text)
        if limit is not None and len(parts) - counted >= _MEASURE_EVERY:
            size += sum(map(len, parts[counted:]))
            counted = len(parts)
            if size > limit:
                raise PastLimit(f"the text passes {limit} characters")
        while stack:
            items, closer, keyed = stack[-1]
            item: Any = next(items, _END)
            if item is _END:
                stack.pop()
                parts.append(closer)
                continue
            if parts[-1] not in ("[", "{"):
                parts.append(",")
            if keyed:
                key, node = item
                parts.append(key)
            else:
                node = item
            break
        if not stack:
            return _finish("".join(parts))


def _scalar(value: Any) -> str | None:
    """The PHP text of a scalar; None for a container; refuses anything else."""
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if kind is int:
        return _php_int(value)
    if kind is float:
        return _php_float(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dict | list | tuple):
        return None
    # Subclasses print as their base type, as json.dumps prints them.
    if isinstance(value, str):
        return _encode_string(str.__str__(value))
    if isinstance(value, int):
        return _php_int(int.__index__(value))
    if isinstance(value, float):
        return _php_float(value)
    raise UnrenderableValue(f"cannot render a {kind.__name__}")


def _open(container: Any, force_object: bool) -> tuple[str, Iterator[Any], str, bool]:
    if isinstance(container, dict):
        return "{", _object_members(container), "}", True
    if force_object:
        return "{", ((f'"{index}":', item) for index, item in enumerate(container)), "}", True
    return "[", iter(container), "]", False


def _object_members(mapping: dict[Any, Any]) -> Iterator[tuple[str, Any]]:
    """Keys converted as json.dumps converts them; a repeated key keeps its first place and last value."""
    members: dict[str, Any] = {}
    for key, item in mapping.items():
        members[_key(key)] = item
    return ((_encode_string(key) + ":", item) for key, item in members.items())


def _key(key: object) -> str:
    if isinstance(key, str):
        text = str.__str__(key)
        if text.startswith("\x00"):
            raise UnrenderableValue("an object key starts with NUL")
        return text
    if isinstance(key, float):
        if not math.isfinite(key):
            raise UnrenderableValue(f"cannot render the key {key!r}")
        return float.__repr__(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        try:
            return int.__repr__(key)
        except ValueError as exc:  # more digits than Python will print
            raise UnrenderableValue("an integer key too long to print") from exc
    raise UnrenderableValue(f"cannot render a key of type {type(key).__name__}")


def _php_int(number: int) -> str:
    if PHP_INT_MIN <= number <= PHP_INT_MAX:
        return int.__repr__(number)
    try:
        return _php_float(float(number))
    except OverflowError as exc:
        raise UnrenderableValue("an integer beyond the float range") from exc


def _php_float(number: float) -> str:
    if not math.isfinite(number):
        raise UnrenderableValue(f"cannot render {number!r}")
    return _php_float_text(float.__repr__(number))


def _php_float_match(match: re.Match[str]) -> str:
    return _php_float_text(match[0])


@functools.lru_cache(maxsize=1024)
def _php_float_text(text: str) -> str:
    """PHP's digits for a float from Python's repr of it (the same shortest round-trip digits)."""
    mantissa, _, exponent = text.partition("e")
    if not exponent:
        return text[:-2] if text.endswith(".0") else text
    power = int(exponent)
    if power == 16:  # still fixed notation in PHP: the digits padded to 17
        sign = "-" if mantissa.startswith("-") else ""
        return sign + mantissa.lstrip("-").replace(".", "").ljust(17, "0")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}e{power:+d}"
