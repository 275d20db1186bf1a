"""The DynamoDB operations each Store method makes, recorded through botocore's event hooks.

Every test of the storage contract suite runs on a fresh moto table while a `before-parameter-build` hook
notes each operation (and whether it named an index) under the Store method that was running.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from chalicelib.storage.base import Store
from chalicelib.storage.dynamodb import DynamoStore
from tests.integration import test_storage_contract

TABLE = "eqsash-dev"


def store_methods() -> set[str]:
    """The operations the Store interface names."""
    return {name for name, _ in inspect.getmembers(Store, inspect.isfunction) if not name.startswith("_")}


class _Recorder:
    def __init__(self) -> None:
        self.current: list[str] = []
        self.operations: dict[str, set[tuple[str, str | None]]] = {}

    def wrap(self, store: DynamoStore) -> None:
        for name in store_methods():
            setattr(store, name, self._recording(name, getattr(store, name)))

    def _recording(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            self.current.append(name)
            self.operations.setdefault(self.current[0], set())
            try:
                return method(*args, **kwargs)
            finally:
                self.current.pop()

        return recorded

    def before_parameter_build(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        method = self.current[0] if self.current else "(outside the store)"
        self.operations.setdefault(method, set()).add((model.name, params.get("IndexName")))


def record_contract_suite() -> dict[str, set[tuple[str, str | None]]]:
    """Store method -> {(operation, index name or None)} over every test of the contract suite."""
    from moto import mock_aws

    recorder = _Recorder()
    tests = [
        function
        for name, function in inspect.getmembers(test_storage_contract, inspect.isfunction)
        if name.startswith("test_")
    ]
    for test in tests:
        with mock_aws():
            store = DynamoStore(TABLE)
            store.create_table()
            events = store.client.meta.events
            events.register("before-parameter-build.dynamodb.*", recorder.before_parameter_build)
            recorder.wrap(store)
            test(store)
    return recorder.operations
