"""The internal entry: a Lambda event `{"module", "method", "data", "user"}` made into an internal call.

The function has no HTTP route; only IAM-authorized invokers reach it (an EventBridge schedule,
another function, an operator's `aws lambda invoke`). They are trusted to name the caller:
`user` absent or null is anonymous, `"system"` is chalicelib.api.SYSTEM, and
`{"username", "roles"}` is that user, taken as given (no storage read). The answer is
`{"result": value}`, or `{"error": {"code", "message"}, "status": N}` for a refusal.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from chalicelib import api, runtime
from chalicelib.errors import ApiError, BadRequest, Internal, answer_for
from chalicelib.identity import SYSTEM, User

logger = logging.getLogger(__name__)

EVENT_KEYS = frozenset({"module", "method", "data", "user"})
USER_KEYS = frozenset({"username", "roles"})
SYSTEM_NAME = "system"


def caller_from(value: object) -> User | None:
    """The caller an event names; BadRequest for anything but null, "system" or {username, roles}."""
    if value is None:
        return None
    if value == SYSTEM_NAME:
        return SYSTEM
    if isinstance(value, Mapping) and set(value) <= USER_KEYS:
        username, roles = value.get("username"), value.get("roles", [])
        if (
            isinstance(username, str)
            and username
            and isinstance(roles, list)
            and all(isinstance(role, str) and role for role in roles)
        ):
            return User(username=username, roles=tuple(roles))
    raise BadRequest('user must be null (anonymous), "system", or {"username": "...", "roles": ["..."]}')


def parse_event(event: object) -> tuple[str, str, Any, User | None]:
    """(module, method, data, user) of an event; BadRequest naming what is wrong."""
    if not isinstance(event, Mapping):
        raise BadRequest('the event must be an object {"module", "method", "data", "user"}')
    unknown = sorted(str(key) for key in set(event) - EVENT_KEYS)
    if unknown:
        raise BadRequest(f"unknown event keys: {', '.join(unknown)} (allowed: data, method, module, user)")
    names = []
    for key in ("module", "method"):
        value = event.get(key)
        if not isinstance(value, str) or not value:
            raise BadRequest(f"the event's '{key}' must be a non-empty string")
        names.append(value)
    return names[0], names[1], event.get("data"), caller_from(event.get("user"))


def _json_result(module: str, method: str, result: Any) -> Any:
    """The result as the invoker will read it (a tuple becomes a list); Internal when it is no JSON."""
    try:
        return json.loads(json.dumps(result, allow_nan=False))
    except (TypeError, ValueError):
        raise Internal(
            f"{module}.{method} returned a {type(result).__name__}, which the internal entry "
            "cannot send as JSON"
        ) from None


def _error_answer(error: ApiError) -> dict[str, Any]:
    return {**error.to_body(), "status": error.status}


def handle(event: object, request_id: str = "-") -> dict[str, Any]:
    """Answer one invocation; never raises."""
    target = "?"
    try:
        runtime.settings()  # a misconfigured deployment refuses here as it does on /api
        module, method, data, user = parse_event(event)
        target = f"{module}.{method}"
        result = _json_result(module, method, api.call(module, method, data, user=user))
    except Exception as caught:
        where = f"internal invocation {request_id} of {target}"
        return _error_answer(answer_for(caught, logger, where, refusals_level=logging.INFO))
    caller = "anonymous" if user is None else user.username
    logger.info("internal invocation %s of %s as %s: ok", request_id, target, caller)
    return {"result": result}
