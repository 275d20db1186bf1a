"""The Lambda handler: `/api` answered straight from the proxy event, everything else by Chalice.

Chalice's dispatch costs a request more than the gateway's own work: a `Request` with its
case-insensitive mappings, a handler object and the middleware chain built anew, the route's
content types and the binary types matched with dozens of `str.lower` calls. `GatewayApp`
answers an `/api` event of a verb the route serves (not OPTIONS) itself, doing what Chalice and
the refusals middleware do for that route, in the same order: the view (`gateway.handle_event`),
Chalice's check of the view's headers and of a binary answer against `Accept`, then `finished`
(the contract's shape, CORS, `X-Request-Id`, the request's access and metrics line), and Chalice's own
`Response.to_dict`. Any other event (the preflight, `/console`, an unknown route, an event shaped
otherwise) goes through `Chalice.__call__` as before; `tests/functional/test_fast_path.py` holds
the two paths to the same answers and lines.
"""

from __future__ import annotations

import traceback
from typing import Any

from chalice.app import Chalice, ChaliceError, Response, _matches_content_type
from chalice.app import error_response as chalice_error_response

from chalicelib import gateway, telemetry
from chalicelib.http.refusals import contract_refusals, finished

FAST_ROUTE = "/api"
# The fields Chalice's Request reads with `[]`: an event without one of them is Chalice's to fail on.
_REQUEST_FIELDS = ("multiValueQueryStringParameters", "headers", "pathParameters", "body", "stageVariables")


class _BinaryTypes:
    """`_matches_content_type(value, binary_types)`, remembered per value while the list is unchanged."""

    __slots__ = ("known", "types")

    def __init__(self) -> None:
        self.types: list[str] = []
        self.known: dict[str, bool] = {}

    def match(self, value: Any, types: list[str]) -> bool:
        if type(value) is not str:  # Chalice's own error, whatever it is
            return _matches_content_type(value, types)
        if types != self.types:
            self.types, self.known = list(types), {}
        found = self.known.get(value)
        if found is None:
            found = _matches_content_type(value, types)
            if len(self.known) < 256:  # content types are few; a Response may name any
                self.known[value] = found
        return found


def _header(headers: dict[str, Any], lowered_name: str, default: Any, *, single: bool = False) -> Any:
    """A header as Chalice's CaseInsensitiveMapping reads it: the last name that matches wins.

    `single`: among the single-valued headers only, as `Response.to_dict` reads the content type.
    """
    found = default
    size = len(lowered_name)
    for name, value in headers.items():
        if len(name) == size and name.lower() == lowered_name and not (single and isinstance(value, list)):
            found = value
    return found


class GatewayApp(Chalice):
    """Chalice, with `/api` answered by the fast path (the module docstring says what it does)."""

    def __init__(self, app_name: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(app_name, *args, **kwargs)
        self._fast_methods: frozenset[str] | None = None
        self._binary = _BinaryTypes()

    def __call__(self, event: Any, context: Any) -> dict[str, Any]:
        request_headers = self._recognised(event)
        if request_headers is None:
            return super().__call__(event, context)
        self.lambda_context = context
        self.current_request = None  # no Request is made: the view reads none
        try:
            response = self._answer(event, context, request_headers)
        except Exception:  # what Chalice's outermost handler does with what the middleware raised
            response = self._unhandled()
        types = self.api.binary_types
        content_type = _header(response.headers, "content-type", "", single=True)
        return response.to_dict(types if self._binary.match(content_type, types) else None)

    def _served(self) -> frozenset[str]:
        """The verbs of FAST_ROUTE the fast path answers: those whose route is the plain one it knows."""
        if self._fast_methods is None:
            entries = self.routes.get(FAST_ROUTE, {})
            plain = self.middleware_handlers == [(contract_refusals, "http")]
            self._fast_methods = frozenset(
                method
                for method, entry in entries.items()
                if plain
                and method != "OPTIONS"
                and entry.cors is None
                and not entry.view_args
                and "*/*" in entry.content_types
            )
        return self._fast_methods

    def _recognised(self, event: Any) -> dict[str, Any] | None:
        """The request's headers, lower-cased, when the fast path answers the event; else None."""
        if type(event) is not dict:
            return None
        context = event.get("requestContext")
        if type(context) is not dict or context.get("resourcePath") != FAST_ROUTE:
            return None
        if context.get("httpMethod") not in self._served():
            return None
        for field in _REQUEST_FIELDS:
            if field not in event:
                return None
        headers, query = event["headers"], event["multiValueQueryStringParameters"]
        if not (headers is None or type(headers) is dict) or not (query is None or type(query) is dict):
            return None
        lowered = {name.lower(): value for name, value in headers.items()} if headers else {}
        # Chalice lower-cases these two (its content-type and binary checks): leave it any other value.
        for name in ("content-type", "accept"):
            if not isinstance(lowered.get(name, ""), str):
                return None
        return lowered

    def _answer(self, event: dict[str, Any], context: Any, headers: dict[str, Any]) -> Response:
        request_context = event["requestContext"]
        observation = telemetry.begin_event(
            request_context, context, request_context["httpMethod"], request_context["resourcePath"]
        )
        return finished(observation, headers.get("origin"), lambda: self._view(event, headers))

    def _view(self, event: dict[str, Any], request_headers: dict[str, Any]) -> Response:
        """What Chalice's handler makes of the view's answer: its headers checked, a binary one's Accept."""
        response = gateway.handle_event(event, request_headers)  # lowered once, here
        try:
            for name, value in response.headers.items():
                if "\n" in value:
                    raise ChaliceError(f"Bad value for header '{name}': {value!r}")
        except Exception:
            return self._unhandled()
        types = self.api.binary_types
        content_type = _header(response.headers, "content-type", "application/json")
        if self._binary.match(content_type, types):
            accept = request_headers.get("accept")
            if accept is None or not self._binary.match(accept, types):
                shown = _header(response.headers, "content-type", "")
                return chalice_error_response(
                    error_code="BadRequest",
                    message=(
                        f"Request did not specify an Accept header with {shown}, "
                        f"The response has a Content-Type of {shown}. If a "
                        "response has a binary Content-Type then the request "
                        "must specify an Accept header that matches."
                    ),
                    http_status_code=400,
                    headers=None,
                )
        return response

    def _unhandled(self) -> Response:
        """Chalice's answer to an exception it caught (logged as it logs it)."""
        self.log.error("Caught exception for path %s", FAST_ROUTE, exc_info=True)
        if self.debug:
            return Response(
                body="".join(traceback.format_exc()), headers={"Content-Type": "text/plain"}, status_code=500
            )
        body = {"Code": "InternalServerError", "Message": "An internal server error occurred."}
        return Response(body=body, headers={}, status_code=500)
