"""The process-wide pieces: each made on first use and kept, injected by tests through `reset`."""

from __future__ import annotations

import pytest

from chalicelib import runtime
from chalicelib.config import ConfigError
from chalicelib.registry import Registry
from chalicelib.storage.memory import MemoryStore


def test_settings_are_read_from_the_environment_once_and_kept(monkeypatch):
    first = runtime.settings()
    monkeypatch.setenv("API_KEY", "another")
    assert runtime.settings() is first
    runtime.reset()
    assert runtime.settings() is not first and runtime.settings().api_keys == ("another",)


def test_settings_that_are_wrong_are_a_config_error_on_every_call(monkeypatch):
    monkeypatch.delenv("API_KEY")
    runtime.reset()
    for _ in range(2):
        with pytest.raises(ConfigError):
            runtime.settings()


def test_an_injected_store_and_registry_are_the_ones_used():
    store, registry = MemoryStore(), Registry()
    runtime.reset(store=store, registry=registry)
    assert runtime.store() is store and runtime.registry() is registry


def test_without_an_injected_store_a_dynamo_store_on_the_stages_table_is_made_once():
    from chalicelib.storage.dynamodb import DynamoStore

    made = runtime.store()
    assert isinstance(made, DynamoStore) and made.table_name == "eqsash-dev"
    assert runtime.store() is made


def test_the_clock_is_whole_epoch_seconds_and_tests_may_move_it():
    runtime.set_clock(lambda: 1234.9)
    assert runtime.now() == 1234
    runtime.reset()
    assert runtime.now() > 1_700_000_000


def test_every_root_context_shares_the_one_registry_settings_and_clock():
    runtime.set_clock(lambda: 1234.9)
    first, second = runtime.root_context(None, "r1"), runtime.root_context(None, "r2")
    assert first.registry is second.registry is runtime.registry()
    assert first.settings is runtime.settings() and first.now() == 1234
