"""Behaviours a review asked for: answers that merely look like Chalice's are left alone, and friends."""

from __future__ import annotations

import json
import logging

from chalicelib import runtime
from chalicelib.storage.dynamodb import DynamoStore
from tests.conftest import KEY, error_of, proxy_event, set_cookies


def test_a_result_shaped_like_a_chalice_error_passes_through(api):
    lookalike = {"Code": "InternalServerError", "Message": "my own text"}
    response = api.call("demo", "echo", lookalike)
    assert response.status_code == 200 and json.loads(response.body) == lookalike


def test_a_string_result_shaped_like_a_chalice_error_passes_through_verbatim(api):
    text = '{"Code":"Whatever","Message":"my text"}'
    response = api.call("demo", "echo", text)
    assert (response.status_code, response.body) == (200, text.encode())


def test_the_session_cookie_lasts_the_absolute_lifetime_since_the_store_slides(api, moto_store):
    from chalicelib.auth import accounts

    accounts.create_user(moto_store, "ann", [], "a long password", runtime.now())
    response = api.call("users", "login", {"username": "ann", "password": "a long password"})
    assert "Max-Age=2592000" in set_cookies(response)


def test_a_missing_table_is_a_500_that_names_nothing(api, caplog):
    runtime.reset(store=DynamoStore("no-such-table"))
    from moto import mock_aws

    with mock_aws(), caplog.at_level(logging.ERROR):
        response = api.call("users", "me", token="A" * 43)
    assert error_of(response) == (500, "internal")
    assert b"no-such-table" not in response.body
    assert "no-such-table" in caplog.text


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
    from chalicelib.errors import ApiError
    from chalicelib.services import demo

    def odd(self, data, ctx):
        raise ApiError(200, "weird", "x")

    monkeypatch.setattr(demo.Service, "hello", odd)
    assert error_of(api.call("demo", "hello")) == (500, "internal")


def test_long_hostile_names_are_clipped_in_messages(api):
    response = api.get(key=KEY, module="x" * 5000, method="y")
    message = json.loads(response.body)["error"]["message"]
    assert len(message) < 120
