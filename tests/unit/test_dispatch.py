"""Access checks and internal calls: the shared core of external and internal dispatch."""

from __future__ import annotations

import pytest

from chalicelib import api, runtime
from chalicelib.context import render_set_cookie
from chalicelib.declarations import MethodSpec
from chalicelib.dispatch import CallDepthExceeded, check_access
from chalicelib.errors import ApiError, Forbidden, Unauthenticated, UnknownMethod
from chalicelib.identity import SYSTEM, User, may_call


def spec(access):
    return MethodSpec("m", "x", "external", access)


def test_a_method_without_access_is_open_to_everyone():
    check_access(spec(None), None)


def test_anonymous_caller_of_a_role_limited_method_is_unauthenticated():
    with pytest.raises(Unauthenticated):
        check_access(spec(("admin",)), None)


def test_user_without_the_role_is_forbidden():
    with pytest.raises(Forbidden):
        check_access(spec(("admin",)), User("ann", ("editor",)))


def test_implicit_roles():
    assert may_call(None, ("anonymous",)) and not may_call(User("a"), ("anonymous",))
    assert may_call(User("a"), ("authenticated",)) and not may_call(None, ("authenticated",))


def test_system_holds_every_role():
    assert may_call(SYSTEM, ("anything", "at-all"))


def test_internal_call_reaches_an_internal_method():
    assert api.call("demo", "count_words", "a b c") == 3


def test_internal_call_reaches_an_undeclared_public_method():
    assert api.call("demo", "remember", 5) == {"remembered": 5}


def test_internal_call_enforces_access_and_raises_api_error():
    with pytest.raises(Unauthenticated):
        api.call("demo", "get_user_id")
    assert api.call("demo", "get_user_id", user=SYSTEM) == {"id": 7, "roles": ()}


def test_internal_call_returns_python_values_without_rendering():
    assert api.call("demo", "stats", "a bb") == {"words": 2, "sizes": [1, 2]}


def test_internal_call_to_a_missing_method_is_unknown():
    with pytest.raises(UnknownMethod):
        api.call("demo", "nope")


def test_runaway_recursion_is_a_clear_error(monkeypatch):
    from chalicelib.services import demo

    monkeypatch.setattr(
        demo.Service, "count_words", lambda self, data, ctx: ctx.call("demo", "count_words"), raising=True
    )
    runtime.reset()
    with pytest.raises(CallDepthExceeded) as caught:
        api.call("demo", "count_words")
    assert isinstance(caught.value, ApiError) and "runaway recursion" in caught.value.message


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
