"""The json and json_object formats: byte for byte what PHP 8 prints, checked against PHP's own output."""

from __future__ import annotations

import ast
import enum
import json
import math
from collections import OrderedDict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.http import formats
from chalicelib.http.formats import UnrenderableValue, render_json, render_json_object

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "php_json_golden.json"
CASES: list[dict[str, Any]] = json.loads(GOLDEN.read_text(encoding="ascii"))
CASE_IDS = [f"{index:03d} {case['label'][:60]}" for index, case in enumerate(CASES)]
INT64 = range(-(2**63), 2**63)


def golden_value(case: dict[str, Any]) -> Any:
    """The value PHP saw as case["input"], as a Python method would return it."""
    return ast.literal_eval(case["python"]) if "python" in case else json.loads(case["input"])


def reference(force_object: bool) -> Any:
    """The slow path alone: the complete encoder in Python that the fast path falls back on."""
    return lambda value: formats._encode_slowly(value, force_object)


def rendered(render: Any, value: Any) -> str | None:
    try:
        return str(render(value))
    except UnrenderableValue:
        return None


# PHP's own output, recorded by tests/golden/make_php_golden.py.


def test_the_golden_file_holds_several_hundred_cases_with_refusals_among_them():
    assert len(CASES) >= 500
    assert sum(case["json"] is None for case in CASES) >= 50
    assert sum("python" in case for case in CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_json_matches_php_byte_for_byte(case):
    value = golden_value(case)
    assert rendered(render_json, value) == case["json"]
    assert rendered(reference(False), value) == case["json"]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_json_object_matches_php_byte_for_byte(case):
    value = golden_value(case)
    assert rendered(render_json_object, value) == case["json_object"]
    assert rendered(reference(True), value) == case["json_object"]


# Floats and integers.


def test_ten_point_zero_renders_as_ten():
    assert render_json(10.0) == "10"
    assert render_json([10.0, -3.0, 0.0]) == "[10,-3,0]"


def test_negative_zero_renders_as_minus_zero():
    assert render_json(-0.0) == "-0"
    assert render_json({"x": -0.0}) == '{"x":-0}'


def test_floats_take_exponent_form_from_1e17_up():
    assert render_json(1e15) == "1000000000000000"
    assert render_json(1e16) == "10000000000000000"
    assert render_json(1.5e16) == "15000000000000000"
    assert render_json(1e17) == "1.0e+17"
    assert render_json(1e20) == "1.0e+20"
    assert render_json(1.5e300) == "1.5e+300"


def test_floats_take_exponent_form_below_1e_minus_4():
    assert render_json(0.0001) == "0.0001"
    assert render_json(1e-5) == "1.0e-5"
    assert render_json(-1.5e-7) == "-1.5e-7"
    assert render_json(5e-324) == "5.0e-324"


def test_floats_print_the_shortest_digits_that_round_trip():
    assert render_json(0.1 + 0.2) == "0.30000000000000004"
    assert render_json(1 / 3) == "0.3333333333333333"


def test_ints_beyond_int64_render_as_php_floats():
    assert render_json(2**63 - 1) == "9223372036854775807"
    assert render_json(-(2**63)) == "-9223372036854775808"
    assert render_json(2**63) == "9.223372036854776e+18"
    assert render_json(2**64) == "1.8446744073709552e+19"
    assert render_json([1, -(2**63) - 1]) == "[1,-9.223372036854776e+18]"


def test_an_int_beyond_the_float_range_is_unrenderable():
    with pytest.raises(UnrenderableValue):
        render_json(10**400)


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
def test_nan_and_infinity_are_unrenderable(number):
    for value in (number, [1, number], {"a": number}):
        with pytest.raises(UnrenderableValue):
            render_json(value)
        with pytest.raises(UnrenderableValue):
            render_json_object(value)


def test_nan_is_unrenderable():
    with pytest.raises(UnrenderableValue):
        render_json(float("nan"))


# Strings.


def test_slashes_are_escaped():
    assert render_json("a/b") == '"a\\/b"'
    assert render_json({"a/b": ["</c>"]}) == '{"a\\/b":["<\\/c>"]}'


def test_non_ascii_is_escaped_in_lowercase_utf16():
    assert render_json("é中") == '"\\u00e9\\u4e2d"'
    assert render_json("\U0001f600") == '"\\ud83d\\ude00"'


def test_line_and_paragraph_separators_are_escaped():
    assert render_json("\u2028\u2029") == '"\\u2028\\u2029"'


def test_control_characters_are_escaped_as_php_does():
    assert render_json("\b\f\n\r\t\x00\x1f") == '"\\b\\f\\n\\r\\t\\u0000\\u001f"'


def test_del_goes_out_raw():
    assert render_json("a\x7f") == '"a\x7f"'
    assert render_json(["\\u007f", "\\\x7f"]) == '["\\\\u007f","\\\\\x7f"]'


def test_quotes_and_backslashes_are_escaped():
    assert render_json('say "hi" \\') == '"say \\"hi\\" \\\\"'


def test_a_lone_surrogate_is_unrenderable():
    for value in ("\ud800", ["ok", "x\udc00"], {"k": "\ud83d"}, {"\udfff": 1}):
        with pytest.raises(UnrenderableValue):
            render_json(value)


def test_a_surrogate_pair_of_code_points_renders_like_the_astral_character():
    assert render_json("\ud83d\ude00") == render_json("\U0001f600")


def test_text_that_looks_like_an_escape_is_not_taken_for_one():
    assert render_json("\\ud800") == '"\\\\ud800"'
    assert render_json(["\\ud83d", 1.0]) == '["\\\\ud83d",1]'


# Containers.


def test_tuple_renders_as_array():
    assert render_json((1, "a", (2.0,))) == '[1,"a",[2]]'


def test_empty_dict_renders_as_object_and_empty_list_as_array():
    assert render_json({"a": {}, "b": [], "c": ()}) == '{"a":{},"b":[],"c":[]}'


def test_force_object_turns_nested_lists_into_objects():
    value = {"rows": [[1, 2], {"tags": ["x"]}, ()]}
    assert render_json_object(value) == '{"rows":{"0":{"0":1,"1":2},"1":{"tags":{"0":"x"}},"2":{}}}'


def test_force_object_turns_an_empty_list_into_an_empty_object():
    assert render_json_object([]) == "{}"
    assert render_json_object([[]]) == '{"0":{}}'


def test_force_object_leaves_scalars_and_the_callers_value_alone():
    value = {"a": [1, [2.0]], "b": (3,)}
    assert render_json_object(5) == "5"
    render_json_object(value)
    assert value == {"a": [1, [2.0]], "b": (3,)}


def test_non_string_keys_convert_as_json_dumps_converts_them():
    value = {2: "a", 1.5: "b", True: "c", False: "d", None: "e", 1e20: "f"}
    assert render_json(value) == '{"2":"a","1.5":"b","true":"c","false":"d","null":"e","1e+20":"f"}'


def test_keys_that_collide_once_converted_keep_the_first_place_and_the_last_value():
    assert render_json({1: "a", "2": "b", "1": "c"}) == '{"1":"c","2":"b"}'


def test_a_key_starting_with_nul_is_unrenderable():
    assert render_json({"a\x00": 1}) == '{"a\\u0000":1}'
    with pytest.raises(UnrenderableValue):
        render_json({"\x00a": 1})


@pytest.mark.parametrize(
    "value",
    [b"bytes", {1, 2}, object(), Decimal("1.5"), date(2024, 1, 1), [1, b"x"], {"a": {"b": frozenset()}}],
    ids=["bytes", "set", "object", "decimal", "date", "bytes in list", "frozenset in dict"],
)
def test_an_unsupported_type_is_unrenderable(value):
    with pytest.raises(UnrenderableValue):
        render_json(value)
    with pytest.raises(UnrenderableValue):
        render_json_object(value)


def test_an_unsupported_key_type_is_unrenderable():
    with pytest.raises(UnrenderableValue):
        render_json({(1, 2): "x"})


def nested(depth: int, leaf: Any, kind: type = list) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value] if kind is list else {"k": value}
    return value


