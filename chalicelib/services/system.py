"""system: built-in methods of the gateway itself: discovery and batch calls."""

from __future__ import annotations

from typing import Any

from chalicelib import batch, discovery
from chalicelib.context import Context


class Service:
    api = {
        # Lists exactly the external methods this caller (its key, token or session) may call.
        "methods": {"type": "external", "format": "json"},
        # Up to 50 named calls in one request; each is access-checked on its own.
        "batch": {"type": "external", "format": "json"},
        # An OpenAPI 3.1 document of /api with the module and method values this caller may use.
        "openapi": {"type": "external", "format": "json"},
    }

    def methods(self, data: Any, ctx: Context) -> dict[str, Any]:
        specs = discovery.callable_by(ctx.registry, ctx.user)
        return {"methods": [discovery.describe(spec) for spec in specs]}

    def openapi(self, data: Any, ctx: Context) -> dict[str, Any]:
        from chalicelib.openapi import build_document

        specs = discovery.callable_by(ctx.registry, ctx.user)
        return build_document(specs, ctx.settings.session_name)

    def batch(self, data: Any, ctx: Context) -> dict[str, Any]:
        calls, halt = batch.parse_batch(data)
        return batch.run_batch(calls, halt, ctx).to_body()
