"""Successful calls through chalice's test client and the Lambda handler: forms, formats, modules."""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path

import pytest

from tests.conftest import KEY, PROJECT_ROOT, error_of, proxy_event, set_cookies

SERVICES = PROJECT_ROOT / "chalicelib" / "services"


def test_get_with_query_renders_php_json(api):
    response = api.get(key=KEY, module="demo", method="hello", data="Ann")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.body == b'{"greeting":"Hello, Ann!","links":["https:\\/\\/example.com\\/docs"],"pi":3}'


def test_post_form_with_bracket_data(api):
    response = api.client.http.post(
        "/api",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=b"key=12345&module=demo&method=check_age&data[age]=42",
    )
    assert json.loads(response.body) == {"age": 42, "adult": True}


def test_bracket_lists_and_nesting_reach_the_method(api):
    response = api.client.http.get(
        f"/api?key={KEY}&module=demo&method=echo&data[a]=1&data[b][]=2&data[b][]=3"
    )
    assert json.loads(response.body) == {"a": "1", "b": ["2", "3"]}


def test_post_json_with_any_data_value(api):
    response = api.call("demo", "echo", [1, 2.5, "x", None, {"k": []}])
    assert response.body == b'[1,2.5,"x",null,{"k":[]}]'


def test_body_field_wins_over_query_field(api):
    response = api.client.http.post(
        "/api?module=nosuch",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=b"key=12345&module=demo&method=hello",
    )
    assert response.status_code == 200


def test_multipart_text_fields_are_read(api):
    boundary = "XyZ"
    parts = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in [("key", KEY), ("module", "demo"), ("method", "check_age"), ("data[age]", "17")]
    )
    response = api.client.http.post(
        "/api",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        body=(parts + f"--{boundary}--\r\n").encode(),
    )
    assert json.loads(response.body) == {"age": 17, "adult": False}


def test_json_object_format_turns_lists_into_objects(api):
    response = api.call("demo", "stats", "a bb ccc")
    assert response.body == b'{"words":3,"sizes":{"0":1,"1":2,"2":3}}'


def test_as_is_string_is_plain_text_verbatim(api):
    response = api.get(key=KEY, module="demo", method="echo", data="héllo/<b>")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.body == "héllo/<b>".encode()


def test_as_is_none_is_an_empty_body(api):
    response = api.get(key=KEY, module="demo", method="echo")
    assert response.status_code == 200 and response.body == b""


def test_as_is_dict_renders_like_json(api):
    response = api.call("demo", "echo", {"url": "a/b", "n": 10.0})
    assert response.body == b'{"url":"a\\/b","n":10}'


def test_method_headers_and_cookies_reach_the_answer(api):
    response = api.get(key=KEY, module="demo", method="greet_with_cookie")
    assert response.headers["X-Greeting"] == "hello"
    assert "greeted=yes" in set_cookies(response)
    assert "HttpOnly" in set_cookies(response)


def test_internal_call_from_an_external_method(api):
    assert json.loads(api.call("demo", "stats", "one two").body)["words"] == 2


def test_open_method_for_anonymous_only(api):
    assert api.get(key=KEY, module="demo", method="guest_only").status_code == 200


def test_second_of_two_rotated_keys_is_accepted(app, monkeypatch):
    monkeypatch.setenv("API_KEY", "old-key-1, new-key-2")
    answer = app(proxy_event(query={"key": ["new-key-2"], "module": ["demo"], "method": ["hello"]}), None)
    assert answer["statusCode"] == 200


def test_lambda_handler_reads_a_base64_form_body(app):
    body = b"key=12345&module=demo&method=echo&data=b64%20ok"
    answer = app(
        proxy_event(
            "POST", headers={"Content-Type": "application/x-www-form-urlencoded"}, body=body, base64_body=True
        ),
        None,
    )
    assert (answer["statusCode"], answer["body"]) == (200, "b64 ok")


def test_lambda_handler_refuses_broken_base64_as_bad_request(app):
    event = proxy_event("POST", headers={"Content-Type": "application/json"})
    event["body"], event["isBase64Encoded"] = "!!!not base64!!!", True
    answer = app(event, None)
    assert answer["statusCode"] == 400
    assert json.loads(answer["body"])["error"]["code"] == "bad_request"


