"""Lazy discovery by file name: one module imported per name, broken ones isolated."""

from __future__ import annotations

import sys
import uuid

import pytest

from chalicelib.declarations import DeclarationError
from chalicelib.errors import UnknownMethod, UnknownModule
from chalicelib.registry import Registry, check_all


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A throwaway services package on sys.path: (registry, directory)."""
    name = f"svc_{uuid.uuid4().hex[:8]}"
    directory = tmp_path / name
    directory.mkdir()
    (directory / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield Registry(package=name, directory=directory), directory
    for module in [m for m in sys.modules if m.startswith(name)]:
        del sys.modules[module]


PLAIN = (
    "class Service:\n"
    "    api = {'go': {'type': 'external'}}\n"
    "    def go(self, data, ctx):\n"
    "        return data\n"
)


def test_a_module_is_imported_only_when_named(package):
    registry, directory = package
    (directory / "alpha.py").write_text(PLAIN)
    (directory / "beta.py").write_text(PLAIN)
    registry.module("alpha")
    loaded = {m.rsplit(".", 1)[-1] for m in sys.modules if m.startswith(registry._package + ".")}
    assert loaded == {"alpha"}


def test_names_lists_module_files_without_importing(package):
    registry, directory = package
    for name in ("b", "a", "_private"):
        (directory / f"{name}.py").write_text(PLAIN)
    assert registry.names() == ["a", "b"]
    assert not any(m.startswith(registry._package + ".") for m in sys.modules)


@pytest.mark.parametrize("name", ["os", "../x", "__init__", "_a", "a.b", "a\0", ""])
def test_hostile_names_are_unknown_modules_before_any_import(package, name):
    registry, _ = package
    with pytest.raises(UnknownModule):
        registry.module(name)


def test_a_module_that_fails_to_import_breaks_only_itself(package):
    registry, directory = package
    (directory / "bad.py").write_text("raise RuntimeError('boom')\n")
    (directory / "good.py").write_text(PLAIN)
    with pytest.raises(DeclarationError, match="failed to import"):
        registry.module("bad")
    assert registry.module("good").method("go", external_only=True).name == "go"
    assert [error.module for error in check_all(registry)] == ["bad"]


def test_the_check_tells_the_author_where_a_module_failed_to_import(package, monkeypatch, capsys):
    from chalicelib import registry as registry_module

    registry, directory = package
    (directory / "bad.py").write_text("import os\n\nraise RuntimeError('the setting FOO is missing')\n")
    monkeypatch.setattr(registry_module, "Registry", lambda: registry)
    assert registry_module.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "module 'bad'" in err and "failed to import (RuntimeError)" in err
    assert f"{directory / 'bad.py'}:3: RuntimeError: the setting FOO is missing" in err


def test_a_module_without_service_class_is_broken(package):
    registry, directory = package
    (directory / "empty.py").write_text("x = 1\n")
    with pytest.raises(DeclarationError, match="no class named Service"):
        registry.module("empty")


def test_internal_methods_are_unknown_to_external_lookups(package):
    registry, directory = package
    (directory / "m.py").write_text(PLAIN + "    def inner(self, data, ctx):\n        return 1\n")
    module = registry.module("m")
    assert module.method("inner", external_only=False).name == "inner"
    with pytest.raises(UnknownMethod):
        module.method("inner", external_only=True)


def test_every_shipped_module_is_valid():
    assert check_all(Registry()) == []
