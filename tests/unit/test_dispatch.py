"""Access checks and the depth bound of internal calls: the shared core of external and internal dispatch."""

from __future__ import annotations

import pytest

from chalicelib import api, runtime
from chalicelib.context import Context
from chalicelib.declarations import MethodSpec
from chalicelib.dispatch import CallDepthExceeded, check_access
from chalicelib.errors import ApiError, Forbidden, Unauthenticated
from chalicelib.identity import User


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


def test_runaway_recursion_is_a_clear_error(monkeypatch):
    from chalicelib.services import demo

    monkeypatch.setattr(
        demo.Service, "count_words", lambda self, data, ctx: ctx.call("demo", "count_words"), raising=True
    )
    runtime.reset()
    with pytest.raises(CallDepthExceeded) as caught:
        api.call("demo", "count_words")
    assert isinstance(caught.value, ApiError) and "runaway recursion" in caught.value.message


def test_data_is_matched_to_the_schema_after_the_access_check_and_before_the_call():
    from chalicelib.dispatch import Target
    from chalicelib.errors import InvalidInput
    from chalicelib.schema import Validator

    calls = []
    declared = MethodSpec("m", "x", access=("editor",), schema=Validator({"type": "integer", "maximum": 5}))
    target = Target(declared, lambda data, ctx: calls.append((data, ctx.module)) or data)
    with pytest.raises(Unauthenticated):
        target.run("not even an integer", Context(None, "r"))
    with pytest.raises(InvalidInput):
        target.run(9, Context(User("ann", ("editor",)), "r"))
    assert target.run("3", Context(User("ann", ("editor",)), "r"), coerce=True) == 3
    assert calls == [(3, "m")]


def test_a_method_runs_with_its_modules_storage():
    from chalicelib.dispatch import Target
    from chalicelib.storage.memory import MemoryStore

    store = MemoryStore()
    ctx = Context(User("ann"), "r", store=lambda: store)
    Target(MethodSpec("m", "x"), lambda data, ctx: ctx.storage.put("c", "k", {"v": data})).run(1, ctx)
    assert store.get_item("m", "c", "k").body == '{"v":1}'
    assert ctx.storage.module == "m"


def test_a_lookup_that_found_a_method_is_remembered_and_one_that_did_not_is_not():
    from chalicelib.dispatch import lookup
    from chalicelib.errors import UnknownMethod, UnknownModule
    from chalicelib.registry import Registry

    registry = Registry()
    found = lookup(registry, "greeting", "say_hello", external_only=True)
    assert lookup(registry, "greeting", "say_hello", external_only=True) is found
    assert found.operation == "greeting.say_hello"
    for module, method, error in [("greeting", "nosuch", UnknownMethod), ("nosuch", "x", UnknownModule)]:
        with pytest.raises(error):
            lookup(registry, module, method, external_only=True)
    assert list(registry.found) == [("greeting", "say_hello", True)]
