"""Cold starts: fresh processes that import an app and serve one request, interleaved round by round."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any

CHILD = Path(__file__).resolve().parent / "cold_child.py"


@dataclass(frozen=True)
class Variant:
    """One kind of cold start: which app (`floor` or `gateway`) in which project tree, on which event."""

    name: str
    project: Path
    target: str
    event: dict[str, Any]
    extra: tuple[str, ...] = ()


@dataclass
class ColdResult:
    seconds: list[float] = field(default_factory=list)  # CPU time of import and first request
    wall: list[float] = field(default_factory=list)  # the whole process, interpreter start included
    peak_mib: list[float] = field(default_factory=list)
    heavy: list[str] = field(default_factory=list)  # boto3 / argon2, when the child imported them

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def median_wall_ms(self) -> float:
        return statistics.median(self.wall) * 1000

    @property
    def median_peak_mib(self) -> float:
        return statistics.median(self.peak_mib)


def child_environment(extra: dict[str, str]) -> dict[str, str]:
    """A small, fixed environment; bytecode caching on, so every variant runs from cached .pyc files."""
    environment = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    environment.update(extra)
    return environment


def run_once(variant: Variant, environment: dict[str, str]) -> tuple[float, float, float, list[str]]:
    start = perf_counter()
    done = subprocess.run(
        [sys.executable, str(CHILD), str(variant.project), variant.target, *variant.extra],
        input=json.dumps(variant.event),
        cwd=variant.project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    wall = perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"cold start {variant.name} failed:\n{done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if report["status"] != 200:
        raise RuntimeError(f"cold start {variant.name} answered {report['status']}")
    return report["seconds"], wall, report["peak_kib"] / 1024, report["heavy"]


def measure(variants: list[Variant], environment: dict[str, str], rounds: int) -> dict[str, ColdResult]:
    """Each variant once to warm the bytecode cache (not counted), then `rounds` rounds in rotating order."""
    results = {variant.name: ColdResult() for variant in variants}
    for variant in variants:
        run_once(variant, environment)
    for round_number in range(rounds):
        shift = round_number % len(variants)
        for variant in variants[shift:] + variants[:shift]:
            seconds, wall, peak, heavy = run_once(variant, environment)
            result = results[variant.name]
            result.seconds.append(seconds)
            result.wall.append(wall)
            result.peak_mib.append(peak)
            result.heavy = heavy
    return results


def ratio(results: dict[str, ColdResult], subject: str, base: str) -> float:
    """The median of the rounds' ratios (the same round's runs sit close together in time)."""
    pairs = zip(results[subject].seconds, results[base].seconds, strict=True)
    return statistics.median(s / b for s, b in pairs)