def test_lambda_handler_json_body(app):
    payload = json.dumps({"key": KEY, "module": "demo", "method": "echo", "data": {"a": [1, 2]}})
    answer = app(
        proxy_event("POST", headers={"content-type": "application/json"}, body=payload.encode()), None
    )
    assert answer["body"] == '{"a":[1,2]}'


def test_nan_in_a_result_is_500_not_invalid_json(api, monkeypatch):
    from chalicelib.services import demo

    monkeypatch.setattr(demo.Service, "hello", lambda self, data, ctx: {"x": float("nan")})
    assert error_of(api.get(key=KEY, module="demo", method="hello")) == (500, "internal")


@pytest.fixture
def dropped_module():
    """A module file dropped into chalicelib/services/ in DESIGN's plain form, removed afterwards."""
    name = f"dropped_{uuid.uuid4().hex[:8]}"
    path = SERVICES / f"{name}.py"
    path.write_text(
        "class Service:\n"
        "    api = {'shout': {'type': 'external', 'format': 'json'}}\n\n"
        "    def shout(self, data, ctx):\n"
        "        return {'loud': str(data).upper()}\n"
    )
    try:
        yield name
    finally:
        path.unlink()


def test_a_dropped_in_module_is_callable_over_http_without_other_edits(api, dropped_module):
    response = api.get(key=KEY, module=dropped_module, method="shout", data="hi")
    assert response.body == b'{"loud":"HI"}'


def test_a_broken_module_answers_a_clear_error_and_others_still_work(api):
    path = Path(SERVICES / f"broken_{uuid.uuid4().hex[:8]}.py")
    path.write_text(
        "class Service:\n    api = {'x': {'type': 'sideways'}}\n    def x(self, data, ctx):\n        pass\n"
    )
    try:
        response = api.get(key=KEY, module=path.stem, method="x")
        assert error_of(response) == (500, "internal")
        assert b"type" in response.body
        assert api.get(key=KEY, module="demo", method="hello").status_code == 200
    finally:
        path.unlink()


def test_a_session_cookie_is_read_from_the_cookie_header(api, memory_store):
    # an unknown session cookie is a credential that is refused, even for an open method
    response = api.client.http.get(
        f"/api?key={KEY}&module=demo&method=hello", headers={"Cookie": "EQSASH_SESSION=" + "A" * 43}
    )
    assert error_of(response) == (401, "unauthenticated")


def test_bytes_result_is_octet_stream_for_a_client_that_accepts_it(api, monkeypatch):
    from chalicelib.services import demo

    monkeypatch.setattr(demo.Service, "echo", lambda self, data, ctx: b"\x00\x01")
    response = api.client.http.get(
        f"/api?key={KEY}&module=demo&method=echo", headers={"Accept": "application/octet-stream"}
    )
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.body == b"\x00\x01"
    assert base64  # imported for the handler test above


@pytest.mark.parametrize(
    ("result", "fmt"),
    [({"a": 1}, "json"), ([1], "json_object"), ("text", None), (b"\x00", None), (None, None)],
)
def test_headers_and_cookies_work_for_every_format(result, fmt):
    from chalicelib.context import Context
    from chalicelib.http.responses import result_response

    ctx = Context(user=None, request_id="r")
    ctx.response_headers["X-Extra"] = "1"
    ctx.set_cookie("c", "v", path="/")
    response = result_response(result, fmt, ctx)
    assert response.headers["X-Extra"] == "1"
    assert response.headers["Set-Cookie"] == ["c=v; Path=/"]


def test_a_result_shaped_like_a_chalice_error_passes_through(api):
    lookalike = {"Code": "InternalServerError", "Message": "my own text"}
    response = api.call("demo", "echo", lookalike)
    assert response.status_code == 200 and json.loads(response.body) == lookalike


def test_a_string_result_shaped_like_a_chalice_error_passes_through_verbatim(api):
    text = '{"Code":"Whatever","Message":"my text"}'
    response = api.call("demo", "echo", text)
    assert (response.status_code, response.body) == (200, text.encode())
