"""Every row of DESIGN section 3's error table, through chalice's test client."""

from __future__ import annotations

import json
import logging

import pytest

from chalicelib.errors import ApiError
from tests.conftest import KEY, error_of, proxy_event


def test_missing_key_is_invalid_key(api):
    assert error_of(api.get(module="demo", method="hello")) == (401, "invalid_key")


def test_wrong_key_is_invalid_key(api):
    assert error_of(api.get(key="54321", module="demo", method="hello")) == (401, "invalid_key")


def test_key_inside_data_does_not_count(api):
    response = api.post_json({"module": "demo", "method": "hello", "data": {"key": KEY}})
    assert error_of(response) == (401, "invalid_key")


def test_missing_module_is_bad_request(api):
    assert error_of(api.get(key=KEY, method="hello")) == (400, "bad_request")


def test_missing_method_is_bad_request(api):
    assert error_of(api.get(key=KEY, module="demo")) == (400, "bad_request")


def test_module_given_as_an_array_is_bad_request(api):
    response = api.client.http.get(f"/api?key={KEY}&module[]=demo&method=hello")
    assert error_of(response) == (400, "bad_request")


def test_malformed_json_body_is_bad_request(api):
    response = api.client.http.post("/api", headers={"Content-Type": "application/json"}, body=b'{"key": ')
    assert error_of(response) == (400, "bad_request")


def test_json_body_that_is_not_an_object_is_bad_request(api):
    response = api.client.http.post("/api", headers={"Content-Type": "application/json"}, body=b"[1, 2]")
    assert error_of(response) == (400, "bad_request")


def test_absurdly_deep_json_is_bad_request(api):
    body = (
        '{"key": "12345", "module": "demo", "method": "echo", "data": ' + "[" * 100_000 + "]" * 100_000 + "}"
    )
    response = api.client.http.post("/api", headers={"Content-Type": "application/json"}, body=body.encode())
    assert error_of(response) == (400, "bad_request")


def test_unknown_module_is_404(api):
    assert error_of(api.get(key=KEY, module="nosuch", method="hello")) == (404, "unknown_module")


def test_unknown_method_is_404(api):
    assert error_of(api.get(key=KEY, module="demo", method="nosuch")) == (404, "unknown_method")


def test_internal_method_is_unknown_from_http(api):
    assert error_of(api.get(key=KEY, module="demo", method="count_words")) == (404, "unknown_method")


def test_undeclared_public_method_is_unknown_from_http(api):
    assert error_of(api.get(key=KEY, module="demo", method="remember")) == (404, "unknown_method")


def test_implementing_method_is_not_reachable_by_its_own_name(api):
    assert error_of(api.get(key=KEY, module="demo", method="get_user_id_plus")) == (404, "unknown_method")


@pytest.mark.parametrize(
    "module",
    [
        "../x",
        "os",
        "sys",
        "__init__",
        "_private",
        "demo.sub",
        "chalicelib.services.demo",
        "de\0mo",
        "DEMO ",
        "x" * 500,
    ],
)
def test_hostile_module_names_are_unknown(api, module):
    assert error_of(api.get(key=KEY, module=module, method="hello")) == (404, "unknown_module")


@pytest.mark.parametrize(
    "method", ["__init__", "_private", "get_api", "__class__", "hello.x", "he\0llo", "api"]
)
def test_hostile_method_names_are_unknown(api, method):
    assert error_of(api.get(key=KEY, module="demo", method=method)) == (404, "unknown_method")


def test_role_limited_method_without_credentials_is_unauthenticated(api):
    assert error_of(api.get(key=KEY, module="demo", method="get_user_id")) == (401, "unauthenticated")


def test_body_over_the_limit_is_413(api, monkeypatch):
    body = b"key=12345&module=demo&method=echo&data=" + b"x" * (1024 * 1024)
    response = api.client.http.post(
        "/api", headers={"Content-Type": "application/x-www-form-urlencoded"}, body=body
    )
    assert error_of(response) == (413, "payload_too_large")


def test_unreadable_post_content_type_is_415(api):
    response = api.client.http.post("/api", headers={"Content-Type": "text/csv"}, body=b"a,b")
    assert error_of(response) == (415, "unsupported_media_type")


