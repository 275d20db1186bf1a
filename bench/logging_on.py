"""The public request with logging on as deployed: LOG_LEVEL=INFO, its line written to standard output.

The rest of `make bench` runs at LOG_LEVEL=WARNING, so no access line is made, and its standard
output is the report, so the metrics lines are made but not written (`discard`). Here each request
writes its access line, which carries its metrics, to standard output as on Lambda: warm, to
/dev/null opened line-buffered (one write per line, as Lambda's unbuffered standard output); cold,
to the pipe the child process writes its report to. Lambda's own log handler costs a request nothing unless a
record reaches it, and none does on a request that succeeds, so neither side installs one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator

from bench import cold, events, report, warm
from chalicelib.paths import PROJECT_ROOT


def discard(text: str) -> None:
    """Where the rest of the benchmark's metrics lines go: its standard output holds the report."""


@contextlib.contextmanager
def deployed_logging() -> Iterator[None]:
    """LOG_LEVEL=INFO and the lines to standard output, which is /dev/null, line-buffered."""
    from chalicelib import logs, runtime

    saved_stdout, saved_level = sys.stdout, os.environ.get("LOG_LEVEL")
    with open(os.devnull, "w", buffering=1, encoding="utf-8") as sink:
        sys.stdout = sink
        os.environ["LOG_LEVEL"] = "INFO"
        logs.use_writer(None)
        runtime.reset()
        try:
            yield
        finally:
            sys.stdout = saved_stdout
            if saved_level is None:
                os.environ.pop("LOG_LEVEL", None)
            else:
                os.environ["LOG_LEVEL"] = saved_level
            logs.use_writer(discard)
            runtime.reset()


def _logging(on: bool) -> None:
    from chalicelib import logs

    logging.getLogger("chalicelib").setLevel(logging.INFO if on else logging.WARNING)
    logs.use_writer(None if on else discard)


def measure_warm(results: report.Results, number: int, rounds: int) -> None:
    """`public_get_logging` (the floor against the gateway) and `public_get_logging_cost` (off against on)."""
    from app import app as gateway
    from bench.floor_app import app as floor

    event = events.public_get()
    with deployed_logging():
        results.warm["public_get_logging"] = warm.compare(
            warm.Side(floor, event), warm.Side(gateway, event), number=number, rounds=rounds
        )
        results.warm["public_get_logging_cost"] = warm.compare(
            warm.Side(gateway, event, prepare=lambda: _logging(False)),
            warm.Side(gateway, event, prepare=lambda: _logging(True)),
            number=number,
            rounds=rounds,
        )


def measure_cold(results: report.Results, settings: dict[str, str], rounds: int) -> None:
    """`floor_logging` and `gateway_logging` in results.cold: fresh processes at LOG_LEVEL=INFO."""
    public = events.public_get()
    variants = [
        cold.Variant("floor_logging", PROJECT_ROOT, "floor", public),
        cold.Variant("gateway_logging", PROJECT_ROOT, "gateway", public),
    ]
    environment = cold.child_environment({**settings, "LOG_LEVEL": "INFO"})
    results.cold.update(cold.measure(variants, environment, rounds))


def rows(results: report.Results) -> list[report.Row]:
    found: list[report.Row] = []
    warm_on, cost = results.warm.get("public_get_logging"), results.warm.get("public_get_logging_cost")
    if warm_on is not None and cost is not None:
        found.append(report.Row("warm public GET, logging on as deployed (baseline: the floor)",
                                warm_on.base_us, warm_on.subject_us, warm_on.ratio, "µs", 1.3))  # fmt: skip
        found.append(report.Row("the same (baseline: the gateway with logging off, LOG_LEVEL=WARNING)",
                                cost.base_us, cost.subject_us, cost.ratio, "µs"))  # fmt: skip
    if "gateway_logging" in results.cold:
        floor, gateway = results.cold["floor_logging"], results.cold["gateway_logging"]
        found.append(report.Row("cold public request, logging on as deployed (baseline: the floor)",
                                floor.median_ms, gateway.median_ms,
                                cold.ratio(results.cold, "gateway_logging", "floor_logging"),
                                "ms", 1.3))  # fmt: skip
    return found


def measure(
    results: report.Results, settings: dict[str, str], number: int, rounds: int, cold_rounds: int
) -> None:
    """The warm and cold rows, kept in results.logging_rows for the report."""
    measure_warm(results, number, rounds)
    measure_cold(results, settings, cold_rounds)
    results.logging_rows = rows(results)
