"""JSON log lines: the request's id on every record, the access line's own handler, the local formatter."""

from __future__ import annotations

import json
import logging

from chalicelib import logs


def record(message="m", **extra):
    return logging.getLogger("chalicelib.test").makeRecord(
        "chalicelib.test", logging.WARNING, __file__, 1, message, (), None, extra=extra or None
    )


class Serving:
    def __init__(self, request_id):
        self.request_id = request_id


def test_every_record_made_during_a_request_carries_its_id():
    token = logs.REQUEST.set(Serving("req-1"))
    try:
        assert record().request_id == "req-1"
    finally:
        logs.REQUEST.reset(token)
    assert record().request_id is None


def test_a_record_is_one_json_line_with_lambdas_keys_and_its_extra_fields():
    token = logs.REQUEST.set(Serving("req-2"))
    try:
        line = logs.JsonLines().format(record("hello %s", username="ann"))
    finally:
        logs.REQUEST.reset(token)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["level"] == "WARNING" and parsed["logger"] == "chalicelib.test"
    assert parsed["message"] == "hello %s" and parsed["request_id"] == "req-2"
    assert parsed["username"] == "ann"
    assert parsed["timestamp"].endswith("Z") and parsed["timestamp"][10] == "T"
    assert "args" not in parsed and "pathname" not in parsed  # LogRecord's own attributes stay out


def test_fields_become_keys_of_their_own_even_where_logging_reserves_the_name():
    parsed = json.loads(logs.JsonLines().format(record(fields={"module": "users", "status": 200})))
    assert (parsed["module"], parsed["status"]) == ("users", 200)


def test_an_exception_is_written_with_its_type_and_trace():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        failed = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    parsed = json.loads(logs.JsonLines().format(failed))
    assert parsed["errorType"] == "ValueError"
    assert any("boom" in line for line in parsed["stackTrace"])


def test_the_access_logger_writes_through_its_own_handler_and_does_not_propagate():
    written: list[str] = []
    logs.use_writer(written.append)
    try:
        logger = logs.access_logger()
        assert logs.access_logger() is logger
        assert [type(handler) for handler in logger.handlers].count(logs._LineHandler) == 1
        assert logger.propagate is False  # Lambda's own JSON handler would drop `module`
        logger.warning("answered", extra={"fields": {"module": "users"}})
    finally:
        logs.use_writer(None)
    (line,) = written
    assert json.loads(line)["module"] == "users"


def test_configure_local_formats_every_record_as_json(capsys):
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        logs.configure_local(logging.INFO)
        logging.getLogger("chalicelib.test").info("local line")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    assert json.loads(capsys.readouterr().err.strip())["message"] == "local line"
