"""The internal entry: a plain Lambda function that turns an event into an internal call."""

from __future__ import annotations

import json
import logging

import pytest

from chalicelib.services import demo


def invoke(client, event):
    payload = client.lambda_.invoke("internal", event).payload
    json.dumps(payload, allow_nan=False)  # whatever it answers, Lambda can send it
    return payload


def error_of(payload):
    assert set(payload) == {"error", "status"}, payload
    assert set(payload["error"]) == {"code", "message"} and payload["error"]["message"]
    return payload["status"], payload["error"]["code"]


def test_an_anonymous_event_reaches_an_internal_method(client):
    event = {"module": "demo", "method": "count_words", "data": "to be or not"}
    assert invoke(client, event) == {"result": 4}


def test_data_and_user_may_be_null(client):
    event = {"module": "demo", "method": "count_words", "data": None, "user": None}
    assert invoke(client, event) == {"result": 0}


def test_results_come_back_unrendered_and_nested_calls_work(client):
    payload = invoke(client, {"module": "demo", "method": "stats", "data": "a bb"})
    assert payload == {"result": {"words": 2, "sizes": [1, 2]}}  # a list, not json_object's {"0": ...}


def test_undeclared_public_methods_are_reachable(client):
    assert invoke(client, {"module": "demo", "method": "remember", "data": [1, "x"]}) == {
        "result": {"remembered": [1, "x"]}
    }


def test_the_system_user_holds_every_role(client):
    payload = invoke(client, {"module": "demo", "method": "get_user_id", "user": "system"})
    assert payload == {"result": {"id": 7, "roles": []}}


def test_a_named_user_calls_with_its_roles(client):
    user = {"username": "ann", "roles": ["administrator"]}
    payload = invoke(client, {"module": "demo", "method": "get_user_id", "user": user})
    assert payload == {"result": {"id": 7, "roles": ["administrator"]}}
    whoami = invoke(client, {"module": "demo", "method": "whoami", "user": {"username": "bob"}})
    assert whoami == {"result": {"username": "bob", "roles": []}}


def test_access_is_enforced(client):
    anonymous = invoke(client, {"module": "demo", "method": "get_user_id"})
    assert error_of(anonymous) == (401, "unauthenticated")
    editor = {"username": "ann", "roles": ["editor"]}
    assert error_of(invoke(client, {"module": "demo", "method": "get_user_id", "user": editor})) == (
        403,
        "forbidden",
    )


def test_a_methods_own_refusal_keeps_its_status_and_code(client):
    payload = invoke(client, {"module": "demo", "method": "check_age", "data": {"age": "old"}})
    assert error_of(payload) == (422, "invalid_input")
    assert payload["error"]["message"] == "age must be a number from 0 to 200"


@pytest.mark.parametrize(
    ("module", "method", "expected"),
    [
        ("nosuch", "x", (404, "unknown_module")),
        ("demo", "nosuch", (404, "unknown_method")),
        ("demo", "_private", (404, "unknown_method")),
        ("../etc", "x", (404, "unknown_module")),
        ("__init__", "x", (404, "unknown_module")),
    ],
)
def test_unknown_or_unsafe_names_are_refused(client, module, method, expected):
    assert error_of(invoke(client, {"module": module, "method": method})) == expected


@pytest.mark.parametrize(
    "event",
    [
        None,
        [],
        "demo.count_words",
        {},
        {"module": "demo"},
        {"method": "count_words"},
        {"module": "", "method": "count_words"},
        {"module": "demo", "method": 7},
        {"module": "demo", "method": "count_words", "extra": 1},
        {"module": "demo", "method": "count_words", "user": "ann"},
        {"module": "demo", "method": "count_words", "user": "SYSTEM"},
        {"module": "demo", "method": "count_words", "user": {"username": ""}},
        {"module": "demo", "method": "count_words", "user": {"roles": ["administrator"]}},
        {"module": "demo", "method": "count_words", "user": {"username": "a", "roles": "administrator"}},
        {"module": "demo", "method": "count_words", "user": {"username": "a", "roles": [1]}},
        {"module": "demo", "method": "count_words", "user": {"username": "a", "password": "x"}},
    ],
)
def test_a_malformed_event_is_a_bad_request(client, event):
    assert error_of(invoke(client, event)) == (400, "bad_request")


def test_a_result_that_is_not_json_is_a_clear_internal_error(client, monkeypatch, caplog):
    monkeypatch.setattr(demo.Service, "remember", lambda self, data, ctx: b"\x00raw")
    with caplog.at_level(logging.ERROR):
        payload = invoke(client, {"module": "demo", "method": "remember"})
    assert error_of(payload) == (500, "internal")
    assert "bytes" in payload["error"]["message"]
    assert "demo.remember" in caplog.text


def test_an_unhandled_exception_is_logged_and_hidden(client, monkeypatch, caplog):
    def explode(self, data, ctx):
        raise RuntimeError("secret-detail-do-not-leak")

    monkeypatch.setattr(demo.Service, "count_words", explode)
    with caplog.at_level(logging.ERROR):
        payload = invoke(client, {"module": "demo", "method": "count_words"})
    assert error_of(payload) == (500, "internal")
    assert "secret-detail" not in json.dumps(payload)
    assert "secret-detail-do-not-leak" in caplog.text  # the trace is in the log


def test_a_misconfigured_deployment_refuses_internal_calls_too(app, monkeypatch, caplog):
    monkeypatch.delenv("API_KEY")
    with caplog.at_level(logging.ERROR):
        payload = app.handler_map["internal"]({"module": "demo", "method": "count_words"}, None)
    assert error_of(payload) == (500, "internal")
    assert "API_KEY is missing" in caplog.text


def test_successful_invocations_are_logged_without_their_data(client, caplog):
    with caplog.at_level(logging.INFO, logger="chalicelib"):
        invoke(client, {"module": "demo", "method": "count_words", "data": "secret words", "user": "system"})
    assert "demo.count_words as system: ok" in caplog.text
    assert "secret words" not in caplog.text


def test_the_internal_function_has_no_http_route(app):
    assert set(app.routes) == {"/api", "/console"}
    assert "internal" in app.handler_map
    handlers = {entry.view_name for methods in app.routes.values() for entry in methods.values()}
    assert "internal" not in handlers
