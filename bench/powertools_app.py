"""The floor's endpoint on Powertools' `APIGatewayRestResolver`: the warm rows' second baseline.

The same work as bench/floor_app.py (key, module and method from the query, a form or a JSON
body; the key compared in constant time; a dict back), routed and rendered by Powertools.
Powertools is installed for the benchmark only (bench/powertools.py), never a requirement.
"""

from __future__ import annotations

import hmac
import os
from typing import Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

resolver = APIGatewayRestResolver()
_KEY = os.environ.get("API_KEY", "12345").encode()


def _params() -> dict[str, Any]:
    event = resolver.current_event
    params: dict[str, Any] = dict(event.query_string_parameters or {})
    if event.http_method == "POST" and event.body:
        if (event.headers.get("Content-Type") or "").startswith("application/json"):
            params.update(event.json_body)
        else:
            params.update({name: values[-1] for name, values in parse_qs(event.decoded_body).items()})
    return params


@resolver.route("/api", method=["GET", "POST"])  # type: ignore[untyped-decorator]
def api() -> Any:
    params = _params()
    key = params.get("key")
    if not isinstance(key, str) or not hmac.compare_digest(key.encode(), _KEY):
        return Response(status_code=401, content_type="application/json", body={"error": "invalid_key"})
    return {"module": params.get("module"), "method": params.get("method"), "message": "Hello, world!"}


def app(event: dict[str, Any], context: Any) -> dict[str, Any]:
    answer: dict[str, Any] = resolver.resolve(event, context)
    return answer
