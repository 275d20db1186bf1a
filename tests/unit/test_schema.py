"""Declared schemas: checked with errors that point into them, applied with PHP's strings converted,
defaults filled and every problem listed; and in agreement with `jsonschema` on generated cases."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.schema import MAX_PROBLEMS, DataMismatch, Problem, SchemaError, Validator, check_schema

PERSON = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 8, "pattern": "^[a-z]+$"},
        "age": {"type": "integer", "minimum": 0, "maximum": 150},
        "height": {"type": "number", "exclusiveMinimum": 0},
        "admin": {"type": "boolean", "default": False},
        "role": {"enum": ["reader", "editor"]},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3, "uniqueItems": True},
    },
    "required": ["name", "age"],
    "additionalProperties": False,
}


def problems(schema: Any, data: Any, *, coerce: bool = False) -> list[tuple[str, str]]:
    return [tuple(problem) for problem in Validator(schema).apply(data, coerce=coerce)[1]]


# -- checking a declared schema -------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "pointer", "words"),
    [
        ({"type": "int"}, "/type", "must be one of object"),
        ({"type": ["string", "string"]}, "/type", "distinct"),
        ({"type": []}, "/type", "must be one of"),
        ({"minimum": "1"}, "/minimum", "must be a number"),
        ({"minimum": True}, "/minimum", "must be a number"),
        ({"maxLength": -1}, "/maxLength", "non-negative integer"),
        ({"maxLength": 2.5}, "/maxLength", "non-negative integer"),
        ({"pattern": "("}, "/pattern", "not a valid regular expression"),
        ({"required": "name"}, "/required", "list of property names"),
        ({"required": ["a", "a"]}, "/required", "twice"),
        ({"enum": []}, "/enum", "non-empty list"),
        ({"enum": [{1, 2}]}, "/enum", "JSON values"),
        ({"properties": {"a": {"type": "strin"}}}, "/properties/a/type", "must be one of"),
        ({"properties": {"a/b": {"minimum": "x"}}}, "/properties/a~1b/minimum", "must be a number"),
        ({"items": [{"type": "string"}]}, "/items", "one schema"),
        ({"items": {"type": "string", "minLength": "2"}}, "/items/minLength", "non-negative"),
        ({"additionalProperties": {"type": 3}}, "/additionalProperties/type", "must be one of"),
        ({"requried": ["a"]}, "/requried", "unknown or unsupported keyword"),
        ({"anyOf": [{}]}, "/anyOf", "unknown or unsupported keyword"),
        ({"$ref": "#/x"}, "/$ref", "unknown or unsupported keyword"),
        ({"$schema": "http://json-schema.org/draft-07/schema#"}, "/$schema", "2020-12"),
        ({"description": 3}, "/description", "must be a string"),
        (
            {"type": "integer", "default": "7"},
            "/default",
            "does not match its own schema: it must be an integer",
        ),
        (
            {"type": "object", "properties": {"n": {"type": "integer", "default": 1.5}}},
            "/properties/n/default",
            "must be an integer",
        ),
        ("object", "", "a schema is an object or a boolean"),
        ({"default": float("nan")}, "/default", "JSON value"),
    ],
)
def test_a_wrong_schema_is_refused_with_a_pointer_to_the_mistake(schema, pointer, words):
    with pytest.raises(SchemaError) as caught:
        check_schema(schema)
    assert caught.value.pointer == pointer
    assert words in caught.value.problem
    assert str(caught.value).startswith(pointer or "(the schema)")


@pytest.mark.parametrize(
    "schema",
    [
        True,
        False,
        {},
        PERSON,
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"},
        {
            "type": ["string", "null"],
            "description": "a name or nothing",
            "examples": ["ann"],
            "format": "email",
        },
        {"const": {"a": [1, 2]}, "title": "t", "$comment": "c", "deprecated": False},
    ],
)
def test_a_schema_of_the_supported_subset_is_accepted(schema):
    check_schema(schema)
    Validator(schema)


def test_the_validator_checks_its_schema():
    with pytest.raises(SchemaError):
        Validator({"type": "float"})


# -- applying -------------------------------------------------------------------------------


def test_matching_data_passes_with_its_defaults_filled():
    assert Validator(PERSON).validate({"name": "ann", "age": 40}) == {
        "name": "ann",
        "age": 40,
        "admin": False,
    }


def test_every_problem_is_listed_with_a_json_pointer():
    data = {"name": "Ann Lee", "age": 200, "height": 0, "role": "boss", "tags": ["a", "a", 3, "d"], "x": 1}
    assert problems(PERSON, data) == [
        ("/name", 'must match the pattern "^[a-z]+$"'),
        ("/age", "must be at most 150"),
        ("/height", "must be greater than 0"),
        ("/role", 'must be one of: "reader", "editor"'),
        ("/tags", "must hold at most 3 items"),
        ("/tags/2", "must be a string"),
        ("/tags/1", "repeats an earlier item (items must be unique)"),
        ("/x", "is not allowed"),
    ]


def test_a_missing_required_property_points_at_the_property():
    assert problems(PERSON, {}) == [("/name", "is required"), ("/age", "is required")]


def test_a_wrong_type_is_the_only_problem_of_its_value():
    assert problems(PERSON, {"name": 5, "age": "5"}) == [
        ("/name", "must be a string"),
        ("/age", "must be an integer"),
    ]
    assert problems({"type": ["string", "null"]}, 3) == [("", "must be a string or null")]


def test_pointer_segments_are_escaped():
    schema = {"type": "object", "additionalProperties": {"type": "integer"}}
    assert problems(schema, {"a/b": "x", "m~n": "y"}) == [
        ("/a~1b", "must be an integer"),
        ("/m~0n", "must be an integer"),
    ]


def test_problems_stop_at_the_limit():
    found = problems({"type": "array", "items": {"type": "string"}}, list(range(50)))
    assert len(found) == MAX_PROBLEMS == 20
    assert found[-1] == ("/19", "must be a string")


def test_a_mismatch_is_a_422_invalid_input_with_details():
    with pytest.raises(DataMismatch) as caught:
        Validator(PERSON).validate({"name": "ann", "age": -1, "x": 0})
    error = caught.value
    assert (error.status, error.code) == (422, "invalid_input")
    assert error.message == "data does not match the method's schema (2 problems): /age must be at least 0"
    assert error.to_body() == {
        "error": {
            "code": "invalid_input",
            "message": error.message,
            "details": [
                {"path": "/age", "message": "must be at least 0"},
                {"path": "/x", "message": "is not allowed"},
            ],
        }
    }


def test_a_problem_with_data_itself_has_the_empty_pointer():
    with pytest.raises(DataMismatch) as caught:
        Validator({"type": "object"}).validate("text")
    assert caught.value.details == [{"path": "", "message": "must be an object"}]
    assert caught.value.message.endswith("(1 problem): data must be an object")


def test_absent_data_takes_the_schemas_default():
    validator = Validator({"type": "object", "default": {}, "properties": {"n": {"default": 1}}})
    assert validator.validate(None) == {"n": 1}


def test_absent_data_without_a_default_is_checked_as_null():
    assert problems({"type": "object"}, None) == [("", "must be an object")]
    assert Validator({"type": ["object", "null"]}).validate(None) is None


def test_defaults_are_copies_and_the_callers_data_is_not_changed():
    schema = {"type": "object", "properties": {"tags": {"default": []}, "n": {"type": "integer"}}}
    validator = Validator(schema)
    data = {"n": "1"}
    first = validator.validate(data, coerce=True)
    first["tags"].append("x")
    assert validator.validate({}) == {"tags": []}
    assert data == {"n": "1"}


def test_a_default_satisfies_required():
    schema = {
        "type": "object",
        "properties": {"page": {"type": "integer", "default": 1}},
        "required": ["page"],
    }
    assert Validator(schema).validate({}) == {"page": 1}


def test_json_equality_in_enum_const_and_unique_items():
    assert problems({"enum": [1, "a"]}, 1.0) == []
    assert problems({"enum": [1]}, True) == [("", "must be one of: 1")]
    assert problems({"const": False}, 0) == [("", "must be false")]
    assert problems({"const": {"a": [1, {"b": 2}]}}, {"a": [1.0, {"b": 2}]}) == []
    assert problems({"uniqueItems": True}, [1, True, "1", [1], {"a": 1}]) == []
    assert problems({"uniqueItems": True}, [{"a": 1, "b": 2}, {"b": 2, "a": 1}]) == [
        ("/1", "repeats an earlier item (items must be unique)")
    ]


def test_a_whole_float_where_an_integer_is_asked_arrives_as_an_int():
    value = Validator({"type": "object", "properties": {"n": {"type": "integer"}}}).validate({"n": 72.0})
    assert value == {"n": 72} and type(value["n"]) is int
    assert type(Validator({"type": ["integer", "number"]}).validate(72.0)) is float


def test_integer_and_number_follow_json_not_python():
    assert problems({"type": "integer"}, 3.0) == []
    assert problems({"type": "integer"}, True) == [("", "must be an integer")]
    assert problems({"type": "number"}, False) == [("", "must be a number")]
    assert problems({"type": "boolean"}, 1) == [("", "must be a boolean")]
    assert problems({"minimum": 5}, "not a number") == []  # bounds apply to numbers only


def test_length_counts_characters_not_bytes():
    assert problems({"maxLength": 2}, "éé") == []
    assert problems({"minLength": 2}, "😀") == [("", "must be at least 2 characters long")]


def test_pattern_dollar_is_the_very_end_and_classes_are_ascii():
    assert problems({"pattern": "^[a-z]+$"}, "abc\n") == [("", 'must match the pattern "^[a-z]+$"')]
    assert problems({"pattern": "^[$]+$"}, "$$") == []
    assert problems({"pattern": r"^\$\d$"}, "$1") == []
    assert problems({"pattern": r"^\d+$"}, "١٢") != []  # Arabic-Indic digits are not \d in ECMA-262
    assert problems({"pattern": "b"}, "abc") == []  # unanchored, as JSON Schema says


def test_false_refuses_and_true_accepts():
    assert problems(False, 1) == [("", "is not allowed")]
    assert problems({"properties": {"a": False}}, {"a": 1}) == [("/a", "is not allowed")]
    assert problems(True, {"anything": [1]}) == []


def test_min_and_max_properties_and_items():
    assert problems({"minProperties": 1}, {}) == [("", "must hold at least 1 property")]
    assert problems({"maxProperties": 1}, {"a": 1, "b": 2}) == [("", "must hold at most 1 property")]
    assert problems({"minItems": 2}, [1]) == [("", "must hold at least 2 items")]


# -- PHP's strings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("integer", "42", 42),
        ("integer", "-7", -7),
        ("integer", "007", 7),
        ("number", "4.5", 4.5),
        ("number", "42", 42),
        ("number", "-1e3", -1000.0),
        ("number", ".5", 0.5),
        ("boolean", "1", True),
        ("boolean", "0", False),
        ("boolean", "true", True),
        ("boolean", "false", False),
    ],
)
def test_strings_become_what_the_schema_asks_for(kind, text, value):
    converted = Validator({"type": kind}).validate(text, coerce=True)
    assert converted == value and type(converted) is type(value)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("integer", "4.0"),
        ("integer", " 42"),
        ("integer", "4_2"),
        ("integer", "+4"),
        ("integer", "٤٢"),
        ("integer", ""),
        ("number", "1e999"),
        ("number", "nan"),
        ("number", "0x10"),
        ("boolean", "yes"),
        ("boolean", "TRUE"),
        ("boolean", ""),
    ],
)
def test_strings_that_php_would_not_send_for_the_type_stay_strings_and_are_refused(kind, text):
    validator = Validator({"type": kind})
    value, found = validator.apply(text, coerce=True)
    assert value == text and len(found) == 1


def test_conversion_follows_the_schema_into_objects_and_arrays():
    schema = {
        "type": "object",
        "properties": {
            "n": {"type": "integer"},
            "flags": {"type": "array", "items": {"type": "boolean"}},
            "deep": {"type": "object", "additionalProperties": {"type": "number"}},
            "text": {"type": "string"},
            "either": {"type": ["integer", "string"]},
        },
    }
    data = {"n": "3", "flags": ["1", "false"], "deep": {"x": "2.5"}, "text": "4", "either": "5"}
    assert Validator(schema).validate(data, coerce=True) == {
        "n": 3,
        "flags": [True, False],
        "deep": {"x": 2.5},
        "text": "4",
        "either": "5",  # a string is already of an allowed type
    }


def test_a_type_list_converts_by_its_first_type_that_reads_the_string():
    assert Validator({"type": ["boolean", "integer"]}).validate("1", coerce=True) is True
    assert Validator({"type": ["integer", "boolean"]}).validate("1", coerce=True) == 1
    assert Validator({"type": ["integer", "null"]}).validate("12", coerce=True) == 12


def test_a_json_body_is_taken_as_it_is():
    assert problems({"type": "integer"}, "42") == [("", "must be an integer")]


def test_a_converted_value_is_then_checked():
    assert problems({"type": "integer", "maximum": 10}, "42", coerce=True) == [("", "must be at most 10")]


def test_problem_is_a_path_and_a_message():
    assert Problem("/a", "is required")._asdict() == {"path": "/a", "message": "is required"}


# -- in agreement with jsonschema -----------------------------------------------------------

KEYS = ["a", "b", "c"]
TEXT = st.text(alphabet="abcAB1 é", max_size=6)
json_leaves = st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-5, 5, allow_nan=False) | TEXT
json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3),
    max_leaves=10,
)


def _with(draw: Any, base: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    for keyword, strategy in options.items():
        if draw(st.booleans()):
            base[keyword] = draw(strategy)
    return base


@st.composite
def leaf_schemas(draw: Any) -> Any:
    kind = draw(
        st.sampled_from(["integer", "number", "string", "boolean", "null", None, "enum", "const", "bool"])
    )
    if kind == "bool":
        return draw(st.booleans())
    if kind == "enum":
        return {"enum": draw(st.lists(json_leaves, min_size=1, max_size=4))}
    if kind == "const":
        return {"const": draw(json_values)}
    schema: dict[str, Any] = {} if kind is None else {"type": kind}
    if draw(st.booleans()):
        schema["type"] = draw(
            st.lists(
                st.sampled_from(["integer", "string", "null", "array"]), min_size=1, max_size=3, unique=True
            )
        )
    bounds = st.integers(-3, 3) | st.floats(-3, 3, allow_nan=False)
    return _with(
        draw,
        schema,
        {
            "minimum": bounds,
            "maximum": bounds,
            "exclusiveMinimum": bounds,
            "exclusiveMaximum": bounds,
            "minLength": st.integers(0, 4),
            "maxLength": st.integers(0, 4),
            "pattern": st.sampled_from(["^a", "b", "^[a-c]+$", "1$", "^$", "[$]"]),
        },
    )


def _extend(inner: Any) -> Any:
    @st.composite
    def containers(draw: Any) -> Any:
        if draw(st.booleans()):
            properties = draw(st.dictionaries(st.sampled_from(KEYS), inner, max_size=3))
            schema: dict[str, Any] = {"properties": properties}
            if draw(st.booleans()):
                schema["type"] = "object"
            return _with(
                draw,
                schema,
                {
                    "required": st.lists(st.sampled_from(KEYS), unique=True, max_size=3),
                    "additionalProperties": st.booleans() | inner,
                    "minProperties": st.integers(0, 3),
                    "maxProperties": st.integers(0, 3),
                },
            )
        schema = {"type": "array"} if draw(st.booleans()) else {}
        return _with(
            draw,
            schema,
            {
                "items": inner,
                "minItems": st.integers(0, 3),
                "maxItems": st.integers(0, 3),
                "uniqueItems": st.booleans(),
            },
        )

    return containers()


schemas = st.recursive(leaf_schemas(), _extend, max_leaves=6)


def _their_locations(validator: Any, value: Any) -> set[str] | None:
    """jsonschema's errors as pointers, with required and additionalProperties at the property.

    None when a `false` subschema refused something: jsonschema 4 reports those at the root.
    """

    def pointer(parts: Any) -> str:
        return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)

    found = set()
    for error in validator.iter_errors(value):
        at = list(error.absolute_path)
        if error.validator is None:
            return None
        if error.validator == "required":
            found |= {pointer([*at, name]) for name in error.validator_value if name not in error.instance}
        elif error.validator == "additionalProperties" and error.validator_value is False:
            declared = error.schema.get("properties", {})
            found |= {pointer([*at, name]) for name in error.instance if name not in declared}
        elif error.validator == "items" and error.validator_value is False:
            found |= {pointer([*at, index]) for index in range(len(error.instance))}
        else:
            found.add(pointer(at))
    return found


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=schemas, data=json_values)
def test_validity_and_problem_locations_agree_with_jsonschema(schema, data):
    from jsonschema import Draft202012Validator

    try:
        check_schema(schema)
    except SchemaError:  # a generated default may not match its schema: jsonschema would not say
        return
    given_data = copy.deepcopy(data)
    value, found = Validator(schema).apply(data)
    assert data == given_data  # nothing changed in place
    theirs = Draft202012Validator(schema)
    assert (not found) == theirs.is_valid(value), (found, list(theirs.iter_errors(value)))
    if len(found) < MAX_PROBLEMS:
        ours = {
            problem.path.rsplit("/", 1)[0] if "repeats" in problem.message else problem.path
            for problem in found
        }
        theirs_found = _their_locations(theirs, value)
        assert theirs_found is None or ours == theirs_found


@settings(max_examples=200, deadline=None)
@given(schema=schemas, data=json_values)
def test_what_conversion_lets_through_is_valid_for_jsonschema(schema, data):
    from jsonschema import Draft202012Validator

    def as_text(value: Any) -> Any:  # what PHP would send: scalars as strings
        if isinstance(value, dict):
            return {key: as_text(item) for key, item in value.items()}
        if isinstance(value, list):
            return [as_text(item) for item in value]
        if isinstance(value, bool):
            return "1" if value else "0"
        return str(value) if isinstance(value, int) else value

    try:
        check_schema(schema)
    except SchemaError:
        return
    value, found = Validator(schema).apply(as_text(data), coerce=True)
    if not found:
        assert Draft202012Validator(schema).is_valid(value)
