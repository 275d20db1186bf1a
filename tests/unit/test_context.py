"""A method's `ctx`: cookies rendered safely, internal calls one level deeper, answers shared."""

from __future__ import annotations

import pytest

from chalicelib.context import render_set_cookie


def test_set_cookie_renders_attributes():
    header = render_set_cookie("s", "v", max_age=60, path="/", secure=True, httponly=True, samesite="Lax")
    assert header == "s=v; HttpOnly; Max-Age=60; Path=/; SameSite=Lax; Secure"


@pytest.mark.parametrize(("name", "value"), [("bad name", "v"), ("s", "a;b"), ("s", "line\nbreak")])
def test_set_cookie_refuses_what_would_break_the_header(name, value):
    with pytest.raises(ValueError):
        render_set_cookie(name, value)


def test_set_cookie_refuses_unknown_attributes():
    with pytest.raises(ValueError, match="attribute"):
        render_set_cookie("s", "v", colour="red")
