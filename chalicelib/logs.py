"""Log lines as JSON: every record carries its request's id, and the access line has a formatter of its own.

Deployed, Lambda formats the records of the `logging` module as JSON (the template sets
`LogFormat: JSON`) and writes each attribute a record carries beyond the standard ones as a key:
`request_id` is set on every record made during a request, so an error's line names the request
it belongs to. The access line cannot go that way: Lambda's formatter drops the attributes that
`logging` itself defines, `module` among them, and the access line's first field is `module`.
So the access line is written to standard output, which Lambda sends to the log group as it is
(and CloudWatch reads the metrics that end it): telemetry makes it as `JsonLines` formats a record
of the `chalicelib.access` logger (`access_head` is its start), whose level (LOG_LEVEL) decides
whether it is written; that logger does not propagate, and its one handler writes any record
logged on it the same way. Locally (`make run`, the tests, the
benchmarks) `JsonLines` formats every other line the same way.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

ACCESS_LOGGER = "chalicelib.access"
# What LogRecord itself holds; everything else a record carries (`extra`) becomes a key of the line.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id", "fields"}

# The request being served (telemetry's Observation, or anything with a `request_id`), set by telemetry.
REQUEST: ContextVar[Any] = ContextVar("eqsash_request", default=None)
_encode = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode  # the access record
_string = json.encoder.encode_basestring_ascii  # what the C encoder writes for a str
_encode_any = json.JSONEncoder(separators=(",", ":"), default=str).encode  # any record's extra values

Writer = Callable[[str], object]


def _with_request_id(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        serving = REQUEST.get()
        record.request_id = None if serving is None else serving.request_id
        return record

    make.eqsash_request_ids = True  # type: ignore[attr-defined]
    return make


if not getattr(logging.getLogRecordFactory(), "eqsash_request_ids", False):
    logging.setLogRecordFactory(_with_request_id(logging.getLogRecordFactory()))


_second: list[tuple[int, str]] = [(-1, "")]  # the last whole second formatted, and its text


def timestamp(created: float) -> str:
    """A record's time as Lambda's JSON lines write it: ISO 8601 in UTC, milliseconds, `Z`."""
    whole = int(created)
    last, text = _second[0]
    if whole != last:
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
        _second[0] = (whole, text)
    return f"{text}.{int((created - whole) * 1000):03d}Z"


class JsonLines(logging.Formatter):
    """One JSON object per record: timestamp, level, logger, message, request_id, then its fields.

    A record's `fields` (the access line's) are keys of their own; so is any other `extra`.
    """

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "timestamp": timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict) and not record.exc_info:  # the access line's: all it carries
            line.update(fields)
            return _encode(line)
        for name, value in record.__dict__.items():
            if name not in _STANDARD and name not in line:
                line[name] = value
        if record.exc_info:
            line["errorType"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            line["stackTrace"] = self.formatException(record.exc_info).splitlines()
        return _encode_any(line)


def access_head(now: float, message: str, request_id: str) -> str:
    """What `JsonLines` writes of the INFO record of `chalicelib.access` before its fields, without
    the closing brace: telemetry writes the access line without making the record (a LogRecord,
    the handler's lock and the formatter's pass would cost the line more than the rest of a warm
    request)."""
    return (
        f'{{"timestamp":"{timestamp(now)}","level":"INFO","logger":"{ACCESS_LOGGER}",'
        f'"message":{_string(message)},"request_id":{_string(request_id)}'
    )


def _to_stdout(text: str) -> None:
    sys.stdout.write(text + "\n")  # looked up on every line: tests and servers replace sys.stdout


_writer: list[Writer] = [_to_stdout]


def use_writer(writer: Writer | None) -> None:
    """Where the requests' lines go: standard output (None), or the tests' or benchmarks' writer."""
    _writer[0] = _to_stdout if writer is None else writer


def write(text: str) -> None:
    """One line to where the requests' lines go."""
    _writer[0](text)


class _LineHandler(logging.Handler):
    """Writes each record, formatted, through `write`."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            write(self.format(record))
        except Exception:
            self.handleError(record)


def access_logger() -> logging.Logger:
    """`chalicelib.access`: its own JSON handler, no propagation (its level is chalicelib's, LOG_LEVEL)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(handler, _LineHandler) for handler in logger.handlers):
        handler = _LineHandler()
        handler.setFormatter(JsonLines())
        logger.addHandler(handler)
        logger.propagate = False
    return logger


def configure_local(level: int | str = logging.INFO, stream: Any = None) -> None:
    """Every other record as a JSON line too, on standard error (`make run`, the benchmarks)."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
