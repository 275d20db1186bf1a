"""The request's line: the access record as the formatter writes it, then the EMF members."""

from __future__ import annotations

import json
import logging

import pytest

from chalicelib import logs, metrics, telemetry

NOW = 1_796_000_000.25


def observation(**noted):
    made = telemetry.Observation("req-1", "POST", "/api", "203.0.113.7", cold_start=False)
    for name, value in noted.items():
        setattr(made, name, value)
    return made


def formatted(made, status, duration_ms):
    """What `logs.JsonLines` makes of the INFO record of `chalicelib.access` with the access fields."""
    target = made.path if made.operation == metrics.NO_METHOD else made.operation
    record = logging.getLogger(logs.ACCESS_LOGGER).makeRecord(
        logs.ACCESS_LOGGER,
        logging.INFO,
        __file__,
        0,
        "%s %s answered %s",
        (made.verb, target, status),
        None,
        extra={"fields": made.fields(status, duration_ms)},
    )
    record.created, record.request_id = NOW, made.request_id
    return logs.JsonLines().format(record)


CASES = {
    "a public call": {"module": "greeting", "method": "say_hello", "operation": "greeting.say_hello"},
    "a token call": {
        "module": "users",
        "method": "me",
        "operation": "users.me",
        "user": "ann",
        "credential": "token",
    },
    "a refusal before any method": {"code": "invalid_key"},
    "names no method has, clipped": {"module": "a" * 64 + "...", "method": 'x"\\\n', "code": "unknown"},
    "text beyond ASCII": {"user": "ann\u00e9\u2028\U0001f600", "module": "caf\u00e9"},
    "a batch with a storage error": {"batch_calls": 3, "counts": {metrics.STORAGE_ERRORS: 2}},
    "a lockout": {"locked_out": "ann", "code": "too_many_attempts", "counts": {metrics.LOCKOUTS: 1}},
    "no source address": {"source_ip": None, "cold_start": True},
}


@pytest.mark.parametrize("noted", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize(("status", "duration_ms"), [(200, 3.412), (429, 0.0), (500, 12345.5)])
def test_the_access_line_is_the_formatters_text_of_the_access_record_then_the_metrics(
    noted, status, duration_ms
):
    made = observation(**noted)
    tail = metrics.members(made.operation, status, duration_ms, int(NOW * 1000), made.counts)
    text = telemetry.access_text(made, status, duration_ms, NOW, tail)
    assert text == formatted(made, status, duration_ms)[:-1] + "," + tail + "}"
    line = json.loads(text)
    assert line["operation"] == made.operation and line["Calls"] == 1  # the EMF members, read


def test_when_info_is_off_the_line_is_the_metrics_alone_with_the_request_id(monkeypatch):
    written = []
    monkeypatch.setattr(logs, "_writer", [written.append])
    access = logging.getLogger(logs.ACCESS_LOGGER)
    level = access.level
    access.setLevel(logging.WARNING)
    try:
        telemetry.finish(observation(), 404)
    finally:
        access.setLevel(level)
    (line,) = map(json.loads, written)
    assert (line["request_id"], line["operation"], line["Errors4xx"]) == ("req-1", "none", 1)
    assert "logger" not in line


def finished_lines(monkeypatch, made, status):
    written = []
    monkeypatch.setattr(logs, "_writer", [written.append])
    access = logging.getLogger(logs.ACCESS_LOGGER)
    level = access.level
    access.setLevel(logging.INFO)
    try:
        telemetry.finish(made, status)
    finally:
        access.setLevel(level)
    return [json.loads(line) for line in written]


def test_an_event_of_odd_values_still_leaves_its_line(monkeypatch):
    context = {"requestId": "req-2", "identity": "not an object"}
    made = telemetry.begin_event(context, None, None, 5)
    (line,) = finished_lines(monkeypatch, made, "201")  # a method's Response with a str status
    assert (line["verb"], line["path"], line["source_ip"], line["status"]) == (None, "5", None, 201)
    assert line["Calls"] == 1


def test_an_access_line_that_cannot_be_made_still_leaves_the_metrics(monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("a bug in the template")

    monkeypatch.setattr(telemetry, "access_text", broken)
    (line,) = finished_lines(monkeypatch, observation(), 503)
    assert (line["request_id"], line["Errors5xx"]) == ("req-1", 1)
    assert "the access line could not be made" in caplog.text
