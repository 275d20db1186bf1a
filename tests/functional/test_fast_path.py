"""The fast path for /api (chalicelib/http/entry.py) answers as Chalice's own dispatch does.

Each request goes once through `GatewayApp.__call__` and once through `Chalice.__call__` (the route,
the refusals middleware): the proxy answers must be equal, and so must the access and metrics
lines and the other log records, but for durations and timestamps.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.app import Chalice, Response

from chalicelib.services import demo
from tests.conftest import KEY
from tests.events import proxy_event

ORIGIN = "https://app.example.com"
PNG = b"\x89PNG\r\n\x1a\n\x00\xff"


def query(**params: str) -> dict[str, list[str]]:
    return {name: [value] for name, value in {"key": KEY, **params}.items()}


def get(headers: dict[str, str] | None = None, **params: str) -> dict[str, Any]:
    return proxy_event(query=query(**params), headers=headers)


def post(content_type: str, body: bytes | str, **kwargs: Any) -> dict[str, Any]:
    return proxy_event("POST", headers={"Content-Type": content_type}, body=body, **kwargs)


def multipart(fields: dict[str, str]) -> dict[str, Any]:
    parts = "".join(
        f'--XyZ\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    )
    return post("multipart/form-data; boundary=XyZ", parts + "--XyZ--\r\n")


REQUESTS: dict[str, Callable[[], dict[str, Any]]] = {
    "get": lambda: get(module="demo", method="hello"),
    "get with data": lambda: get(module="demo", method="hello", data="Ann"),
    "form": lambda: post(
        "application/x-www-form-urlencoded",
        urlencode({"key": KEY, "module": "demo", "method": "check_age", "data[age]": "30"}),
    ),
    "json": lambda: post(
        "application/json", json.dumps({"key": KEY, "module": "demo", "method": "echo", "data": [1, "a"]})
    ),
    "multipart": lambda: multipart({"key": KEY, "module": "demo", "method": "echo", "data": "text"}),
    "base64 body": lambda: post(
        "application/json",
        json.dumps({"key": KEY, "module": "demo", "method": "hello"}).encode(),
        base64_body=True,
    ),
    "cookie and headers": lambda: get(module="demo", method="greet_with_cookie"),
    "wrong key": lambda: proxy_event(query={"key": ["nope"], "module": ["demo"], "method": ["hello"]}),
    "no key": proxy_event,
    "missing method": lambda: get(module="demo"),
    "unknown module": lambda: get(module="nothing", method="hello"),
    "unknown method": lambda: get(module="demo", method="nothing"),
    "internal method": lambda: get(module="demo", method="remember"),
    "unauthenticated": lambda: get(module="demo", method="whoami"),
    "bad token": lambda: get(module="demo", method="hello", token="not-a-token"),
    "invalid input": lambda: get(module="demo", method="check_age", **{"data[age]": "x"}),
    "malformed json": lambda: post("application/json", "{nope"),
    "unread content type": lambda: post("text/csv", "a,b"),
    "no content type": lambda: proxy_event("POST", body="key=1"),
    "bad base64": lambda: post("application/json", "%%%", base64_body=True),
    "too large": lambda: post("application/json", json.dumps({"key": KEY, "pad": "x" * 2_000_000})),
    "PUT": lambda: proxy_event("PUT", query=query(module="demo", method="hello")),
    "DELETE": lambda: proxy_event("DELETE"),
    "HEAD": lambda: proxy_event("HEAD", query=query(module="demo", method="hello")),
    "listed origin": lambda: get({"Origin": ORIGIN}, module="demo", method="hello"),
    "listed origin, lower-case name": lambda: get({"origin": ORIGIN}, module="demo", method="nothing"),
    "other origin": lambda: get({"Origin": "https://evil.example"}, module="demo", method="hello"),
    "no request id": lambda: (
        get(module="demo", method="hello") | {"requestContext": {"resourcePath": "/api", "httpMethod": "GET"}}
    ),
    "preflight (Chalice's)": lambda: proxy_event("OPTIONS", headers={"Origin": ORIGIN}),
    "console (Chalice's)": lambda: proxy_event(path="/console"),
}


def _patched(monkeypatch: pytest.MonkeyPatch, result: Callable[[], Any]) -> None:
    monkeypatch.setattr(demo.Service, "echo", lambda self, data, ctx: result())


def _raise() -> Any:
    raise RuntimeError("boom")


ECHOED: dict[str, tuple[Callable[[], Any], dict[str, str]]] = {
    "binary without Accept": (lambda: PNG, {}),
    "binary with Accept": (lambda: PNG, {"Accept": "application/octet-stream"}),
    "binary, Accept of another type": (lambda: PNG, {"Accept": "text/html, image/png;q=0.9"}),
    "text with Accept": (lambda: "plain", {"Accept": "application/octet-stream"}),
    "a Response passing through": (
        lambda: Response(body={"made": True}, status_code=201, headers={"X-Mine": "1", "Vary": "Accept"}),
        {"Origin": ORIGIN},
    ),
    "a binary Response with Accept": (
        lambda: Response(body=PNG, headers={"content-type": "image/png"}),
        {"Accept": "image/png"},
    ),
    "a Response with a newline in a header": (
        lambda: Response(body="x", headers={"X-Bad": "a\nb"}),
        {},
    ),
    "a Response with a multi-valued header": (
        lambda: Response(body="x", headers={"Set-Cookie": ["a=1", "b=2"], "Content-Type": "text/plain"}),
        {},
    ),
    "a method that raises": (_raise, {"Origin": ORIGIN}),
}


def _normalised(line: dict[str, Any]) -> dict[str, Any]:
    line = dict(line)
    for name in ("duration_ms", "timestamp", "Duration", "cold_start"):  # cold: whichever runs first
        line.pop(name, None)
    if "_aws" in line:
        line["_aws"] = {**line["_aws"], "Timestamp": 0}
    return line


def _both_ways(app: Any, make_event: Callable[[], dict[str, Any]], operator_lines: Any, caplog: Any) -> None:
    answers, lines, records = [], [], []
    for handler in (type(app).__call__, Chalice.__call__):
        operator_lines.raw.clear()
        caplog.clear()
        answers.append(handler(app, make_event(), None))
        lines.append([_normalised(json.loads(line)) for line in operator_lines.raw])
        records.append(
            [(r.name, r.levelno, r.getMessage(), getattr(r, "request_id", None)) for r in caplog.records]
        )
    fast, chalice = answers
    if not make_event()["requestContext"].get("requestId"):  # a new one each time: compare the rest
        for answer in answers:
            answer["headers"].pop("X-Request-Id")
        lines = [[{k: v for k, v in line.items() if k != "request_id"} for line in found] for found in lines]
        records = [[record[:3] for record in found] for found in records]
    assert fast == chalice
    assert lines[0] == lines[1] and len(lines[0]) == 1
    assert records[0] == records[1]


@pytest.fixture
def cors(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib import runtime

    monkeypatch.setenv("CORS_ORIGINS", ORIGIN)
    monkeypatch.setenv("CONSOLE", "on")
    runtime.reset()


@pytest.mark.parametrize("name", REQUESTS)
def test_the_fast_path_answers_as_chalice_does(app, operator_lines, caplog, cors, name):
    caplog.set_level(logging.INFO)
    _both_ways(app, REQUESTS[name], operator_lines, caplog)


@pytest.mark.usefixtures("cors")
@pytest.mark.parametrize("name", ECHOED)
def test_a_methods_own_answers_leave_the_fast_path_as_chalices(
    app, operator_lines, caplog, monkeypatch, name
):
    result, headers = ECHOED[name]
    _patched(monkeypatch, result)
    caplog.set_level(logging.INFO)
    _both_ways(app, lambda: get(headers, module="demo", method="echo"), operator_lines, caplog)


def test_a_binary_answer_without_accept_is_the_contracts_bad_request(app, cors, monkeypatch):
    _patched(monkeypatch, lambda: PNG)
    refused = app(get(module="demo", method="echo"), None)
    assert refused["statusCode"] == 400 and json.loads(refused["body"])["error"]["code"] == "bad_request"
    accepted = app(get({"Accept": "application/octet-stream"}, module="demo", method="echo"), None)
    assert accepted["isBase64Encoded"] is True and base64.b64decode(accepted["body"]) == PNG


def test_events_the_fast_path_does_not_know_go_through_chalice(app, monkeypatch):
    from chalicelib import gateway

    seen: list[Any] = []
    monkeypatch.setattr(gateway, "handle", lambda request: seen.append(request) or Response(body=""))
    event = get(module="demo", method="hello")
    del event["stageVariables"]  # Chalice's Request needs it: Chalice fails on such an event
    with pytest.raises(KeyError):
        app(event, None)
    app(proxy_event("OPTIONS"), None)
    assert seen == []
    weird = get({"Content-Type": 7}, module="demo", method="hello")  # type: ignore[dict-item]
    assert app(weird, None) == Chalice.__call__(app, weird, None)


def test_an_api_event_skips_chalices_dispatch_and_the_view(app, monkeypatch):
    from chalicelib import gateway

    monkeypatch.setattr(gateway, "handle", lambda request: pytest.fail("the view ran"))
    assert app(get(module="demo", method="hello"), None)["statusCode"] == 200
