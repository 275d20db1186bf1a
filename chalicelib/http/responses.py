"""HTTP answers: a method's result rendered by its format, and the contract's error object."""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from chalice.app import Response

from chalicelib import telemetry
from chalicelib.context import Context
from chalicelib.declarations import Format
from chalicelib.errors import ApiError, Internal
from chalicelib.http.formats import UnrenderableValue, render_json, render_json_object

logger = logging.getLogger(__name__)

JSON = "application/json"
TEXT = "text/plain; charset=utf-8"
BINARY = "application/octet-stream"


# The answer the /api view gave for the request being served, so that what wraps the view can tell
# it from an answer Chalice made itself (a refusal before the view ran, or one that replaced it).
_view_answer: ContextVar[Response | None] = ContextVar("eqsash_view_answer", default=None)


def mark_view_answer(response: Response) -> Response:
    _view_answer.set(response)
    return response


def is_view_answer(response: Response) -> bool:
    return _view_answer.get() is response


def forget_view_answer() -> None:
    _view_answer.set(None)


def error_response(error: ApiError, headers: dict[str, Any] | None = None) -> Response:
    if not 400 <= error.status <= 599:  # a method raised ApiError with a status that is no error
        logger.error("an ApiError with status %s answered as 500 internal", error.status)
        error = Internal("internal error")
    telemetry.note_error_code(error.code)
    body = render_json(error.to_body())
    return Response(
        body=body,
        status_code=error.status,
        headers={**error.HEADERS, **(headers or {}), "Content-Type": JSON},
    )


def _body_and_type(result: Any, fmt: Format | None) -> tuple[str | bytes, str]:
    if fmt == "json":
        return render_json(result), JSON
    if fmt == "json_object":
        return render_json_object(result), JSON
    if isinstance(result, str):
        return result, TEXT
    if isinstance(result, bytes | bytearray | memoryview):
        return bytes(result), BINARY
    if result is None:
        return "", TEXT
    return render_json(result), JSON


def _checked_headers(headers: dict[str, str]) -> dict[str, str]:
    """The headers a method added, each an HTTP token name and a printable ASCII value; else 500."""
    import re  # compiled on first use (re's cache): most methods add no header

    for name, value in headers.items():
        if not (isinstance(name, str) and re.fullmatch(_HEADER_NAME, name)):
            raise Internal(
                f"a method set a response header whose name is not an HTTP token: {str(name)[:40]!r}"
            )
        if not (isinstance(value, str) and re.fullmatch(_HEADER_VALUE, value)):
            raise Internal(
                f"a method set the response header {name!r} to a value that is not printable ASCII"
            )
    return headers


_HEADER_NAME = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_HEADER_VALUE = r"[\t\x20-\x7e]*"


def result_response(result: Any, fmt: Format | None, ctx: Context) -> Response:
    """The 200 answer for a method's result, with the headers and cookies the method added.

    A `chalice.Response` passes through; headers the method added through ctx fill in only
    what the Response does not set itself.
    """
    extra: dict[str, Any] = {}
    if ctx.response_headers or ctx.cookies:  # most methods add neither
        extra.update(_checked_headers(ctx.response_headers))
        if ctx.cookies:
            extra["Set-Cookie"] = list(ctx.cookies)
    if isinstance(result, Response):
        for name, value in extra.items():
            result.headers.setdefault(name, value)
        return result
    try:
        body, content_type = _body_and_type(result, fmt)
    except UnrenderableValue as exc:
        raise Internal("the method's result cannot be rendered") from exc
    if extra and any(name.lower() == "content-type" for name in extra):
        return Response(body=body, status_code=200, headers=extra)
    return Response(body=body, status_code=200, headers={"Content-Type": content_type, **extra})
