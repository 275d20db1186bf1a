"""The results of one `make bench` run, rendered as one Markdown table with the machine in its header."""

from __future__ import annotations

import datetime
import os
import platform
from dataclasses import dataclass, field

from bench.cold import ColdResult, ratio
from bench.warm import Comparison


@dataclass
class Results:
    warm_rounds: int
    warm_number: int
    storage_number: int
    cold_rounds: int
    warm: dict[str, Comparison] = field(default_factory=dict)
    storage_calls: dict[str, list[str]] = field(default_factory=dict)
    cold: dict[str, ColdResult] = field(default_factory=dict)
    shipped_modules: int = 0
    scale_modules: int = 0
    package: dict[str, ColdResult] = field(default_factory=dict)  # bench/package_cold.py
    package_bytes: dict[str, int] = field(default_factory=dict)
    logging_rows: list[Row] = field(default_factory=list)  # bench/logging_on.py


@dataclass(frozen=True)
class Row:
    measure: str
    base: float
    subject: float
    ratio: float
    unit: str
    target: float | None = None

    def __str__(self) -> str:
        digits = 1 if self.unit != "µs" or self.base >= 100 else 2
        target = "" if self.target is None else f"≤ {self.target:.1f}x"
        met = self.target is not None and round(self.ratio, 2) <= self.target  # judged as shown
        verdict = "" if self.target is None else ("met" if met else "**missed**")
        return (
            f"| {self.measure} | {self.base:.{digits}f} {self.unit} | {self.subject:.{digits}f} {self.unit} "
            f"| {self.ratio:.2f}x | {target} | {verdict} |"
        )


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.lower().startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{cpu_model()}, {os.cpu_count()} cores, {python}, {platform.system()} {platform.release()}"


def _warm_rows(results: Results) -> list[Row]:
    warm = results.warm
    rows = []
    for name, label in (
        ("public_get", "public GET, `json`"),
        ("post_form", "POST form"),
        ("post_json", "POST JSON"),
    ):
        result = warm[name]
        rows.append(
            Row(
                f"warm {label} (baseline: the floor)",
                result.base_us,
                result.subject_us,
                result.ratio,
                "µs",
                1.3,
            )
        )
        powertools = warm.get(f"{name}_powertools")
        if powertools is not None:
            measure = f"warm {label} (baseline: Powertools' APIGatewayRestResolver)"
            rows.append(Row(measure, powertools.base_us, powertools.subject_us, powertools.ratio, "µs", 1.0))
    token = warm["token"]
    rows.append(
        Row("warm token request, `users.me`, moto in-process (baseline: the floor reading the token)",
            token.base_us, token.subject_us, token.ratio, "µs")
    )  # fmt: skip
    rows.append(
        Row("the same, each side's storage time taken out",
            token.base_us - token.base_storage_us, token.subject_us - token.subject_storage_us,
            token.net_ratio, "µs", 1.5)
    )  # fmt: skip
    stub = warm["token_stub"]
    rows.append(
        Row(
            "warm token request, the token's item from a stub client, not moto (nothing to take out)",
            stub.base_us,
            stub.subject_us,
            stub.ratio,
            "µs",
            1.5,
        )
    )
    return rows


def _cold_rows(results: Results) -> list[Row]:
    cold = results.cold

    def row(measure: str, subject: str, base: str, target: float | None = None) -> Row:
        return Row(
            measure, cold[base].median_ms, cold[subject].median_ms, ratio(cold, subject, base), "ms", target
        )

    rows = [
        row("cold public request: import, first answer (baseline: the floor)", "gateway", "floor", 1.3),
        row("cold token request (baseline: the floor's cold public request)", "gateway_token", "floor"),
        row("cold token request (baseline: the floor + creating a boto3 DynamoDB client)",
            "gateway_token", "floor_client"),
        row("cold token request (baseline: the floor + a boto3 client making the same one read)",
            "gateway_token", "floor_token", 1.1),
    ]  # fmt: skip
    for kind, subject, base in (("public", "gateway", "floor"), ("token", "gateway_token", "floor_token")):
        peak, base_peak = cold[subject].median_peak_mib, cold[base].median_peak_mib
        rows.append(Row(f"peak memory (RSS), cold {kind} request", base_peak, peak, peak / base_peak, "MiB"))
    return rows


