"""DynamoDB calls of a client: counted through botocore's event hooks, timed around the whole call."""

from __future__ import annotations

from time import process_time
from typing import Any


class StorageCalls:
    """Every call a watched client makes: its operation name, and the CPU seconds spent in botocore.

    Calls are counted on the `before-call` event. They are timed around the client's
    `_make_api_call`, the whole of botocore's work: between the first event of a call
    (`provide-client-params`) and `after-call`, botocore's hooks leave out some of its own
    bookkeeping a call, which would otherwise count as the app's time on both sides. CPU time, as
    in bench.warm: with moto in-process a call's work is all CPU.
    """

    def __init__(self) -> None:
        self.operations: list[str] = []
        self.seconds = 0.0

    def watch(self, client: Any) -> None:
        client.meta.events.register("before-call.dynamodb.*", self._count)
        make_api_call = client._make_api_call

        def timed(operation_name: str, api_params: dict[str, Any]) -> Any:
            start = process_time()
            try:
                return make_api_call(operation_name, api_params)
            finally:
                self.seconds += process_time() - start

        client._make_api_call = timed

    def reset(self) -> None:
        self.operations.clear()
        self.seconds = 0.0

    def _count(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)


class StubClient:
    """A DynamoDB client that answers get_item from a dict of items: storage without moto's cost.

    Right after a moto call (a lot of Python) the same request runs several times slower on
    both sides, the caches being cold; with this stub there is no storage time to
    take out, and both sides run with warm caches, as most of a Lambda's requests would not.
    """

    def __init__(self, items: dict[str, dict[str, Any]]) -> None:
        self.items = items

    def get_item(
        self, *, TableName: str, Key: dict[str, Any], ConsistentRead: bool = False
    ) -> dict[str, Any]:
        item = self.items.get(Key["pk"]["S"])
        return {} if item is None else {"Item": item}
