"""Batch calls: up to MAX_CALLS named calls in one request, each access-checked on its own.

A call's `data` may refer to an earlier call's result: a string that is exactly
`$result[name]` or `$result[name][key][0]...` is replaced by that value; a reference inside a
longer string is replaced by the value's text (scalars only). References see the Python value a
method returned, before its format is applied.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from chalicelib import dispatch
from chalicelib.context import Context
from chalicelib.errors import ApiError, BadRequest, Internal
from chalicelib.formats import UnrenderableValue, render_json
from chalicelib.registry import Registry

logger = logging.getLogger(__name__)

MAX_CALLS = 50
BATCH_METHOD = ("system", "batch")
_CALL_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_REFERENCE = re.compile(r"\$result\[([A-Za-z0-9_-]{1,64})\]((?:\[[^\[\]]*\])*)")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
_MISSING = object()


@dataclass(frozen=True, slots=True)
class BatchCall:
    name: str
    module: str
    method: str
    data: Any


@dataclass(slots=True)
class BatchOutcome:
    results: dict[str, Any] = field(default_factory=dict)  # rendered shape, for the answer
    raw: dict[str, Any] = field(default_factory=dict)  # as returned, for references
    errors: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_body(self) -> dict[str, Any]:
        return {"results": self.results, "errors": self.errors}


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "on", "yes")


def parse_batch(data: Any) -> tuple[list[BatchCall], bool]:
    """The calls in order, and whether to halt at the first error; 400 for anything malformed."""
    if not isinstance(data, dict) or not isinstance(data.get("calls"), dict) or not data["calls"]:
        raise BadRequest('data must be {"calls": {"name": {"module", "method", "data"}, ...}, "halt": false}')
    calls = data["calls"]
    if len(calls) > MAX_CALLS:
        raise BadRequest(f"a batch holds at most {MAX_CALLS} calls, not {len(calls)}")
    parsed = []
    for name, call in calls.items():
        if not isinstance(name, str) or _CALL_NAME.fullmatch(name) is None:
            raise BadRequest(f"call name {name!r} must be 1 to 64 letters, digits, _ or -")
        if (
            not isinstance(call, dict)
            or not isinstance(call.get("module"), str)
            or not isinstance(call.get("method"), str)
        ):
            raise BadRequest(f"call '{name}' must be an object with string module and method")
        parsed.append(BatchCall(name, call["module"], call["method"], call.get("data")))
    return parsed, _truthy(data.get("halt", False))


def _follow(value: Any, path: str, reference: str) -> Any:
    for segment in _SEGMENT.findall(path):
        if isinstance(value, dict) and segment in value:
            value = value[segment]
        elif isinstance(value, list | tuple) and segment.isdigit() and int(segment) < len(value):
            value = value[int(segment)]
        else:
            raise BadRequest(f"{reference} points at nothing")
    return value


def _lookup(match: re.Match[str], outcome: BatchOutcome) -> Any:
    name, path = match[1], match[2]
    value = outcome.raw.get(name, _MISSING)
    if value is _MISSING:
        raise BadRequest(f"{match[0]} refers to a call that has no result (yet)")
    return _follow(value, path, match[0])


def _as_text(value: Any, reference: str) -> str:
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, str | int | float):
        return str(value)
    if value is None:
        return ""
    raise BadRequest(f"{reference} is not a scalar, so it cannot stand inside a longer string")


def resolve_references(data: Any, outcome: BatchOutcome) -> Any:
    """`data` with every `$result[...]` replaced from earlier results."""
    if isinstance(data, str):
        whole = _REFERENCE.fullmatch(data)
        if whole is not None:
            return _lookup(whole, outcome)
        if "$result[" not in data:
            return data
        return _REFERENCE.sub(lambda match: _as_text(_lookup(match, outcome), match[0]), data)
    if isinstance(data, list):
        return [resolve_references(item, outcome) for item in data]
    if isinstance(data, dict):
        return {key: resolve_references(item, outcome) for key, item in data.items()}
    return data


def _force_object(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return {str(index): _force_object(item) for index, item in enumerate(value)}
    if isinstance(value, dict):
        return {key: _force_object(item) for key, item in value.items()}
    return value


def _shaped(value: Any, fmt: str | None) -> Any:
    """The result as the batch answer holds it: its format applied, checked to be renderable."""
    if isinstance(value, bytes | bytearray | memoryview) or not _renderable(value):
        raise Internal("this result cannot be carried in a batch answer")
    return _force_object(value) if fmt == "json_object" else value


def _renderable(value: Any) -> bool:
    try:
        render_json(value)
    except UnrenderableValue:
        return False
    return True


def _run_one(call: BatchCall, registry: Registry, ctx: Context, outcome: BatchOutcome) -> None:
    if (call.module, call.method) == BATCH_METHOD:
        raise BadRequest("a batch cannot contain a batch")
    service_module, spec = dispatch.lookup(registry, call.module, call.method, external_only=True)
    data = resolve_references(call.data, outcome)
    value = dispatch.run(service_module, spec, data, ctx.child())
    outcome.results[call.name] = _shaped(value, spec.format)
    outcome.raw[call.name] = value


def run_batch(calls: list[BatchCall], halt: bool, registry: Registry, ctx: Context) -> BatchOutcome:
    """Run the calls in order as ctx's caller; errors are collected by name (stopping at one if halt)."""
    outcome = BatchOutcome()
    for call in calls:
        try:
            _run_one(call, registry, ctx, outcome)
        except ApiError as error:
            outcome.errors[call.name] = {"status": error.status, **error.to_body()["error"]}
        except Exception:
            logger.exception("request %s: batch call '%s' raised", ctx.request_id, call.name)
            outcome.errors[call.name] = {"status": 500, "code": "internal", "message": "internal error"}
        if halt and call.name in outcome.errors:
            break
    return outcome
