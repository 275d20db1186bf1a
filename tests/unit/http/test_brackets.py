"""PHP bracket notation: the expectations below were checked against PHP 8.2's parse_str."""

from __future__ import annotations

import json
import shutil
import subprocess
from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.errors import BadRequest
from chalicelib.http.brackets import MAX_DEPTH, parse_fields, parse_fields_general, php_key


def parse(query: str) -> dict[str, object]:
    return parse_fields(parse_qsl(query, keep_blank_values=True))


def test_the_contracts_example_gives_an_object_with_a_list() -> None:
    assert parse("data[a]=1&data[b][]=2&data[b][]=3") == {"data": {"a": "1", "b": ["2", "3"]}}


def test_plain_fields_stay_strings() -> None:
    assert parse("module=users&method=me&n=5") == {"module": "users", "method": "me", "n": "5"}


def test_nested_keys_nest() -> None:
    assert parse("a[x][y]=1") == {"a": {"x": {"y": "1"}}}


def test_empty_brackets_append() -> None:
    assert parse("a[]=1&a[]=2") == {"a": ["1", "2"]}


def test_appends_nest_in_appends() -> None:
    assert parse("a[][]=1&a[][]=2") == {"a": [["1"], ["2"]]}


def test_a_bracket_holding_one_space_appends_as_in_php() -> None:
    assert parse("a[ ]=1&a[ ]=2") == {"a": ["1", "2"]}


def test_an_append_follows_the_largest_integer_key() -> None:
    assert parse("a[5]=x&a[]=y") == {"a": {"5": "x", "6": "y"}}
    assert parse("b[1]=1&b[3]=2&b[]=3") == {"b": {"1": "1", "3": "2", "4": "3"}}


def test_an_append_after_a_negative_key_follows_it_as_in_php() -> None:
    assert parse("a[-5]=1&a[]=2") == {"a": {"-5": "1", "-4": "2"}}
    assert parse("a[]=1&a[-5]=2&a[]=3") == {"a": {"0": "1", "-5": "2", "1": "3"}}


def test_an_append_after_only_string_keys_starts_at_zero() -> None:
    assert parse("a[x]=1&a[]=2") == {"a": {"x": "1", "0": "2"}}


def test_an_append_past_the_64_bit_maximum_is_dropped_as_in_php() -> None:
    assert parse("a[9223372036854775807]=1&a[]=2") == {"a": {"9223372036854775807": "1"}}


def test_explicit_indexes_0_to_n_give_a_list() -> None:
    assert parse("a[0]=x&a[1]=y&a[2]=z") == {"a": ["x", "y", "z"]}


def test_indexes_out_of_order_give_an_object() -> None:
    assert parse("a[1]=x&a[0]=y") == {"a": {"1": "x", "0": "y"}}


def test_indexes_with_a_gap_give_an_object() -> None:
    assert parse("a[0]=x&a[2]=y") == {"a": {"0": "x", "2": "y"}}


def test_a_repeated_index_replaces_in_place() -> None:
    assert parse("a[0]=1&a[1]=2&a[0]=3") == {"a": ["3", "2"]}


def test_a_leading_zero_index_is_a_string_key() -> None:
    assert parse("a[05]=x&a[]=y") == {"a": {"05": "x", "0": "y"}}


def test_minus_zero_is_a_string_key() -> None:
    assert parse("a[-0]=1&a[]=2") == {"a": {"-0": "1", "0": "2"}}


@pytest.mark.parametrize(
    ("index", "key"),
    [
        ("0", 0),
        ("5", 5),
        ("-3", -3),
        ("9223372036854775807", 9223372036854775807),
        ("-9223372036854775808", -9223372036854775808),
        ("9223372036854775808", "9223372036854775808"),
        ("05", "05"),
        ("-0", "-0"),
        ("+1", "+1"),
        (" 1", " 1"),
        ("1.5", "1.5"),
        ("1\n", "1\n"),
        ("", ""),
    ],
)
def test_only_canonical_64_bit_decimals_are_integer_keys(index: str, key: int | str) -> None:
    assert php_key(index) == key
    assert type(php_key(index)) is type(key)


def test_a_later_plain_value_replaces_an_earlier_array() -> None:
    assert parse("data[a]=1&data=x") == {"data": "x"}


def test_a_later_array_replaces_an_earlier_plain_value() -> None:
    assert parse("data=x&data[a]=1") == {"data": {"a": "1"}}
    assert parse("a[x]=1&a[x][]=2") == {"a": {"x": ["2"]}}


def test_a_later_plain_value_replaces_earlier_ones() -> None:
    assert parse("a=1&a=2") == {"a": "2"}


def test_a_replaced_field_keeps_its_position() -> None:
    assert list(parse("a=1&b=2&a[x]=3")) == ["a", "b"]


def test_an_unclosed_first_bracket_keeps_the_name_literally() -> None:
    # PHP gives {"a_b": "1"}: it also turns the '[' into '_'; names are never mangled here.
    assert parse("a[b=1") == {"a[b": "1"}
    assert parse("a[=1") == {"a[": "1"}


def test_an_unclosed_later_bracket_ends_the_name_as_in_php() -> None:
    assert parse("a[b][c=1") == {"a": {"b": "1"}}


def test_text_after_a_closing_bracket_is_ignored_as_in_php() -> None:
    assert parse("a[b]c=1") == {"a": {"b": "1"}}
    assert parse("a[b]c[d]=1") == {"a": {"b": "1"}}
    assert parse("a[]]=1") == {"a": ["1"]}


