"""A method's `ctx`: cookies rendered safely, internal calls one level deeper, answers shared."""

from __future__ import annotations

import pytest

from chalicelib.context import Context, render_set_cookie
from chalicelib.identity import User


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


def test_set_cookie_leaves_out_attributes_given_as_none_or_false():
    assert render_set_cookie("s", "v", secure=False, domain=None) == "s=v"


def test_a_context_without_an_internal_caller_cannot_make_internal_calls():
    with pytest.raises(RuntimeError, match="internal calls"):
        Context(None, "r").call("demo", "hello")


def test_an_internal_call_passes_the_context_module_method_and_data_to_dispatch(monkeypatch):
    from chalicelib import dispatch

    seen = []
    monkeypatch.setattr(dispatch, "call_from", lambda *args: seen.append(args) or 42)
    ctx = Context(User("ann"), "r")
    assert ctx.call("demo", "hello", {"a": 1}) == 42
    assert seen == [(ctx, "demo", "hello", {"a": 1})]


def test_a_child_context_is_one_level_deeper_with_the_same_caller_and_credential():
    ctx = Context(User("ann"), "r", credential="c")
    child = ctx.child()
    assert (child.user, child.request_id, child.credential, child.depth) == (User("ann"), "r", "c", 1)
    assert child.child().depth == 2


def test_headers_and_cookies_set_in_a_child_reach_the_callers_answer():
    ctx = Context(None, "r")
    child = ctx.child()
    child.response_headers["X-Seen"] = "1"
    child.set_cookie("s", "v", path="/")
    assert ctx.response_headers == {"X-Seen": "1"} and ctx.cookies == ["s=v; Path=/"]