@pytest.mark.parametrize("kind", [list, dict])
@pytest.mark.parametrize("render", [render_json, render_json_object])
def test_511_levels_render_and_512_are_unrenderable(render, kind):
    assert render(nested(511, 1, kind)).count("1") == 1
    with pytest.raises(UnrenderableValue):
        render(nested(512, 1, kind))


def test_very_deep_nesting_is_unrenderable_rather_than_a_recursion_error():
    for render in (render_json, render_json_object):
        with pytest.raises(UnrenderableValue):
            render(nested(100_000, None))


def test_a_cycle_is_unrenderable():
    loop: list[Any] = [1]
    loop.append(loop)
    knot: dict[str, Any] = {}
    knot["self"] = [knot]
    for value in (loop, knot):
        with pytest.raises(UnrenderableValue):
            render_json(value)
        with pytest.raises(UnrenderableValue):
            render_json_object(value)


class Colour(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Name(enum.StrEnum):
    ADA = "ada/lovelace"


class Weight(float):
    def __repr__(self) -> str:
        return "heavy"


def test_subclasses_render_as_their_base_type():
    value = OrderedDict([("b", Level.HIGH), ("a", [Name.ADA, Weight(2.0)])])
    value.move_to_end("b")
    assert render_json(value) == '{"a":["ada\\/lovelace",2],"b":3}'
    assert render_json_object(value) == '{"a":{"0":"ada\\/lovelace","1":2},"b":3}'


def test_an_enum_that_is_not_a_str_or_int_is_unrenderable():
    with pytest.raises(UnrenderableValue):
        render_json({"colour": Colour.RED})


# The fast path's shortcuts, on small and large values alike.

ROWS = [
    {
        "id": i,
        "name": f"user {i}",
        "url": f"https://x.org/{i}",
        "ok": i % 2 == 0,
        "score": i * 0.5,
        "tags": ["a"],
    }
    for i in range(200)
]


def test_a_large_result_renders_as_its_rows_do_one_by_one():
    assert render_json(ROWS) == "[" + ",".join(map(render_json, ROWS)) + "]"
    by_index = ",".join(f'"{i}":{render_json_object(row)}' for i, row in enumerate(ROWS))
    assert render_json_object(ROWS) == "{" + by_index + "}"


@pytest.mark.parametrize("size", [1, 200], ids=["small", "large"])
def test_text_that_looks_like_an_integral_float_is_left_alone(size):
    row = {"text": "x,1.0}", "list": "[2.0]", "value": 3.0}
    expected = '{"text":"x,1.0}","list":"[2.0]","value":3}'
    assert render_json([row] * size) == "[" + ",".join([expected] * size) + "]"


@pytest.mark.parametrize("size", [1, 200], ids=["small", "large"])
def test_a_big_int_or_exponent_float_in_a_large_result_is_still_php_formatted(size):
    rows = [{"id": i, "x": 1.5} for i in range(size)]
    rows[-1] = {"id": 2**64, "x": 1e-7}
    assert render_json(rows).endswith('{"id":1.8446744073709552e+19,"x":1.0e-7}]')


# Properties: the output is JSON that reads back as the value.

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
KEYS = st.text().filter(lambda key: not key.startswith("\x00"))
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=6)
        | st.lists(children, max_size=6).map(tuple)
        | st.dictionaries(KEYS, children, max_size=6)
    ),
    max_leaves=40,
)
SURROGATES = st.integers(0xD800, 0xDFFF).map(chr)  # st.characters() never draws them
ODD_CHARACTERS = st.characters() | SURROGATES | st.sampled_from('/\\\x7f"u')
ANY_TEXT = st.text() | st.lists(ODD_CHARACTERS, max_size=8).map("".join)
ANY_VALUES = st.recursive(
    SCALARS | ANY_TEXT | st.integers(),
    lambda children: (
        st.lists(children, max_size=6)
        | st.lists(children, max_size=6).map(tuple)
        | st.dictionaries(ANY_TEXT | st.integers(-3, 3) | st.booleans(), children, max_size=6)
    ),
    max_leaves=40,
)
PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same(read: Any, expected: Any) -> bool:
    """Equal, a number read back as an int matching a float by value ("10" for 10.0, 17 digits for 1e16)."""
    if isinstance(expected, float):
        return isinstance(read, int | float) and not isinstance(read, bool) and float(read) == expected
    if isinstance(expected, list):
        return isinstance(read, list) and len(read) == len(expected) and all(map(same, read, expected))
    if isinstance(expected, dict):
        return (
            isinstance(read, dict)
            and list(read) == list(expected)
            and all(map(same, read.values(), expected.values()))
        )
    return type(read) is type(expected) and read == expected


