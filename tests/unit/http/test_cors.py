"""CORS headers as pure functions: exact origins only, Vary merged, the gateway owning Access-Control-*."""

from __future__ import annotations

from chalicelib.http.cors import allowed_origin, apply, preflight_headers

ALLOWED = ("https://app.example.com", "http://127.0.0.1:3000")


def test_only_an_exactly_listed_origin_is_allowed():
    assert allowed_origin("https://app.example.com", ALLOWED) == "https://app.example.com"
    for other in (
        "https://app.example.com.evil.test",
        "https://APP.example.com",
        "http://app.example.com",
        "null",
        "",
        None,
    ):
        assert allowed_origin(other, ALLOWED) is None


def test_a_listed_origin_is_echoed_with_credentials_and_vary():
    headers: dict[str, object] = {"Content-Type": "application/json"}
    apply(headers, "http://127.0.0.1:3000", ALLOWED)
    assert headers == {
        "Content-Type": "application/json",
        "Vary": "Origin",
        "Access-Control-Allow-Origin": "http://127.0.0.1:3000",
        "Access-Control-Allow-Credentials": "true",
    }


def test_another_origin_gets_no_cors_header_but_the_answer_still_varies_by_origin():
    headers: dict[str, object] = {}
    apply(headers, "https://elsewhere.test", ALLOWED)
    assert headers == {"Vary": "Origin"}


def test_without_listed_origins_nothing_is_added():
    headers: dict[str, object] = {}
    apply(headers, "https://app.example.com", ())
    assert headers == {}


def test_vary_set_by_a_method_is_extended_not_replaced():
    headers: dict[str, object] = {"vary": "Accept-Encoding"}
    apply(headers, None, ALLOWED)
    assert headers == {"vary": "Accept-Encoding, Origin"}
    headers = {"Vary": "origin"}
    apply(headers, None, ALLOWED)
    assert headers == {"Vary": "origin"}


def test_access_control_headers_a_method_set_never_reach_another_origin():
    headers: dict[str, object] = {"access-control-allow-origin": "*", "X-Kept": "yes"}
    apply(headers, "https://elsewhere.test", ALLOWED)
    assert headers == {"X-Kept": "yes", "Vary": "Origin"}
    headers = {"Access-Control-Allow-Origin": "*"}
    apply(headers, "https://app.example.com", ())
    assert headers == {}


def test_for_a_listed_origin_the_gateway_owns_origin_and_credentials_and_a_method_may_expose_headers():
    headers: dict[str, object] = {
        "access-control-allow-origin": "*",
        "Access-Control-Allow-Credentials": "false",
        "Access-Control-Expose-Headers": "X-Greeting",
    }
    apply(headers, "https://app.example.com", ALLOWED)
    assert headers == {
        "Access-Control-Expose-Headers": "X-Greeting",
        "Vary": "Origin",
        "Access-Control-Allow-Origin": "https://app.example.com",
        "Access-Control-Allow-Credentials": "true",
    }


def test_a_preflight_from_a_listed_origin_names_the_methods_and_headers():
    assert preflight_headers("https://app.example.com", ALLOWED) == {
        "Allow": "GET, POST, OPTIONS",
        "Access-Control-Allow-Methods": "GET, POST",
        "Access-Control-Allow-Headers": "Content-Type, Authorization",
        "Access-Control-Max-Age": "600",
    }


def test_a_preflight_from_another_origin_names_nothing_of_cors():
    assert preflight_headers("https://elsewhere.test", ALLOWED) == {"Allow": "GET, POST, OPTIONS"}
    assert preflight_headers(None, ALLOWED) == {"Allow": "GET, POST, OPTIONS"}
