"""DynamoDB calls counted and timed through botocore's event hooks on a client."""

from __future__ import annotations

from time import process_time
from typing import Any


class StorageCalls:
    """Every call a watched client makes: its operation name, and the CPU seconds spent inside botocore.

    CPU time, as in bench.warm: with moto in-process a call's work is all CPU. A call is timed from `provide-client-params` (the first event of a call, before parameter
    validation, serialisation and signing) to `after-call` (the response parsed), so all of
    botocore's work and the round trip count as storage time.
    """

    def __init__(self) -> None:
        self.operations: list[str] = []
        self.seconds = 0.0
        self._started: list[float] = []

    def watch(self, client: Any) -> None:
        events = client.meta.events
        events.register("provide-client-params.dynamodb.*", self._start)
        events.register("before-call.dynamodb.*", self._count)
        events.register("after-call.dynamodb.*", self._stop)
        events.register("after-call-error.dynamodb.*", self._stop)

    def reset(self) -> None:
        self.operations.clear()
        self.seconds = 0.0

    def _start(self, **_: Any) -> None:
        self._started.append(process_time())

    def _count(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)

    def _stop(self, **_: Any) -> None:
        if self._started:
            self.seconds += process_time() - self._started.pop()
