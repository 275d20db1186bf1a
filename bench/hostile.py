"""The costliest requests of the hostile corpus against a normal public GET, in the same run.

Each case is the worst of its kind that tests/attacks/test_hostile_requests.py and the issue 12
review found; the figure is the median CPU time of one request through the Lambda handler, and
the target is issue 12's bound in seconds (a request without a valid key: at most 0.25 s for a
1 MiB body; a 50-call batch: at most 3 s, whatever its references).
"""

from __future__ import annotations

import gc
import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from time import process_time
from typing import Any

from bench import events
from tools.events import proxy_event

MIB = 1024 * 1024
NO_KEY_TARGET, BATCH_TARGET = 0.25, 3.0
NORMAL_REQUESTS = 1000


@dataclass(frozen=True)
class Case:
    label: str
    event: Callable[[], dict[str, Any]]
    status: int  # what it must answer, so that a case that stops being hostile is noticed
    target_seconds: float


@dataclass(frozen=True)
class Measured:
    case: Case
    normal_us: float
    seconds: float

    @property
    def ratio(self) -> float:
        return self.seconds * 1e6 / self.normal_us


def _post(body: bytes, content_type: str) -> dict[str, Any]:
    return proxy_event("POST", headers={"Content-Type": content_type}, body=body, base64_body=True)


def _nested_json() -> dict[str, Any]:
    nest = b"[" * 60 + b"]" * 60  # as deep as a field may go: refused by nothing but its size
    return _post(b'{"data":[' + b",".join([nest] * (MIB // 121 - 1)) + b"]}", "application/json")


def _partial_boundaries() -> dict[str, Any]:
    head = b'--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n'
    body = head + b"\r\n--XyZx" * ((MIB - 100) // 8) + b"\r\n--XyZ--\r\n"
    return _post(body, "multipart/form-data; boundary=XyZ")


def _deep_form() -> dict[str, Any]:
    names = (b"d" + b"".join(b"[%d]" % (10**11 + i * 64 + j) for j in range(63)) for i in range(1000))
    return _post(b"&".join(name + b"=1" for name in names), "application/x-www-form-urlencoded")


def _reported_multipart() -> dict[str, Any]:
    head = b'--XyZ\r\nContent-Disposition: form-data; name="a"\r\nContent-Transfer-Encoding: '
    return _post(head + b"(a)" * 20_000 + b"\r\n\r\n1\r\n--XyZ--\r\n", "multipart/form-data; boundary=XyZ")


def _batch(calls: dict[str, Any]) -> dict[str, Any]:
    payload = {"key": events.KEY, "module": "system", "method": "batch", "data": {"calls": calls}}
    return _post(json.dumps(payload).encode(), "application/json")


def reported_batch_calls() -> dict[str, Any]:
    """The 6.8 KB batch of references issue 12 reported (35 s of CPU and a 2 MB answer before);
    the attack tests send the same calls, in-process and to `make run`."""
    calls: dict[str, Any] = {
        "c0": {"module": "demo", "method": "echo", "data": [1e-05] * 100},
        "c1": {"module": "demo", "method": "echo", "data": ["$result[c0]"] * 100},
        "c2": {"module": "demo", "method": "echo", "data": ["$result[c1]"] * 28},
    }
    calls.update(
        {f"d{i}": {"module": "demo", "method": "echo", "data": ["$result[c2]"] * 2} for i in range(47)}
    )
    return calls


def _reported_batch() -> dict[str, Any]:
    return _batch(reported_batch_calls())


def _slow_path_batch() -> dict[str, Any]:
    # "x,1.0]" sends every rendering of the result through the Python encoder.
    calls: dict[str, Any] = {"c0": {"module": "demo", "method": "echo", "data": [1.0] * 200_000 + ["x,1.0]"]}}
    calls.update({f"c{i}": {"module": "demo", "method": "echo", "data": "$result[c0]"} for i in range(1, 50)})
    return _batch(calls)


CASES = (
    Case("no key, 1 MiB JSON of 8,600 lists nested 60 deep", _nested_json, 401, NO_KEY_TARGET),
    Case("no key, 1 MiB multipart of partial boundaries", _partial_boundaries, 401, NO_KEY_TARGET),
    Case("no key, form of 1,000 fields 63 brackets deep", _deep_form, 401, NO_KEY_TARGET),
    Case(
        "no key, the reported 60 KB multipart header (18.8 s before)", _reported_multipart, 400, NO_KEY_TARGET
    ),
    Case("50-call batch, the reported references (32 s before)", _reported_batch, 200, BATCH_TARGET),
    Case("50-call batch, 1 MB of references through the Python encoder", _slow_path_batch, 200, BATCH_TARGET),
)


def _cpu(handler: Callable[[dict[str, Any], Any], Any], event: dict[str, Any], number: int) -> float:
    """CPU seconds per request over `number` requests, the GC paused."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        start = process_time()
        for _ in range(number):
            handler(event, None)
        return (process_time() - start) / number
    finally:
        if collecting:
            gc.enable()


def measure(rounds: int) -> list[Measured]:
    """Each case `rounds` times, each round beside a round of normal public GETs."""
    from app import app
    from chalicelib import runtime

    runtime.reset()
    normal = events.public_get()
    measured = []
    for case in CASES:
        event = case.event()
        status = app(event, None)["statusCode"]
        if status != case.status:
            raise RuntimeError(f"{case.label}: answered {status}, not {case.status}")
        normal_runs, case_runs = [], []
        for _ in range(rounds):
            normal_runs.append(_cpu(app, normal, NORMAL_REQUESTS))
            case_runs.append(_cpu(app, event, 1))
        measured.append(Measured(case, statistics.median(normal_runs) * 1e6, statistics.median(case_runs)))
    runtime.reset()
    return measured


def render(measured: list[Measured]) -> str:
    lines = [
        "| hostile request (CPU through the Lambda handler) | normal public GET | this request | ratio"
        " | target | |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in measured:
        met = "met" if row.seconds <= row.case.target_seconds else "**missed**"
        lines.append(
            f"| {row.case.label} | {row.normal_us:.0f} µs | {row.seconds * 1000:.1f} ms | {row.ratio:,.0f}x"
            f" | ≤ {row.case.target_seconds:g} s | {met} |"
        )
    return "\n".join(lines)
