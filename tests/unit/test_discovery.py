"""Discovery's pure parts: the external methods of loadable modules, and who may call each."""

from __future__ import annotations

import sys
import uuid

import pytest

from chalicelib.discovery import (
    access_matrix,
    callable_by,
    describe,
    matrix_roles,
    open_to_every_key_holder,
    role_may_call,
)
from chalicelib.identity import User
from chalicelib.registry import Registry

MODULE = (
    "class Service:\n"
    "    api = {\n"
    "        'open': {'type': 'external'},\n"
    "        'guests': {'type': 'external', 'access': ['anonymous']},\n"
    "        'mine': {'type': 'external', 'access': ['authenticated'], 'format': 'json'},\n"
    "        'audit': {'type': 'external', 'access': ['auditor']},\n"
    "        'hidden': {'type': 'internal'},\n"
    "    }\n"
    "    def open(self, data, ctx): pass\n"
    "    def guests(self, data, ctx): pass\n"
    "    def mine(self, data, ctx): pass\n"
    "    def audit(self, data, ctx): pass\n"
    "    def hidden(self, data, ctx): pass\n"
)


@pytest.fixture
def registry(tmp_path, monkeypatch):
    """A throwaway services package with one module `m` and one broken module `z`."""
    name = f"svc_{uuid.uuid4().hex[:8]}"
    directory = tmp_path / name
    directory.mkdir()
    (directory / "__init__.py").write_text("")
    (directory / "m.py").write_text(MODULE)
    (directory / "z.py").write_text("raise RuntimeError('broken')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield Registry(package=name, directory=directory)
    for module in [m for m in sys.modules if m.startswith(name)]:
        del sys.modules[module]


def test_the_matrix_lists_external_methods_by_name_and_skips_internal_ones_and_broken_modules(registry):
    assert access_matrix(registry) == {
        "m.audit": ("auditor",),
        "m.guests": ("anonymous",),
        "m.mine": ("authenticated",),
        "m.open": None,
    }


def test_an_anonymous_caller_may_call_the_open_methods_and_the_guests_ones(registry):
    assert [spec.name for spec in callable_by(registry, None)] == ["guests", "open"]


def test_a_user_may_call_the_open_methods_and_those_of_its_roles(registry):
    assert [spec.name for spec in callable_by(registry, User("ann", ("auditor",)))] == [
        "audit",
        "mine",
        "open",
    ]


def test_a_method_is_described_by_its_full_name_and_format(registry):
    described = [describe(spec) for spec in callable_by(registry, User("ann"))]
    assert described[0] == {
        "name": "m.mine",
        "module": "m",
        "method": "mine",
        "format": "json",
        "description": None,
        "schema": None,
        "returns": None,
    }


def test_a_method_is_described_with_its_description_and_schemas():
    from chalicelib.declarations import MethodSpec
    from chalicelib.schema import Validator

    spec = MethodSpec(
        "m",
        "x",
        "external",
        description="Adds.",
        schema=Validator({"type": "integer"}),
        returns=Validator(True),
    )
    described = describe(spec)
    assert (described["description"], described["schema"], described["returns"]) == (
        "Adds.",
        {"type": "integer"},
        True,
    )


def test_the_matrix_roles_are_the_implicit_ones_then_every_named_role():
    assert matrix_roles({"a.x": ("editor", "admin"), "a.y": None, "a.z": ("anonymous",)}) == [
        "anonymous",
        "authenticated",
        "admin",
        "editor",
    ]


@pytest.mark.parametrize(
    ("access", "opened"),
    [(None, True), (("anonymous",), True), (("anonymous", "editor"), True), (("authenticated",), False)],
)
def test_a_method_is_open_to_every_key_holder_without_access_or_with_anonymous(access, opened):
    assert open_to_every_key_holder(access) is opened


@pytest.mark.parametrize(
    ("role", "access", "allowed"),
    [
        ("anonymous", None, True),
        ("anonymous", ("anonymous",), True),
        ("anonymous", ("authenticated",), False),
        ("editor", ("authenticated",), True),
        ("editor", ("editor",), True),
        ("editor", ("administrator",), False),
        ("editor", ("anonymous",), False),
    ],
)
def test_a_role_may_call_what_it_or_the_implicit_roles_that_go_with_it_are_listed_for(role, access, allowed):
    assert role_may_call(role, access) is allowed
