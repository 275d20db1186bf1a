"""HTTP answers: a result rendered by its method's format, the method's extras, the contract's errors."""

from __future__ import annotations

import json

import pytest
from chalice.app import Response

from chalicelib.context import Context
from chalicelib.errors import ApiError, Forbidden, Internal, MethodNotAllowed
from chalicelib.http.responses import BINARY, JSON, TEXT, error_response, result_response


def ctx():
    return Context(None, "r")


@pytest.mark.parametrize(
    ("result", "fmt", "body", "content_type"),
    [
        ([1, 2], "json", "[1,2]", JSON),
        ([1, 2], "json_object", '{"0":1,"1":2}', JSON),
        ("text", None, "text", TEXT),
        (b"\x00\x01", None, b"\x00\x01", BINARY),
        (None, None, "", TEXT),
        ({"a": 1.0}, None, '{"a":1}', JSON),  # PHP's json_encode: 1.0 is 1
    ],
)
def test_a_result_is_rendered_by_its_format_or_as_what_it_is(result, fmt, body, content_type):
    answer = result_response(result, fmt, ctx())
    assert (answer.status_code, answer.body, answer.headers["Content-Type"]) == (200, body, content_type)


def test_headers_and_cookies_a_method_set_reach_the_answer():
    context = ctx()
    context.response_headers["X-Seen"] = "1"
    context.set_cookie("a", "1")
    context.set_cookie("b", "2")
    answer = result_response("ok", None, context)
    assert answer.headers["X-Seen"] == "1" and answer.headers["Set-Cookie"] == ["a=1", "b=2"]


def test_a_content_type_the_method_set_wins():
    context = ctx()
    context.response_headers["Content-Type"] = "text/csv"
    assert result_response("a,b", None, context).headers == {"Content-Type": "text/csv"}


@pytest.mark.parametrize(("name", "value"), [("X-A", "one\r\nSet-Cookie: x=y"), ("X-B\n", "v"), ("X-C", 3)])
def test_a_header_that_is_not_a_one_line_string_is_internal(name, value):
    context = ctx()
    context.response_headers[name] = value
    with pytest.raises(Internal):
        result_response("ok", None, context)


def test_a_chalice_response_passes_through_with_the_extras_filling_in_only_what_it_lacks():
    context = ctx()
    context.response_headers.update({"X-Mine": "ctx", "X-Extra": "1"})
    answer = result_response(Response(body="b", headers={"X-Mine": "own"}), "json", context)
    assert answer.body == "b" and answer.headers == {"X-Mine": "own", "X-Extra": "1"}


def test_a_result_that_cannot_be_rendered_is_internal():
    with pytest.raises(Internal, match="cannot be rendered"):
        result_response(float("nan"), "json", ctx())


def test_an_error_is_answered_with_its_status_and_the_contracts_body():
    answer = error_response(Forbidden("no"))
    assert answer.status_code == 403 and answer.headers["Content-Type"] == JSON
    assert json.loads(answer.body) == {"error": {"code": "forbidden", "message": "no"}}


def test_an_error_carries_its_own_headers_and_those_given():
    answer = error_response(MethodNotAllowed("no"), {"Vary": "Origin"})
    assert answer.headers == {"Allow": "GET, POST, OPTIONS", "Vary": "Origin", "Content-Type": JSON}


@pytest.mark.parametrize("status", [200, 302, 600])
def test_an_api_error_with_a_status_that_is_no_error_is_answered_as_500(status):
    answer = error_response(ApiError(status, "odd", "x"))
    assert answer.status_code == 500 and json.loads(answer.body)["error"]["code"] == "internal"
