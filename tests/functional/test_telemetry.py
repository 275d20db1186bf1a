"""What every request leaves for the operator, through the Lambda handler: X-Request-Id on the answer,
one line: the access line with the metrics at its end (DESIGN section 11)."""

from __future__ import annotations

import json
import logging

import pytest
from botocore.stub import Stubber

from chalicelib import runtime, telemetry
from chalicelib.auth import accounts
from tests.conftest import KEY, proxy_event

PASSWORD = "telemetry password"
FIELDS = {
    "request_id", "module", "method", "status", "code", "duration_ms", "user", "cold_start",
    "credential", "batch_calls",
}  # fmt: skip


def query(**params):
    return {name: [value] for name, value in {"key": KEY, **params}.items()}


def call(app, request_id="req-1", headers=None, **params):
    return app(proxy_event(query=query(**params), headers=headers or {}, request_id=request_id), None)


@pytest.fixture
def ann(memory_store):
    accounts.create_user(memory_store, "ann", ["editor"], PASSWORD, runtime.now())
    return accounts.login(
        memory_store, runtime.settings(), "ann", PASSWORD, runtime.now(), address="127.0.0.1"
    )


def only(lines):
    assert len(lines) == 1, lines
    return lines[0]


# -- X-Request-Id ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "status"),
    [
        (proxy_event(query=query(module="greeting", method="say_hello")), 200),
        (proxy_event(query=query(key="wrong", module="greeting", method="say_hello")), 401),
        (proxy_event(query=query(module="nosuch", method="x")), 404),
        (proxy_event("PUT"), 405),
        (proxy_event("OPTIONS"), 204),  # the CORS preflight
        (proxy_event("OPTIONS", path="/console"), 405),  # Chalice's own refusal, rewritten
        (proxy_event(path="/console"), 404),  # the console while off
    ],
)
def test_every_kind_of_answer_carries_api_gateways_request_id(app, operator_lines, event, status):
    event["requestContext"]["requestId"] = "apigw-id-1"
    answer = app(event, None)
    assert answer["statusCode"] == status
    assert answer["headers"]["X-Request-Id"] == "apigw-id-1"
    assert only(operator_lines.access)["request_id"] == "apigw-id-1"
    assert only(operator_lines.metrics)["request_id"] == "apigw-id-1"  # a log line of the request too


def test_the_console_page_carries_it_too(app, operator_lines, monkeypatch):
    monkeypatch.setenv("CONSOLE", "on")
    answer = app(proxy_event(path="/console", request_id="console-id"), None)
    assert answer["statusCode"] == 200
    assert answer["headers"]["X-Request-Id"] == "console-id"


