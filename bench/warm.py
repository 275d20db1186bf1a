"""Warm requests, in-process through the Lambda handler, two sides interleaved round by round.

Times are CPU time of this process (time.process_time): the machine is shared with other work,
and CPU time leaves out the moments another process had the core, which wall time would count.
"""

from __future__ import annotations

import gc
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from time import process_time
from typing import Any

from bench.storage_calls import StorageCalls

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass(frozen=True)
class Side:
    """One handler on one event; `prepare` runs before each of its batches (outside the timing)."""

    handler: Handler
    event: dict[str, Any]
    calls: StorageCalls | None = None
    prepare: Callable[[], None] | None = None


@dataclass(frozen=True)
class Comparison:
    base_us: float  # median CPU microseconds per request
    subject_us: float
    ratio: float  # median of the rounds' subject/base ratios
    base_storage_us: float = 0.0  # median storage microseconds per request
    subject_storage_us: float = 0.0
    net_ratio: float = 0.0  # the same ratio with each side's storage time taken out


def answer_of(side: Side) -> dict[str, Any]:
    if side.prepare is not None:
        side.prepare()
    return side.handler(side.event, None)


def _batch(side: Side, number: int) -> tuple[float, float]:
    """Seconds per request, and of them in storage, over `number` requests with the GC paused."""
    if side.prepare is not None:
        side.prepare()
    side.handler(side.event, None)  # one request outside the timing, after prepare
    storage_before = side.calls.seconds if side.calls else 0.0
    collecting = gc.isenabled()
    gc.disable()
    try:
        start = process_time()
        for _ in range(number):
            side.handler(side.event, None)
        elapsed = process_time() - start
    finally:
        if collecting:
            gc.enable()
    storage = (side.calls.seconds - storage_before) if side.calls else 0.0
    return elapsed / number, storage / number


def compare(base: Side, subject: Side, *, number: int, rounds: int) -> Comparison:
    """Both sides `rounds` times, alternating which goes first, so that noise hits both alike."""
    for side in (base, subject):
        status = answer_of(side)["statusCode"]
        if status != 200:
            raise RuntimeError(f"the event answers {status}, not 200: {answer_of(side)['body']}")
    base_runs: list[tuple[float, float]] = []
    subject_runs: list[tuple[float, float]] = []
    for round_number in range(rounds):
        if round_number % 2:
            subject_runs.append(_batch(subject, number))
            base_runs.append(_batch(base, number))
        else:
            base_runs.append(_batch(base, number))
            subject_runs.append(_batch(subject, number))
    pairs = list(zip(base_runs, subject_runs, strict=True))
    return Comparison(
        base_us=statistics.median(total for total, _ in base_runs) * 1e6,
        subject_us=statistics.median(total for total, _ in subject_runs) * 1e6,
        ratio=statistics.median(s / b for (b, _), (s, _) in pairs),
        base_storage_us=statistics.median(storage for _, storage in base_runs) * 1e6,
        subject_storage_us=statistics.median(storage for _, storage in subject_runs) * 1e6,
        net_ratio=statistics.median((s - ss) / (b - bs) for (b, bs), (s, ss) in pairs),
    )


def storage_calls_per_request(side: Side, requests: int = 1) -> list[str]:
    """The DynamoDB operations `requests` requests make, in order (the side must have `calls`)."""
    assert side.calls is not None
    side.calls.reset()
    for _ in range(requests):
        side.handler(side.event, None)
    return list(side.calls.operations)