def as_read_back(value: Any, force_object: bool) -> Any:
    """What json.loads gives for PHP's output: arrays as lists (or objects), out-of-int64 ints as floats."""
    if isinstance(value, list | tuple):
        items = [as_read_back(item, force_object) for item in value]
        return {str(i): item for i, item in enumerate(items)} if force_object else items
    if isinstance(value, dict):
        return {key: as_read_back(item, force_object) for key, item in value.items()}
    if isinstance(value, int) and not isinstance(value, bool) and value not in INT64:
        return float(value)
    return value


@PROPERTY_SETTINGS
@given(VALUES)
def test_render_json_reads_back_as_the_value(value):
    out = render_json(value)
    assert out.isascii()
    assert same(json.loads(out), as_read_back(value, force_object=False))


@PROPERTY_SETTINGS
@given(VALUES)
def test_render_json_object_reads_back_as_the_value_with_lists_as_objects(value):
    assert same(json.loads(render_json_object(value)), as_read_back(value, force_object=True))


@PROPERTY_SETTINGS
@given(ANY_VALUES)
def test_the_fast_path_agrees_with_the_reference_encoder(value):
    assert rendered(render_json, value) == rendered(reference(False), value)
    assert rendered(render_json_object, value) == rendered(reference(True), value)


PAD = "x" * 40  # rows long enough for the level-wide survey
CELLS = SCALARS | ANY_TEXT | st.lists(SCALARS, max_size=2)
LARGE_VALUES = (
    st.lists(
        st.fixed_dictionaries({"pad": st.just(PAD), "a": CELLS, "b/": CELLS, "\u00e9": CELLS}), min_size=40
    )
    | st.lists(st.dictionaries(st.sampled_from(["pad", "a", "b/", "\u00e9"]), CELLS), min_size=40)
    | st.lists(st.tuples(st.just(PAD), CELLS, CELLS), min_size=40)
    | st.lists(st.lists(CELLS, max_size=3).map(lambda row: [PAD, *row]), min_size=40)
)


