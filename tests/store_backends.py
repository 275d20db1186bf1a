"""The storage implementations every contract test runs on: memory, moto in-process, and dynalite."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.storage.base import Store
from chalicelib.storage.dynamodb import DynamoStore, make_client
from chalicelib.storage.memory import MemoryStore

BACKENDS = [
    pytest.param("memory", id="memory"),
    pytest.param("moto", id="moto"),
    pytest.param("dynalite", id="dynalite", marks=pytest.mark.integration),
]


@pytest.fixture(params=BACKENDS)
def any_store(request: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """A fresh table on each backend; the runtime uses it."""
    if request.param == "memory":
        memory = MemoryStore()
        runtime.reset(store=memory)
        yield memory
        return
    if request.param == "moto":
        from moto import mock_aws

        with mock_aws():
            store = DynamoStore("eqsash-dev")
            store.create_table()
            runtime.reset(store=store)
            yield store
        return
    server = request.getfixturevalue("dynalite")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", server.endpoint)
    table = f"eqsash-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("TABLE_NAME", table)
    store = DynamoStore(table, lambda: make_client(server.endpoint))
    store.create_table()
    runtime.reset(store=store)
    yield store
    store.client.delete_table(TableName=table)
