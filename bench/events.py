"""API Gateway (REST, proxy) events, the same for the floor and the gateway."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

KEY = "12345"


def proxy_event(
    method: str = "GET",
    *,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    body: str | None = None,
) -> dict[str, Any]:
    """An event as Lambda receives it from an API Gateway REST API with proxy integration."""
    headers = {"Host": "abc.execute-api.us-east-1.amazonaws.com", "User-Agent": "bench", **(headers or {})}
    return {
        "resource": "/api",
        "path": "/api",
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {name: [value] for name, value in query.items()}
        if query
        else None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/api",
            "httpMethod": method,
            "path": "/api/api",
            "requestId": "bench-request-id",
            "stage": "api",
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": body,
        "isBase64Encoded": False,
    }


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
