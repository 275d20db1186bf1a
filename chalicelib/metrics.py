"""Metrics as CloudWatch Embedded Metric Format (EMF) members: they end each request's one line.

Pure: `telemetry` writes the line (the access line at INFO, else these members alone) to standard
output, where Lambda sends it to the log group.

CloudWatch Logs turns a log line holding `_aws.CloudWatchMetrics` into metrics, so a function
publishes them by printing, with no API call and no permission. Written here with the `json`
module rather than Powertools Metrics: the line is a fixed shape, and Powertools would add its
import (and that of typing_extensions and jmespath) to every cold start.

Each custom metric is billed per name and dimension value, so the dimensions are few: one,
`operation`, whose values are the methods that exist as `module.method` (`none` for an answer that
reached no method), never a name a caller made up. Storage errors and lockouts are counted without
a dimension. The dimension is not called `method`: at INFO the members below end the request's
access line (telemetry), whose `method` is the bare method name, and EMF reads a dimension's value
from the top-level member of its name.
"""

from __future__ import annotations

import json
import os

DEFAULT_NAMESPACE = "eqsash-api"
DIMENSION = "operation"  # module.method
NO_METHOD = "none"  # the dimension value of an answer that reached no method (a wrong key, a 404 name)

# (name, unit) of the metrics every request reports, by operation.
REQUEST_METRICS = (
    ("Calls", "Count"),
    ("Errors4xx", "Count"),
    ("Errors5xx", "Count"),
    ("Duration", "Milliseconds"),
)
# Counted only when they happen, over the whole function (no dimension): what the alarms watch.
STORAGE_ERRORS = "StorageErrors"
LOCKOUTS = "Lockouts"
EVENT_METRICS = (STORAGE_ERRORS, LOCKOUTS)

_encode = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode


def namespace() -> str:
    """METRICS_NAMESPACE (the template sets the stack's name), else eqsash-api."""
    return os.environ.get("METRICS_NAMESPACE", "").strip() or DEFAULT_NAMESPACE


def directives(space: str, events: tuple[str, ...] = ()) -> list[dict[str, object]]:
    """The `CloudWatchMetrics` member: the request metrics by method, then the events counted."""
    found: list[dict[str, object]] = [
        {
            "Namespace": space,
            "Dimensions": [[DIMENSION]],
            "Metrics": [{"Name": name, "Unit": unit} for name, unit in REQUEST_METRICS],
        }
    ]
    if events:
        found.append(
            {
                "Namespace": space,
                "Dimensions": [[]],  # no dimension: one series each, for the alarms
                "Metrics": [{"Name": name, "Unit": "Count"} for name in events],
            }
        )
    return found


class _Shapes:
    """The members' fixed parts, serialised once per process (as Powertools does per flush): what
    follows the timestamp, for each operation and set of events (operations are the methods that
    exist, and `none`: a bounded set). A request only fills in its timestamp and values."""

    __slots__ = ("known", "space")

    def __init__(self) -> None:
        self.space: str | None = None
        self.known: dict[tuple[str, tuple[str, ...]], str] = {}

    def after_timestamp(self, operation: str, events: tuple[str, ...]) -> str:
        """`,"CloudWatchMetrics":[...]},"operation":"users.me","Calls":1,"Errors4xx":`."""
        key = (operation, events)
        found = self.known.get(key)
        if found is None:
            if self.space is None:
                self.space = namespace()
            shape = _encode(directives(self.space, events))
            found = (
                f',"CloudWatchMetrics":{shape}}},"{DIMENSION}":{_string(operation)},"Calls":1,"Errors4xx":'
            )
            if len(self.known) < _MAX_OPERATIONS:
                self.known[key] = found
        return found


_MAX_OPERATIONS = 4096  # far more methods than a deployment has; past it, members are made per line
_string = json.encoder.encode_basestring_ascii
_shapes = _Shapes()


def reset() -> None:
    """Read METRICS_NAMESPACE again on the next line (tests)."""
    _shapes.__init__()  # type: ignore[misc]


def members(
    operation: str, status: int, duration_ms: float, timestamp_ms: int, counts: dict[str, int] | None = None
) -> str:
    """The EMF members of one request, without the braces around them: `_aws`, the dimension, then
    Calls 1, Errors4xx and Errors5xx 0 or 1, Duration, and `counts`' events (storage errors,
    lockouts) when any happened. The access line ends with them (telemetry)."""
    events = tuple(name for name in EVENT_METRICS if counts.get(name)) if counts else ()
    errors_4xx, errors_5xx = ("1", "0") if 400 <= status < 500 else ("0", "1" if status >= 500 else "0")
    text = (
        f'"_aws":{{"Timestamp":{int(timestamp_ms)}{_shapes.after_timestamp(operation, events)}{errors_4xx}'
        f',"Errors5xx":{errors_5xx},"Duration":{float(duration_ms)!r}'
    )
    for name in events:
        text += f',"{name}":{int(counts[name]) if counts else 0}'
    return text