def _scale_rows(results: Results) -> list[Row]:
    cold, scaled = results.cold, results.warm["scale"]
    label = f"{results.scale_modules} modules (baseline: the {results.shipped_modules} shipped)"
    return [
        Row(f"cold public request, {label}", cold["shipped"].median_ms, cold["scaled"].median_ms,
            ratio(cold, "scaled", "shipped"), "ms", 1.2),
        Row(f"warm public GET, {label}, every module loaded", scaled.base_us, scaled.subject_us, scaled.ratio,
            "µs", 1.1),
    ]  # fmt: skip


def _package_rows(results: Results) -> list[Row]:
    """The package as Lambda runs it (bench/package_cold.py) against the floor packaged by chalice."""
    cold, rows = results.package, []
    for kind, label, target in (("public", "public request", 1.0), ("token", "token request", 0.6)):
        base = cold["floor_" + kind]
        for variant, bytecode, goal in (
            ("source", "without bytecode", None),
            ("package", "with bytecode", target),
        ):
            rows.append(Row(f"cold {label}, the package as Lambda runs it, {bytecode} (baseline: the floor, "
                            "packaged by chalice)", base.median_ms, cold[f"{variant}_{kind}"].median_ms,
                            ratio(cold, f"{variant}_{kind}", "floor_" + kind), "ms", goal))  # fmt: skip
    return rows


def _sizes(results: Results) -> list[str]:
    if not results.package_bytes:
        return []
    shown = ", ".join(f"{name} {size / 1e6:.2f} MB" for name, size in results.package_bytes.items())
    return [f"deployment.zip sizes: {shown}.", ""]


def _calls(operations: list[str]) -> str:
    return ", ".join(operations) if operations else "none"


def render(results: Results) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    cold, calls = results.cold, results.storage_calls
    heavy = cold["gateway"].heavy
    lines = [
        f"eqsash-api benchmarks, {now}",
        f"machine: {machine()}",
        f"warm: medians of {results.warm_rounds} interleaved rounds of {results.warm_number} requests"
        f" ({results.storage_number} with storage); cold: medians of {results.cold_rounds} rounds of"
        " fresh processes; a ratio is the median of the rounds' ratios",
        "",
        "| measure | baseline | eqsash-api | ratio | target | |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
        *map(str, _warm_rows(results) + _cold_rows(results) + _scale_rows(results)),
        *map(str, results.logging_rows),
        *map(str, _package_rows(results) if results.package else []),
        "",
        *_sizes(results),
        f"Whole processes, interpreter start included: floor {cold['floor'].median_wall_ms:.0f} ms,"
        f" eqsash-api {cold['gateway'].median_wall_ms:.0f} ms (public),"
        f" {cold['gateway_token'].median_wall_ms:.0f} ms (token). The cold public request imported"
        f" {_calls(heavy) if heavy else 'neither boto3 nor argon2'}.",
        "",
        "| DynamoDB calls (botocore event hooks) | calls |",
        "| --- | --- |",
    ]
    for name, label in (
        ("public_get", "public GET, no credential"),
        ("post_json", "POST JSON, no credential"),
        ("token", "token"),
        ("session", "session cookie"),
        ("session_before_half", "session, one second before half its idle lifetime since it was made"),
        ("session_at_half", "session, at half its idle lifetime: slid forward"),
        ("session_after_slide", "session, the next three requests"),
    ):
        lines.append(f"| {label} | {_calls(calls[name])} |")
    return "\n".join(lines)
