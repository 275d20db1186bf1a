"""The benchmark's generated modules: valid, beside the shipped ones, with renamed implementations."""

from __future__ import annotations

import sys
import uuid

import pytest

from bench import scale
from chalicelib.registry import Registry, check_all


@pytest.fixture
def generated(tmp_path, monkeypatch):
    name = f"bench_{uuid.uuid4().hex[:8]}"
    directory = scale.services_package(tmp_path, name, count=5, methods=10)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield Registry(package=name, directory=directory)
    for module in [m for m in sys.modules if m.startswith(name)]:
        del sys.modules[module]


def test_generated_modules_sit_beside_the_shipped_ones_and_are_valid(generated):
    assert {"demo", "greeting", "users"} <= set(generated.names())
    assert len(generated.names()) == len(Registry().names()) + 5
    assert check_all(generated) == []
    assert len(generated.module("generated_0003").methods) == 10


def test_a_generated_method_renames_its_implementation(generated):
    spec = generated.module("generated_0000").methods["method_9"]
    assert spec.implementation == "_do_9"
