"""CORS for browser callers (DESIGN section 9): the exact origins listed are echoed, on every answer.

One http middleware adds the headers to whatever answer leaves the app (successes, the contract's
errors, Chalice's own refusals once rewritten, 500s), and `preflight` answers `OPTIONS /api`.
Chalice's built-in `cors=` is not used: it can name one origin only, never echo one of several.
"""

from __future__ import annotations

import logging
import os
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

from chalicelib import runtime
from chalicelib.config import parse_cors_origins
from chalicelib.errors import ALLOW, SERVED_VERBS, ConfigError

if TYPE_CHECKING:
    from chalice.app import Request, Response

logger = logging.getLogger(__name__)

ALLOW_METHODS = ", ".join(SERVED_VERBS)
ALLOW_HEADERS = "Content-Type, Authorization"
# Browsers cache a preflight this long (Chromium caps it at 7200); short, so a changed list shows soon.
MAX_AGE_SECONDS = "600"


def allowed_origin(origin: str | None, allowed: tuple[str, ...]) -> str | None:
    """The request's origin when it is exactly one of those listed, else None."""
    return origin if origin and origin in allowed else None


def _add_vary_origin(headers: MutableMapping[str, Any]) -> None:
    name = next((name for name in headers if name.lower() == "vary"), None)
    if name is None:
        headers["Vary"] = "Origin"
        return
    tokens = [token.strip().lower() for token in str(headers[name]).split(",")]
    if "origin" not in tokens and "*" not in tokens:
        headers[name] = f"{headers[name]}, Origin"


def apply(headers: MutableMapping[str, Any], origin: str | None, allowed: tuple[str, ...]) -> None:
    """Set an answer's CORS headers in place.

    Wherever origins are listed, every answer varies by Origin (`Vary: Origin`), so that a cache
    never hands one origin's answer to another. A listed origin gets itself echoed with credentials
    (replacing whatever a method set for those two); other Access-Control headers a method set, such
    as `Access-Control-Expose-Headers`, pass. Any other origin gets no Access-Control header at all.
    """
    echoed = allowed_origin(origin, allowed)
    owned = ("access-control-allow-origin", "access-control-allow-credentials")
    for name in list(headers):
        lowered = name.lower()
        if lowered.startswith("access-control-") and (echoed is None or lowered in owned):
            del headers[name]
    if not allowed:
        return
    _add_vary_origin(headers)
    if echoed is not None:
        headers["Access-Control-Allow-Origin"] = echoed
        headers["Access-Control-Allow-Credentials"] = "true"


def preflight_headers(origin: str | None, allowed: tuple[str, ...]) -> dict[str, str]:
    """What a preflight answers besides `apply`'s headers: the methods and headers, for a listed origin."""
    headers = {"Allow": ALLOW}
    if allowed_origin(origin, allowed) is not None:
        headers.update(
            {
                "Access-Control-Allow-Methods": ALLOW_METHODS,
                "Access-Control-Allow-Headers": ALLOW_HEADERS,
                "Access-Control-Max-Age": MAX_AGE_SECONDS,
            }
        )
    return headers


def _allowed_origins() -> tuple[str, ...]:
    """The configured origins; while other settings are broken, CORS_ORIGINS alone, so the 500 reads."""
    try:
        return runtime.settings().cors_origins
    except ConfigError:
        try:
            return parse_cors_origins(os.environ.get("CORS_ORIGINS", ""))
        except ConfigError:
            return ()


def preflight(request: Request | None) -> Response:
    """`OPTIONS /api`: 204, with the allowed methods and headers when the origin is listed.

    An origin that is not listed gets the same 204 without any CORS header, so the browser refuses
    the call itself; no key is needed, as a browser sends none with a preflight.
    """
    from chalice.app import Response

    origin = request.headers.get("origin") if request is not None else None
    headers: dict[str, str | list[str]] = dict(preflight_headers(origin, _allowed_origins()))
    return Response(body="", status_code=204, headers=headers)


def with_cors(response: Response, origin: str | None) -> None:
    """Add the CORS headers an answer needs (the refusals middleware calls it for every answer)."""
    try:
        apply(response.headers, origin, _allowed_origins())
    except Exception:  # never turn an answer into a failure over its CORS headers
        logger.exception("could not add the CORS headers")
