"""Chalice's own refusals (405, 415, binary 400, 500) rewritten into the contract's error shape."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib import telemetry
from chalicelib.errors import (
    BadRequest,
    ContractError,
    Internal,
    MethodNotAllowed,
    UnsupportedMediaType,
    answer_for,
)
from chalicelib.http.cors import with_cors
from chalicelib.http.responses import error_response, forget_view_answer, is_view_answer

if TYPE_CHECKING:
    from chalice.app import Request, Response

logger = logging.getLogger(__name__)

_BY_CHALICE_CODE: dict[str, type[ContractError]] = {
    "MethodNotAllowedError": MethodNotAllowed,
    "UnsupportedMediaType": UnsupportedMediaType,
    "BadRequest": BadRequest,
    "BadRequestError": BadRequest,
    "InternalServerError": Internal,
}


def _chalice_error(body: Any) -> tuple[str, str] | None:
    # Only answers Chalice made itself come here (the view's own pass through untouched).
    if isinstance(body, str) and body.startswith("{"):
        try:
            body = json.loads(body)
        except ValueError:
            return None
    if isinstance(body, dict) and set(body) == {"Code", "Message"}:
        return str(body["Code"]), str(body["Message"])
    return None


def translated(response: Response) -> Response:
    """The same refusal in the contract's shape, or the response itself when it is not one."""
    found = _chalice_error(response.body) if response.status_code >= 400 else None
    if found is None:
        return response
    code, message = found
    error_class: type[ContractError] = _BY_CHALICE_CODE.get(
        code, Internal if response.status_code >= 500 else BadRequest
    )
    if error_class is Internal:
        message = "internal error"
    elif error_class is UnsupportedMediaType:
        message = "the endpoint does not read that content type"
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-type"}
    return error_response(error_class(message), headers)


def contract_refusals(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """Chalice http middleware, the only one: it sees every answer, Chalice's early refusals included.

    Chalice's own refusals take the contract's shape, then every answer gets its CORS headers and
    its `X-Request-Id`, and leaves its line, access and metrics (one middleware for all of it: each
    layer costs every request a few function calls).
    """
    return finished(telemetry.begin(event), event.headers.get("origin"), lambda: get_response(event))


def finished(
    observation: telemetry.Observation, origin: str | None, get_response: Callable[[], Response]
) -> Response:
    """What the middleware does around an answer, for Chalice's path and the fast path (`http/entry.py`)."""
    forget_view_answer()
    try:
        response = get_response()
        if not is_view_answer(response):
            response = translated(response)
    except Exception as caught:
        response = error_response(
            answer_for(caught, logger, f"request {observation.request_id}, around the view")
        )
    with_cors(response, origin)
    response.headers[telemetry.REQUEST_ID_HEADER] = observation.request_id
    telemetry.finish(observation, response.status_code)
    return response
