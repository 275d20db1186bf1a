"""API Gateway (REST, proxy) events, the same for the floor and the gateway."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from tools import events

KEY = "12345"


def proxy_event(
    method: str = "GET",
    *,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    body: str | None = None,
) -> dict[str, Any]:
    """An event with one value a query field, and the headers a real client sends."""
    headers = {"Host": "abc.execute-api.us-east-1.amazonaws.com", "User-Agent": "bench", **(headers or {})}
    return events.proxy_event(
        method,
        query={name: [value] for name, value in query.items()} if query else None,
        headers=headers,
        body=body,
        request_id="bench-request-id",
    )


def public_get() -> dict[str, Any]:
    return proxy_event(query={"key": KEY, "module": "greeting", "method": "say_hello"})


def post_form() -> dict[str, Any]:
    body = urlencode({"key": KEY, "module": "greeting", "method": "say_hello", "data[name]": "Ann"})
    return proxy_event("POST", headers={"Content-Type": "application/x-www-form-urlencoded"}, body=body)


def post_json() -> dict[str, Any]:
    body = json.dumps({"key": KEY, "module": "greeting", "method": "say_hello", "data": {"name": "Ann"}})
    return proxy_event("POST", headers={"Content-Type": "application/json"}, body=body)


def token_get(token: str) -> dict[str, Any]:
    return proxy_event(query={"key": KEY, "module": "users", "method": "me", "token": token})


def session_get(session: str, session_name: str = "EQSASH_SESSION") -> dict[str, Any]:
    return proxy_event(
        query={"key": KEY, "module": "users", "method": "me"},
        headers={"Cookie": f"{session_name}={session}"},
    )
