"""Chalice's own refusals rewritten into the contract's error shape; every other answer left alone."""

from __future__ import annotations

import json

import pytest
from chalice.app import Response

from chalicelib.http.refusals import translated


def chalice_refusal(status, code, message="chalice's words", **headers):
    return Response(body={"Code": code, "Message": message}, status_code=status, headers=headers)


def code_of(answer):
    return answer.status_code, json.loads(answer.body)["error"]["code"]


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (405, "MethodNotAllowedError", (405, "method_not_allowed")),
        (415, "UnsupportedMediaType", (415, "unsupported_media_type")),
        (400, "BadRequestError", (400, "bad_request")),
        (500, "InternalServerError", (500, "internal")),
        (400, "SomethingNew", (400, "bad_request")),
        (502, "SomethingNew", (500, "internal")),
    ],
)
def test_a_chalice_refusal_takes_the_contracts_status_and_code(status, code, expected):
    assert code_of(translated(chalice_refusal(status, code))) == expected


def test_a_chalice_refusal_as_json_text_is_read_too():
    refusal = Response(body='{"Code": "BadRequestError", "Message": "m"}', status_code=400)
    assert code_of(translated(refusal)) == (400, "bad_request")


def test_an_internal_error_says_nothing_of_chalices_words():
    answer = translated(chalice_refusal(500, "InternalServerError", "Traceback: secret"))
    assert (
        b"secret" not in answer.body.encode()
        if isinstance(answer.body, str)
        else b"secret" not in answer.body
    )


def test_the_refusals_own_headers_are_kept_but_its_content_type():
    answer = translated(chalice_refusal(405, "MethodNotAllowedError", **{"X-Kept": "1", "content-type": "x"}))
    assert answer.headers["X-Kept"] == "1" and answer.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "answer",
    [
        Response(body={"Code": "X", "Message": "m"}, status_code=200),
        Response(body={"Code": "X", "Message": "m", "More": 1}, status_code=400),
        Response(body="{not json", status_code=400),
        Response(body="plain", status_code=500),
    ],
)
def test_a_success_or_an_answer_of_another_shape_is_left_alone(answer):
    assert translated(answer) is answer
