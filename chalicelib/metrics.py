"""Metrics as CloudWatch Embedded Metric Format (EMF) lines: one small JSON line per request.

Pure: `telemetry` writes the line, to standard output, where Lambda sends it to the log group.

CloudWatch Logs turns a log line holding `_aws.CloudWatchMetrics` into metrics, so a function
publishes them by printing, with no API call and no permission. Written here with the `json`
module rather than Powertools Metrics: the line is a fixed shape, and Powertools would add its
import (and that of typing_extensions and jmespath) to every cold start.

Each custom metric is billed per name and dimension value, so the dimensions are few: one,
`method`, whose values are the methods that exist (`none` for an answer that reached no method),
never a name a caller made up. Storage errors and lockouts are counted without a dimension.
"""

from __future__ import annotations

import json
import os

DEFAULT_NAMESPACE = "eqsash-api"
NO_METHOD = "none"  # the dimension value of an answer that reached no method (a wrong key, a 404 name)

# (name, unit) of the metrics every request reports, by `method`.
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
            "Dimensions": [["method"]],
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
    """The line's fixed parts, serialised once per process and set of events (as Powertools does per
    flush): a request only fills in its timestamp, method and values."""

    __slots__ = ("by_events", "space")

    def __init__(self) -> None:
        self.space: str | None = None
        self.by_events: dict[tuple[str, ...], str] = {}

    def of(self, events: tuple[str, ...]) -> str:
        """What comes between the timestamp and the method's value."""
        if self.space is None:
            self.space = namespace()
        middle = self.by_events.get(events)
        if middle is None:
            shape = _encode(directives(self.space, events))
            middle = self.by_events[events] = f',"CloudWatchMetrics":{shape}}},"method":'
        return middle


_shapes = _Shapes()
_string = json.encoder.encode_basestring_ascii


def reset() -> None:
    """Read METRICS_NAMESPACE again on the next line (tests)."""
    _shapes.__init__()  # type: ignore[misc]


def line(
    method: str,
    status: int,
    duration_ms: float,
    timestamp_ms: int,
    counts: dict[str, int] | None = None,
    *,
    request_id: str | None = None,
) -> str:
    """The EMF line of one request: Calls 1, Errors4xx and Errors5xx 0 or 1, Duration; `counts`
    adds the events (storage errors, lockouts) that happened, when any did. The request's id is a
    member of the line, no dimension: it is a log line of the request, like the others."""
    events = tuple(name for name in EVENT_METRICS if counts.get(name)) if counts else ()
    errors_4xx, errors_5xx = (1 if 400 <= status < 500 else 0), (1 if status >= 500 else 0)
    text = (
        f'{{"_aws":{{"Timestamp":{int(timestamp_ms)}{_shapes.of(events)}{_string(method)},"Calls":1,'
        f'"Errors4xx":{errors_4xx},"Errors5xx":{errors_5xx},"Duration":{float(duration_ms)!r}'
    )
    for name in events:
        text += f',"{name}":{int(counts[name]) if counts else 0}'
    if request_id is not None:
        text += f',"request_id":{_string(request_id)}'
    return text + "}"