def test_a_500_carries_it_and_its_error_log_line_names_it(app, operator_lines, monkeypatch, caplog):
    from chalicelib.services import demo

    def explode(self, data, ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(demo.Service, "hello", explode)
    with caplog.at_level(logging.ERROR):
        answer = call(app, request_id="failing-id", module="demo", method="hello")
    assert (answer["statusCode"], answer["headers"]["X-Request-Id"]) == (500, "failing-id")
    (error,) = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert error.request_id == "failing-id" and "failing-id" in error.getMessage()
    assert only(operator_lines.access)["code"] == "internal"


def test_an_event_without_a_request_id_gets_a_new_one_each_time(app, operator_lines):
    ids = []
    for _ in range(2):
        event = proxy_event(query=query(module="greeting", method="say_hello"))
        del event["requestContext"]["requestId"]
        ids.append(app(event, None)["headers"]["X-Request-Id"])
    assert len(set(ids)) == 2 and all(len(found) >= 16 for found in ids)
    assert [line["request_id"] for line in operator_lines.access] == ids


def test_chalice_local_answers_with_the_invocations_id(api, operator_lines):
    """`make run` and the test client run chalice's local gateway: the id is its Lambda context's."""
    response = api.get(key=KEY, module="greeting", method="say_hello")
    request_id = response.headers["X-Request-Id"]
    assert len(request_id) == 36  # a UUID, as Lambda's own request ids are
    assert only(operator_lines.access)["request_id"] == request_id


# -- the access line ------------------------------------------------------------------------------


def test_one_access_line_per_request_with_the_contracts_fields(app, operator_lines):
    call(app, module="greeting", method="say_hello")
    line = only(operator_lines.access)
    assert set(line) >= FIELDS
    assert line["level"] == "INFO" and line["logger"] == "chalicelib.access"
    assert (line["module"], line["method"], line["status"], line["code"]) == (
        "greeting",
        "say_hello",
        200,
        None,
    )
    assert (line["user"], line["credential"], line["batch_calls"]) == (None, "none", None)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["source_ip"] == "127.0.0.1" and line["verb"] == "GET"


def test_a_token_call_names_the_user_and_the_credential_kind(app, operator_lines, ann):
    call(app, module="users", method="me", token=ann.token)
    line = only(operator_lines.access)
    assert (line["user"], line["credential"], line["status"]) == ("ann", "token", 200)


def test_a_session_cookie_is_reported_as_a_session(app, operator_lines, ann):
    call(app, headers={"Cookie": f"EQSASH_SESSION={ann.session}"}, module="users", method="me")
    assert only(operator_lines.access)["credential"] == "session"


def test_a_refused_credential_is_reported_by_kind_without_a_user(app, operator_lines, ann):
    call(app, module="users", method="me", token=ann.token[:-2] + "xx")
    line = only(operator_lines.access)
    assert (line["status"], line["code"], line["user"], line["credential"]) == (
        401, "unauthenticated", None, "token",
    )  # fmt: skip


def test_a_batch_reports_its_call_count(app, operator_lines):
    batch = {"calls": [{"name": "a", "module": "greeting", "method": "say_hello"},
                       {"name": "b", "module": "system", "method": "methods"}]}  # fmt: skip
    body = json.dumps({"key": KEY, "module": "system", "method": "batch", "data": batch})
    app(proxy_event("POST", headers={"Content-Type": "application/json"}, body=body), None)
    line = only(operator_lines.access)
    assert (line["module"], line["method"], line["batch_calls"]) == ("system", "batch", 2)


def test_cold_start_is_true_on_the_first_request_of_a_process_only(app, operator_lines, monkeypatch):
    monkeypatch.setitem(telemetry._process, "cold", True)
    call(app, module="greeting", method="say_hello")
    call(app, module="greeting", method="say_hello")
    assert [line["cold_start"] for line in operator_lines.access] == [True, False]


def test_a_lockout_names_the_username_in_the_access_line_and_counts_in_the_metrics(app, operator_lines, ann):
    body = json.dumps({"key": KEY, "module": "users", "method": "login",
                       "data": {"username": "ann", "password": "not the password"}})  # fmt: skip
    for _ in range(6):
        app(proxy_event("POST", headers={"Content-Type": "application/json"}, body=body), None)
    *failures, locked = operator_lines.access
    assert {line["code"] for line in failures} == {"invalid_credentials"}
    assert (locked["code"], locked["locked_out"], locked["user"]) == ("too_many_attempts", "ann", None)
    assert "locked_out" not in failures[0]
    assert [line.get("Lockouts") for line in operator_lines.metrics] == [None] * 5 + [1]


def test_an_access_line_is_written_at_info_only(app, operator_lines, monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    runtime.reset()
    call(app, module="greeting", method="say_hello")
    assert operator_lines.access == []
    assert len(operator_lines.metrics) == 1  # metrics do not depend on the log level
    logging.getLogger("chalicelib").setLevel(logging.NOTSET)


# -- the metrics -----------------------------------------------------------------------------------


def test_the_access_line_carries_the_metrics_by_module_and_method(app, operator_lines):
    call(app, module="greeting", method="say_hello")
    line = only(operator_lines.metrics)
    assert line == only(operator_lines.access)  # one line: the access fields, then the EMF members
    assert (line["operation"], line["Calls"], line["Errors4xx"], line["Errors5xx"]) == (
        "greeting.say_hello",
        1,
        0,
        0,
    )
    assert line["Duration"] == line["duration_ms"]


@pytest.mark.parametrize("module", ["nosuch", "a" * 200, "greeting"])
def test_a_name_no_method_answers_to_is_never_a_dimension(app, operator_lines, module):
    """Each dimension value is a metric billed: only names of existing methods become one."""
    call(app, module=module, method="nosuch")
    assert only(operator_lines.metrics)["operation"] == "none"
    assert len(only(operator_lines.access)["module"]) <= 67  # clipped as error messages quote it


def test_a_storage_failure_is_a_5xx_and_a_storage_error(app, operator_lines, moto_store):
    with Stubber(moto_store.client) as stub:
        stub.add_client_error("get_item", service_error_code="ThrottlingException", http_status_code=400)
        call(app, module="users", method="me", token="A" * 43)
    line = only(operator_lines.metrics)
    assert (line["Errors5xx"], line["StorageErrors"]) == (1, 1)
    assert only(operator_lines.access)["storage_errors"] == 1


def test_an_identity_that_is_no_object_still_gets_the_request_id_and_its_line(app, operator_lines):
    event = proxy_event(query=query(module="greeting", method="say_hello"), request_id="req-odd")
    event["requestContext"]["identity"] = "not an object"
    answer = app(event, None)
    assert (answer["statusCode"], answer["headers"]["X-Request-Id"]) == (200, "req-odd")
    assert only(operator_lines.access)["source_ip"] is None
