"""The /api endpoint: parse, check the key, look up, authenticate, check access, call, render.

`handle` is the one catch site: every ApiError becomes the contract's error object, any other
exception a logged 500 `internal` with nothing of it in the body.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chalicelib import dispatch, runtime, telemetry
from chalicelib.auth.credentials import credential_from  # every request looks for one; auth stays lazy
from chalicelib.config import Settings
from chalicelib.context import Clock, Context, StoreFactory
from chalicelib.errors import ApiError, BadRequest, Internal, InvalidKey, answer_for
from chalicelib.http.request import ApiRequest, from_event, param_str
from chalicelib.http.responses import error_response, mark_view_answer, result_response
from chalicelib.identity import User
from chalicelib.registry import Registry

if TYPE_CHECKING:
    from chalice.app import Request, Response

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def _key_digests(keys: tuple[str, ...]) -> tuple[bytes, ...]:
    """The configured keys' digests, computed once per key list rather than on every request."""
    return tuple(hashlib.sha256(key.encode()).digest() for key in keys)


def key_matches(given: object, keys: tuple[str, ...]) -> bool:
    """Constant time in the given key and over every configured key (rotation)."""
    if not isinstance(given, str) or not given:
        return False
    given_digest = hashlib.sha256(given.encode("utf-8", "surrogatepass")).digest()
    matched = False
    for key_digest in _key_digests(keys):
        matched |= hmac.compare_digest(given_digest, key_digest)
    return matched


def _required(request: ApiRequest, name: str) -> str:
    value = request.params.get(name)
    if type(value) is str and value:  # most requests: the rest as param_str reads it
        return value
    value = param_str(request.params, name)
    if not value:
        raise BadRequest(f"the parameter '{name}' is required")
    return value


def _caller(
    request: ApiRequest, settings: Settings, store: StoreFactory, clock: Clock
) -> tuple[User | None, Any]:
    """The user behind the request's credential (one storage read), or None when it brings none."""
    credential = credential_from(request, settings.session_name)
    if credential is None:
        return None, None
    from chalicelib.auth.authenticate import authenticate

    telemetry.note_caller(None, credential.kind)  # a refused credential is still reported by kind
    user = authenticate(credential, store(), settings, int(clock()))
    telemetry.note_caller(user, credential.kind)
    return user, credential


def serve(
    request: ApiRequest, settings: Settings, registry: Registry, store: StoreFactory, clock: Clock
) -> Response:
    """Answer a parsed request with what it is given; ApiError for every refusal."""
    if not key_matches(request.params.get("key"), settings.api_keys):
        raise InvalidKey("the API key is missing or wrong")
    module_name, method_name = _required(request, "module"), _required(request, "method")
    try:
        target = dispatch.lookup(registry, module_name, method_name, external_only=True)
    except ApiError:
        telemetry.note_call(module_name, method_name)
        raise
    telemetry.note_found(module_name, method_name, target.operation)
    dispatch.check_verb(target.spec, request.http_method)
    user, credential = _caller(request, settings, store, clock)
    ctx = Context(
        user,
        request.request_id,
        settings=lambda: settings,
        registry=registry,
        store=store,
        clock=clock,
        credential=credential,
        text_data="data" not in request.json_fields,
        http_method=request.http_method,
        client_address=request.client_address,
    )
    result = target.run(request.params.get("data"), ctx, coerce=ctx.text_data)
    return result_response(result, target.spec.format, ctx)


def handle(chalice_request: Request | None) -> Response:
    """Answer one HTTP request; never raises."""
    if chalice_request is None:  # Chalice always sets it for an HTTP event
        return mark_view_answer(error_response(Internal("no request")))
    return handle_event(chalice_request.to_original_event())


def handle_event(event: Mapping[str, Any], lowered_headers: dict[str, str] | None = None) -> Response:
    """Answer one HTTP request from its proxy event (Chalice's path, or the fast path); never raises.

    `lowered_headers`: the event's headers with lower-cased names, when the caller has them.
    """
    return mark_view_answer(_answer(event, lowered_headers))


def _answer(event: Mapping[str, Any], lowered_headers: dict[str, str] | None) -> Response:
    request_id = str((event.get("requestContext") or {}).get("requestId") or "-")
    try:
        settings = runtime.settings()
        request = from_event(event, settings.max_body_bytes, lowered_headers)
        request_id = request.request_id
        return serve(request, settings, runtime.registry(), runtime.store, runtime.clock)
    except Exception as caught:
        return error_response(answer_for(caught, logger, f"request {request_id}"))
