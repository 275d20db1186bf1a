"""The floor: the least a Chalice app with the gateway's endpoint shape can do.

It reads `key`, `module` and `method` from the query, a form body or a JSON body, compares the key
in constant time, and returns a dict. When the request carries a token it reads the token's item
once (a boto3 DynamoDB client made on first use), so a cold token request of the floor does the
same storage work as the gateway's; without a token it never imports boto3.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from typing import Any
from urllib.parse import parse_qs

from chalice.app import Chalice, Response

app = Chalice(app_name="floor")
_KEY = os.environ.get("API_KEY", "12345").encode()


def _params() -> dict[str, Any]:
    request = app.current_request
    assert request is not None
    params: dict[str, Any] = dict(request.query_params or {})
    body = request.raw_body
    if request.method == "POST" and body:
        if request.headers.get("content-type", "").startswith("application/json"):
            params.update(json.loads(body))
        else:
            text = body.decode() if isinstance(body, bytes) else body
            params.update({name: values[-1] for name, values in parse_qs(text).items()})
    return params


_client: list[Any] = []  # the DynamoDB client, made on the first token


def storage_client() -> Any:
    if not _client:
        import boto3

        _client.append(boto3.client("dynamodb"))
    return _client[0]


def use_storage_client(client: Any) -> None:
    """Put another client (a stub) in place of boto3's."""
    _client[:] = [client]


def _read_token(token: str) -> bool:
    digest = hashlib.sha256(token.encode()).hexdigest()
    item = (
        storage_client()
        .get_item(
            TableName=os.environ["TABLE_NAME"], Key={"pk": {"S": f"token#{digest}"}}, ConsistentRead=True
        )
        .get("Item")
    )
    return item is not None


@app.route("/api", methods=["GET", "POST"], content_types=["*/*"])
def api() -> object:
    params = _params()
    key = params.get("key")
    if not isinstance(key, str) or not hmac.compare_digest(key.encode(), _KEY):
        return Response(body={"error": "invalid_key"}, status_code=401)
    token = params.get("token")
    if isinstance(token, str) and token and not _read_token(token):
        return Response(body={"error": "unauthenticated"}, status_code=401)
    return {"module": params.get("module"), "method": params.get("method"), "message": "Hello, world!"}
