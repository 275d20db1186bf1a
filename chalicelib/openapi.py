"""An OpenAPI 3.1 document of the /api endpoint, listing the module and method values a caller may use."""

from __future__ import annotations

from typing import Any

from chalicelib.declarations import MethodSpec

ERROR_STATUSES = {
    "400": "A missing or malformed parameter or body (bad_request).",
    "401": "A missing or wrong key (invalid_key), a refused or missing credential (unauthenticated), "
    "or a failed login (invalid_credentials).",
    "403": "A valid credential without any of the method's roles (forbidden).",
    "404": "No such module (unknown_module) or external method (unknown_method).",
    "405": "An HTTP verb the endpoint does not serve (method_not_allowed).",
    "413": "A body over the configured limit (payload_too_large).",
    "415": "A POST body of a type the endpoint does not read (unsupported_media_type).",
    "422": "Data a method refuses (invalid_input), or another refusal a method raises itself.",
    "429": "Too many failed logins for one username (too_many_attempts).",
    "500": "A fault on the server side (internal); no trace in the body.",
    "503": "Storage did not answer after bounded retries (unavailable).",
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {
                    "description": "422 invalid_input for data that does not match the method's schema: "
                    "every problem (at most 20), each with a JSON Pointer into data.",
                    "type": "array",
                    "maxItems": 20,
                    "items": {
                        "type": "object",
                        "required": ["path", "message"],
                        "additionalProperties": False,
                        "properties": {"path": {"type": "string"}, "message": {"type": "string"}},
                    },
                },
            },
        }
    },
}
ANY_DATA = {"description": "Any JSON value; the method's input (it declares no schema)."}


def _responses() -> dict[str, Any]:
    success = {
        "description": "The method's result, rendered by its format (json, json_object, or as is).",
        "content": {"application/json": {}, "text/plain": {}, "application/octet-stream": {}},
    }
    errors = {
        status: {
            "description": text,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for status, text in ERROR_STATUSES.items()
    }
    return {"200": success, **errors}


def _call_body(spec: MethodSpec) -> dict[str, Any]:
    """A JSON body calling one method; `data` is its declared schema (OpenAPI 3.1 takes JSON Schema as is)."""
    body: dict[str, Any] = {
        "type": "object",
        "title": f"{spec.module}.{spec.name}",
        "required": ["module", "method"],
        "properties": {
            "module": {"const": spec.module},
            "method": {"const": spec.name},
            "data": ANY_DATA if spec.schema is None else spec.schema.schema,
            "token": {"type": "string"},
        },
    }
    if spec.schema is not None and spec.schema.apply(None)[1]:
        body["required"] = ["module", "method", "data"]  # the schema refuses absent data
    if spec.description:
        body["description"] = spec.description
    return body


def _method_entry(spec: MethodSpec) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": f"{spec.module}.{spec.name}", "format": spec.format}
    if spec.description:
        entry["description"] = spec.description
    if spec.schema is not None:
        entry["data"] = spec.schema.schema
    if spec.returns is not None:
        entry["returns"] = spec.returns.schema  # the answer's body, as its format renders the result
    return entry


def build_document(specs: list[MethodSpec], session_name: str) -> dict[str, Any]:
    """The document for these methods (already filtered to what the caller may call)."""
    modules = sorted({spec.module for spec in specs})
    methods = sorted({spec.name for spec in specs})
    query = [
        {"name": "module", "in": "query", "required": True, "schema": {"type": "string", "enum": modules}},
        {"name": "method", "in": "query", "required": True, "schema": {"type": "string", "enum": methods}},
        {
            "name": "data",
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": "A plain string, or PHP bracket fields (data[a]=1&data[b][]=2).",
        },
        {"name": "token", "in": "query", "required": False, "schema": {"type": "string"}},
    ]
    form = {
        "type": "object",
        "required": ["module", "method"],
        "properties": {
            "module": {"type": "string", "enum": modules},
            "method": {"type": "string", "enum": methods},
            "data": {"type": "string"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "eqsash-api",
            "version": "1",
            "description": "One endpoint runs the external methods of the service modules. "
            "The module and method values listed are those this caller may call.",
        },
        "paths": {
            "/api": {
                "get": {"operationId": "callWithQuery", "parameters": query, "responses": _responses()},
                "post": {
                    "operationId": "callWithBody",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"oneOf": [_call_body(spec) for spec in specs]}},
                            "application/x-www-form-urlencoded": {"schema": form},
                        },
                    },
                    "responses": _responses(),
                },
            }
        },
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {
                "ApiKeyAuth": {"type": "apiKey", "in": "query", "name": "key"},
                "BearerAuth": {"type": "http", "scheme": "bearer"},
                "SessionCookie": {"type": "apiKey", "in": "cookie", "name": session_name},
            },
        },
        "security": [
            {"ApiKeyAuth": []},
            {"ApiKeyAuth": [], "BearerAuth": []},
            {"ApiKeyAuth": [], "SessionCookie": []},
        ],
        "x-eqsash-methods": [_method_entry(spec) for spec in specs],
    }