def test_an_index_runs_to_the_first_closing_bracket() -> None:
    assert parse("a[[b]]=1") == {"a": {"[b": "1"}}
    assert parse("a[b[c]]=1") == {"a": {"b[c": "1"}}


def test_a_stray_closing_bracket_is_part_of_the_name() -> None:
    assert parse("a]b=1") == {"a]b": "1"}


def test_names_that_php_drops_are_dropped() -> None:
    assert parse("=1&[a]=2&[]=3&b=4") == {"b": "4"}


def test_dots_and_spaces_in_names_are_not_mangled() -> None:
    # PHP would give {"a_b": ..., "a_c": ..., "d": ...}; these names are kept as sent.
    assert parse("a.b=1&a+c=2&+d=3&e[f.g]=4") == {"a.b": "1", "a c": "2", " d": "3", "e": {"f.g": "4"}}


def test_spaces_inside_an_index_are_kept() -> None:
    assert parse("a[+b+]=1&a[++]=2") == {"a": {" b ": "1", "  ": "2"}}


def test_values_stay_strings_even_when_empty() -> None:
    assert parse("a[]&a[]=&b") == {"a": ["", ""], "b": ""}


def test_nesting_up_to_max_depth_is_read() -> None:
    value: object = parse("a" + "[x]" * MAX_DEPTH + "=1")["a"]
    for _ in range(MAX_DEPTH):
        assert isinstance(value, dict)
        value = value["x"]
    assert value == "1"


def test_nesting_deeper_than_max_depth_is_bad_request() -> None:
    with pytest.raises(BadRequest, match="nested too deeply"):
        parse("a" + "[x]" * (MAX_DEPTH + 1) + "=1")


def test_an_unclosed_bracket_past_max_depth_is_still_too_deep_as_in_php() -> None:
    with pytest.raises(BadRequest, match="nested too deeply"):
        parse("a" + "[x]" * MAX_DEPTH + "[y=1")


def test_a_very_long_bracket_name_is_refused_quickly() -> None:
    with pytest.raises(BadRequest):
        parse_fields([("a" + "[]" * 100_000, "1")])


names = st.text(alphabet="ab[]0-1 ", max_size=12)


@given(st.lists(st.tuples(names, st.text(max_size=3)), max_size=8))
def test_parsing_gives_only_strings_lists_and_str_keyed_dicts(pairs: list[tuple[str, str]]) -> None:
    def check(value: object) -> None:
        if isinstance(value, dict):
            assert all(isinstance(key, str) for key in value)
            for item in value.values():
                check(item)
        elif isinstance(value, list):
            for item in value:
                check(item)
        else:
            assert isinstance(value, str)

    check(parse_fields(pairs))


# Names near the shortcut's shape (`base[key]`) and just off it: ints, appends, spaces, nesting.
near_names = st.one_of(
    names,
    st.builds(
        lambda b, k, tail: f"{b}[{k}]{tail}",
        st.sampled_from(["data", "a", "", "x]"]),
        st.sampled_from(["name", "n", "", " ", " n", "0", "5", "-1", "05", "a b", "é", "_", "[x", "if"]),
        st.sampled_from(["", "", "", "[]", "[y]", "]", "x", "["]),
    ),
)


@given(st.lists(st.tuples(near_names, st.text(max_size=3)), max_size=8))
def test_the_common_shapes_shortcut_gives_what_the_general_parser_gives(pairs: list[tuple[str, str]]) -> None:
    try:
        expected: object = parse_fields_general(pairs)
    except BadRequest as refused:
        expected = str(refused)
    try:
        found: object = parse_fields(iter(pairs))
    except BadRequest as refused:
        found = str(refused)
    assert found == expected
    assert json.dumps(found) == json.dumps(expected)  # the same order too, at every level


def test_the_shortcut_hands_over_to_the_general_parser_midway() -> None:
    pairs = [("data[name]", "Ann"), ("module", "m"), ("data[]", "x"), ("e[a]", "1"), ("e[0]", "2")]
    assert (
        parse_fields(pairs)
        == parse_fields_general(pairs)
        == {"data": {"name": "Ann", "0": "x"}, "module": "m", "e": {"a": "1", "0": "2"}}
    )


PHP = shutil.which("php")
PHP_CHECKED = [
    "data[a]=1&data[b][]=2&data[b][]=3",
    "a[5]=x&a[]=y&a[-7]=z&a[]=w",
    "a[-5]=1&a[]=2",
    "a[05]=x&a[]=y&a[-0]=z",
    "a[1]=x&a[0]=y",
    "a[0]=x&a[1]=y&a[0]=z",
    "a[ ]=1&a[ ]=2&b[  ]=3",
    "data=x&data[a]=1&e[a]=1&e=x",
    "a[b][c=1&d[b]c[e]=2&f[]]=3&g[[h]]=4",
    "a[x]=1&a[x][]=2&a[][]=3",
    "a[9223372036854775807]=1&a[]=2&b[-9223372036854775808]=1&b[]=2",
    "=1&[a]=2&a]b=3",
]


@pytest.mark.skipif(PHP is None, reason="php is not installed")
@pytest.mark.parametrize("query", PHP_CHECKED)
def test_matches_php_parse_str(query: str) -> None:
    assert PHP is not None
    script = "parse_str(stream_get_contents(STDIN), $o); echo json_encode($o);"
    out = subprocess.run([PHP, "-r", script], input=query.encode(), capture_output=True, check=True)
    expected = json.loads(out.stdout) or {}
    assert parse(query) == expected