def test_get_ignores_content_type(api):
    response = api.client.http.get(
        f"/api?key={KEY}&module=demo&method=hello", headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 200


def test_unserved_http_verb_is_405_in_the_contract_shape(api):
    response = api.client.http.put("/api", body=b"")
    assert error_of(response) == (405, "method_not_allowed")


def test_method_refusal_reaches_caller_with_its_own_status_and_code(api):
    response = api.call("demo", "check_age", {"age": "old"})
    assert error_of(response) == (422, "invalid_input")
    assert json.loads(response.body)["error"]["message"] == "age must be a number from 0 to 200"


def test_exception_in_a_method_is_500_internal_without_trace(api, monkeypatch, caplog):
    from chalicelib.services import demo

    def explode(self, data, ctx):
        raise RuntimeError("secret-detail-do-not-leak")

    monkeypatch.setattr(demo.Service, "hello", explode)
    with caplog.at_level(logging.ERROR):
        response = api.get(key=KEY, module="demo", method="hello")
    assert error_of(response) == (500, "internal")
    assert b"secret-detail" not in response.body and b"Traceback" not in response.body
    assert "test-request-id" in caplog.text or "request" in caplog.text


def test_missing_api_key_setting_is_500_internal_with_a_clear_log(app, monkeypatch, caplog):
    from tests.conftest import proxy_event

    monkeypatch.delenv("API_KEY")
    with caplog.at_level(logging.ERROR):
        answer = app(proxy_event(query={"key": [KEY], "module": ["demo"], "method": ["hello"]}), None)
    body = json.loads(answer["body"])
    assert (answer["statusCode"], body["error"]["code"]) == (500, "internal")
    assert "API_KEY is missing" in caplog.text


def test_sample_key_outside_a_local_stage_is_refused(app, monkeypatch, caplog):
    from tests.conftest import proxy_event

    monkeypatch.setenv("STAGE", "prod")
    with caplog.at_level(logging.ERROR):
        answer = app(proxy_event(query={"key": [KEY], "module": ["demo"], "method": ["hello"]}), None)
    assert answer["statusCode"] == 500
    assert KEY not in answer["body"]
    assert "sample key" in caplog.text


def test_other_verbs_reach_the_gateway_and_get_405_in_the_contracts_shape(app):
    for verb in ("PUT", "PATCH", "DELETE"):
        answer = app(proxy_event(verb, query={"key": [KEY]}), None)
        body = json.loads(answer["body"])
        assert (answer["statusCode"], body["error"]["code"]) == (405, "method_not_allowed"), verb


def test_a_query_with_more_than_a_thousand_fields_is_bad_request(app):
    answer = app(
        proxy_event(query={"key": [KEY], "module": ["demo"], "method": ["echo"], "data[]": ["1"] * 1001}),
        None,
    )
    assert answer["statusCode"] == 400


def test_a_token_that_is_not_a_string_is_bad_request(api):
    response = api.client.http.get(f"/api?key={KEY}&module=demo&method=hello&token[]=x")
    assert error_of(response) == (400, "bad_request")


def test_an_unknown_log_level_is_a_clear_configuration_error(app, monkeypatch, caplog):
    monkeypatch.setenv("LOG_LEVEL", "VERBOSE")
    with caplog.at_level(logging.ERROR):
        answer = app(proxy_event(query={"key": [KEY], "module": ["demo"], "method": ["hello"]}), None)
    assert answer["statusCode"] == 500 and "LOG_LEVEL" in caplog.text


def test_a_refusal_inside_an_internal_call_does_not_name_its_target(api, monkeypatch):
    from chalicelib.services import demo

    monkeypatch.setattr(demo.Service, "hello", lambda self, data, ctx: ctx.call("demo", "get_user_id"))
    response = api.call("demo", "hello")
    assert error_of(response) == (401, "unauthenticated")
    assert b"get_user_id" not in response.body


def test_runaway_recursion_answers_without_naming_methods(api, monkeypatch):
    from chalicelib.services import demo

    monkeypatch.setattr(demo.Service, "count_words", lambda self, data, ctx: ctx.call("demo", "count_words"))
    monkeypatch.setattr(demo.Service, "hello", lambda self, data, ctx: ctx.call("demo", "count_words"))
    response = api.call("demo", "hello")
    assert error_of(response) == (500, "internal")
    assert b"count_words" not in response.body and b"runaway recursion" in response.body


def test_an_api_error_with_a_success_status_is_answered_as_500(api, monkeypatch):
    from chalicelib.services import demo

    def odd(self, data, ctx):
        raise ApiError(200, "weird", "x")

    monkeypatch.setattr(demo.Service, "hello", odd)
    assert error_of(api.call("demo", "hello")) == (500, "internal")


def test_long_hostile_names_are_clipped_in_messages(api):
    response = api.get(key=KEY, module="x" * 5000, method="y")
    message = json.loads(response.body)["error"]["message"]
    assert len(message) < 120
