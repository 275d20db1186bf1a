"""Which names a caller may ask for, and how a message quotes a name it refused."""

from __future__ import annotations

import pytest

from chalicelib.names import MAX_NAME_LENGTH, is_public_name, shown


@pytest.mark.parametrize("name", ["demo", "say_hello", "A1", "x" * MAX_NAME_LENGTH])
def test_an_identifier_not_starting_with_an_underscore_is_a_public_name(name):
    assert is_public_name(name)


@pytest.mark.parametrize(
    "name",
    ["", "_private", "__init__", "1st", "a.b", "../x", "a b", "a\0", "é", "x" * (MAX_NAME_LENGTH + 1)],
)
def test_private_dotted_hostile_or_overlong_names_are_not_public(name):
    assert not is_public_name(name)


@pytest.mark.parametrize("name", [None, 1, ["demo"], b"demo"])
def test_a_name_that_is_not_a_string_is_not_public(name):
    assert not is_public_name(name)


def test_a_short_printable_name_is_shown_as_it_is():
    assert shown("demo") == "demo"


def test_a_long_name_is_clipped_with_an_ellipsis():
    assert shown("x" * 500) == "x" * MAX_NAME_LENGTH + "..."


def test_control_characters_are_shown_escaped_so_a_log_line_stays_one_line():
    assert shown("a\nb\0") == "a\\nb\\x00"


def test_a_name_that_is_not_a_string_is_shown_as_its_repr():
    assert shown(["x"]) == "['x']"
