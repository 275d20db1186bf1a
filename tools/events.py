"""API Gateway (REST, proxy) events as Lambda receives them: the one builder the tests and bench use.

It imports nothing heavy: the cold-path probe of the tests imports it before the app.
"""

from __future__ import annotations

import base64
from typing import Any


def proxy_event(
    method: str = "GET",
    *,
    query: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | str | None = None,
    base64_body: bool = False,
    path: str = "/api",
    request_id: str = "test-request-id",
) -> dict[str, Any]:
    """An API Gateway (REST, proxy) event as Lambda receives it; `query` maps a name to its values."""
    if isinstance(body, bytes):
        body = base64.b64encode(body).decode() if base64_body else body.decode()
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": headers or {},
        "multiValueHeaders": {name: [value] for name, value in (headers or {}).items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} if query else None,
        "multiValueQueryStringParameters": query,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": method,
            "path": f"/api{path}",
            "requestId": request_id,
            "stage": "api",
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": body,
        "isBase64Encoded": base64_body,
    }