@PROPERTY_SETTINGS
@given(LARGE_VALUES)
def test_the_survey_of_large_values_agrees_with_the_reference_encoder(rows):
    assert rendered(render_json, rows) == rendered(reference(False), rows)
    assert rendered(render_json_object, rows) == rendered(reference(True), rows)


EXPONENT_FLOATS = [1e-05, -2.5e-07, 1e16, -1.5e16, 1e17, 1.7976931348623157e308, 5e-324, 123456789012345680.0]


@pytest.mark.parametrize("rows", [1, 600])  # the per-value check and the level-wide survey
def test_floats_in_exponent_form_take_the_fast_path_and_print_as_php(monkeypatch, rows):
    value = [[*EXPONENT_FLOATS, 10.0, -0.0, 0.5, 3] for _ in range(rows)]
    expected = formats._encode_slowly(value, False)
    slow_calls = []
    monkeypatch.setattr(formats, "_encode_slowly", lambda *args: slow_calls.append(args) or "")
    assert render_json(value) == expected
    assert slow_calls == []
    assert expected.startswith("[[1.0e-5,-2.5e-7,10000000000000000,-15000000000000000,1.0e+17,")


def test_float_text_inside_a_string_sends_the_value_to_the_slow_path():
    value = [1e-05, "[1e-05]", [2.0, "x,1.0]"]]
    assert render_json(value) == '[1.0e-5,"[1e-05]",[2,"x,1.0]"]]'
