"""system: built-in methods of the gateway itself: discovery and batch calls."""

from __future__ import annotations

from typing import Any

from chalicelib import batch, discovery, telemetry
from chalicelib.context import Context

NAME_OR_NULL = {"type": ["string", "null"]}
METHOD = {
    "type": "object",
    "required": ["name", "module", "method", "format", "description", "schema", "returns"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "module": {"type": "string"},
        "method": {"type": "string"},
        "format": {"enum": ["json", "json_object", None]},
        "description": NAME_OR_NULL,
        "schema": {"type": ["object", "boolean", "null"]},
        "returns": {"type": ["object", "boolean", "null"]},
    },
}
BATCH_ERROR = {
    "type": "object",
    "required": ["status", "code", "message"],
    "properties": {"status": {"type": "integer"}, "code": {"type": "string"}, "message": {"type": "string"}},
}


class Service:
    api = {
        "methods": {
            "type": "external",
            "format": "json",
            "description": "The external methods this caller (its key, token or session) may call.",
            "returns": {
                "type": "object",
                "required": ["methods"],
                "properties": {"methods": {"type": "array", "items": METHOD}},
            },
        },
        "batch": {
            "type": "external",
            "format": "json",
            "description": "Up to 50 named calls in one request; each is access-checked on its own.",
            "returns": {
                "type": "object",
                "required": ["results", "errors"],
                "properties": {
                    "results": {"type": "object"},
                    "errors": {"type": "object", "additionalProperties": BATCH_ERROR},
                },
            },
        },
        "openapi": {
            "type": "external",
            "format": "json",
            "description": "An OpenAPI 3.1 document of /api with the methods this caller may use.",
            "returns": {
                "type": "object",
                "required": ["openapi", "info", "paths"],
                "properties": {"openapi": {"const": "3.1.0"}},
            },
        },
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
        telemetry.note_batch(len(calls))
        return batch.run_batch(calls, halt, ctx).to_body()
