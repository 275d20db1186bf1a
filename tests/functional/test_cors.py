"""CORS through the Lambda handler (DESIGN section 9): successes, every kind of error, and preflights."""

from __future__ import annotations

import json
import logging

import pytest

from chalicelib import runtime
from chalicelib.auth import accounts
from tests.conftest import KEY, proxy_event

LISTED = "https://app.example.com"
ALSO_LISTED = "http://127.0.0.1:3000"
OTHER = "https://elsewhere.test"
CORS = ("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials")


@pytest.fixture(autouse=True)
def origins(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", f"{LISTED},{ALSO_LISTED}")


def hello(origin: str | None = None, key: str = KEY, method: str = "GET", **extra):
    headers = {"Origin": origin} if origin else {}
    query = {"key": [key], "module": ["demo"], "method": ["hello"]}
    return proxy_event(method, query=query, headers={**headers, **extra.pop("headers", {})}, **extra)


def headers_of(answer) -> dict[str, str]:
    """Single and multi-value headers of a Lambda answer, by lower-case name."""
    merged = {name.lower(): value for name, value in (answer.get("headers") or {}).items()}
    for name, values in (answer.get("multiValueHeaders") or {}).items():
        merged[name.lower()] = ", ".join(values)
    return merged


def assert_allowed(answer, origin: str) -> None:
    headers = headers_of(answer)
    assert headers["access-control-allow-origin"] == origin
    assert headers["access-control-allow-credentials"] == "true"
    assert headers["vary"] == "Origin"


def assert_no_cors(answer) -> None:
    assert not [name for name in headers_of(answer) if name.startswith("access-control-")]


def code_of(answer) -> tuple[int, str]:
    return answer["statusCode"], json.loads(answer["body"])["error"]["code"]


def test_a_success_for_a_listed_origin_carries_its_origin(app):
    answer = app(hello(LISTED), None)
    assert answer["statusCode"] == 200
    assert_allowed(answer, LISTED)


def test_each_listed_origin_is_echoed_as_itself(app):
    assert_allowed(app(hello(ALSO_LISTED), None), ALSO_LISTED)


def test_another_origin_gets_no_cors_headers(app):
    answer = app(hello(OTHER), None)
    assert answer["statusCode"] == 200
    assert_no_cors(answer)
    assert headers_of(answer)["vary"] == "Origin"


def test_a_request_without_origin_gets_no_cors_headers(app):
    assert_no_cors(app(hello(None), None))


def test_the_origin_header_is_read_whatever_its_case(app):
    answer = app(
        proxy_event(
            query={"key": [KEY], "module": ["demo"], "method": ["hello"]}, headers={"origin": LISTED}
        ),
        None,
    )
    assert_allowed(answer, LISTED)


def test_without_cors_origins_no_answer_carries_cors_headers_or_vary(app, monkeypatch):
    monkeypatch.delenv("CORS_ORIGINS")
    answer = app(hello(LISTED), None)
    assert_no_cors(answer)
    assert "vary" not in headers_of(answer)


def test_a_contract_error_carries_the_same_headers(app):
    answer = app(hello(LISTED, key="wrong"), None)
    assert code_of(answer) == (401, "invalid_key")
    assert_allowed(answer, LISTED)


def test_an_error_for_another_origin_carries_none(app):
    answer = app(hello(OTHER, key="wrong"), None)
    assert code_of(answer) == (401, "invalid_key")
    assert_no_cors(answer)


def test_a_role_refusal_carries_the_same_headers(app):
    event = proxy_event(
        query={"key": [KEY], "module": ["demo"], "method": ["get_user_id"]}, headers={"Origin": LISTED}
    )
    answer = app(event, None)
    assert code_of(answer) == (401, "unauthenticated")
    assert_allowed(answer, LISTED)


def test_chalice_own_refusal_rewritten_carries_the_same_headers(app):
    answer = app(hello(LISTED, method="PUT"), None)
    assert code_of(answer) == (405, "method_not_allowed")
    assert_allowed(answer, LISTED)


def test_a_binary_refusal_rewritten_carries_the_same_headers(app, monkeypatch):
    from chalicelib.services import demo

    monkeypatch.setattr(demo.Service, "hello", lambda self, data, ctx: b"\x00\x01", raising=True)
    monkeypatch.setitem(demo.Service.api, "hello", {"type": "external"})
    runtime.reset()
    answer = app(hello(LISTED), None)
    assert code_of(answer) == (400, "bad_request")
    assert_allowed(answer, LISTED)


def test_a_500_from_a_failing_method_carries_the_same_headers(app, monkeypatch, caplog):
    from chalicelib.services import demo

    def explode(self, data, ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(demo.Service, "hello", explode)
    with caplog.at_level(logging.CRITICAL):
        answer = app(hello(LISTED), None)
    assert code_of(answer) == (500, "internal")
    assert_allowed(answer, LISTED)


def test_a_500_from_a_broken_configuration_still_carries_the_headers(app, monkeypatch, caplog):
    monkeypatch.delenv("API_KEY")
    with caplog.at_level(logging.CRITICAL):
        answer = app(hello(LISTED), None)
    assert code_of(answer) == (500, "internal")
    assert_allowed(answer, LISTED)


def test_a_500_from_outside_the_view_carries_the_same_headers(app, monkeypatch, caplog):
    from chalicelib import gateway

    def fail(request):
        raise RuntimeError("outside the catch site")

    monkeypatch.setattr(gateway, "handle", fail)  # Chalice's path, through the view
    monkeypatch.setattr(gateway, "handle_event", fail)  # the fast path (http/entry.py)
    with caplog.at_level(logging.CRITICAL):
        answer = app(hello(LISTED), None)
    assert code_of(answer) == (500, "internal")
    assert_allowed(answer, LISTED)


def test_a_login_keeps_its_cookie_beside_the_cors_headers(app, memory_store):
    accounts.create_user(memory_store, "ann", ["editor"], "a long password", runtime.now())
    body = json.dumps(
        {
            "key": KEY,
            "module": "users",
            "method": "login",
            "data": {"username": "ann", "password": "a long password"},
        }
    )
    event = proxy_event("POST", headers={"Origin": LISTED, "Content-Type": "application/json"}, body=body)
    answer = app(event, None)
    assert answer["statusCode"] == 200
    assert_allowed(answer, LISTED)
    assert "EQSASH_SESSION=" in headers_of(answer)["set-cookie"]


def test_a_preflight_from_a_listed_origin_is_204_with_methods_and_headers(app):
    event = proxy_event(
        "OPTIONS",
        headers={
            "Origin": LISTED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,authorization",
        },
    )
    answer = app(event, None)
    headers = headers_of(answer)
    assert answer["statusCode"] == 204 and answer["body"] == ""
    assert_allowed(answer, LISTED)
    assert headers["access-control-allow-methods"] == "GET, POST"
    assert headers["access-control-allow-headers"] == "Content-Type, Authorization"
    assert headers["access-control-max-age"] == "600"


def test_a_preflight_needs_no_key(app):
    answer = app(
        proxy_event("OPTIONS", headers={"Origin": LISTED, "Access-Control-Request-Method": "GET"}), None
    )
    assert answer["statusCode"] == 204


def test_a_preflight_from_another_origin_is_204_without_cors_headers(app):
    answer = app(
        proxy_event("OPTIONS", headers={"Origin": OTHER, "Access-Control-Request-Method": "POST"}), None
    )
    assert answer["statusCode"] == 204
    assert_no_cors(answer)
    assert headers_of(answer)["allow"] == "GET, POST, OPTIONS"


def test_a_method_cannot_widen_cors_itself(app, monkeypatch):
    from chalice.app import Response

    from chalicelib.services import demo

    monkeypatch.setattr(
        demo.Service,
        "hello",
        lambda self, data, ctx: Response(body="x", headers={"Access-Control-Allow-Origin": "*"}),
    )
    answer = app(hello(OTHER), None)
    assert answer["statusCode"] == 200
    assert_no_cors(answer)
