"""Batch calls: up to MAX_CALLS named calls in one request, each access-checked on its own.

A call's `data` may refer to an earlier call's result: a string that is exactly
`$result[name]` or `$result[name][key][0]...` is replaced by that value; a reference inside a
longer string is replaced by the value's text (scalars only). References see the Python value a
method returned, before its format is applied.

Bounds: one budget of MAX_BATCH_BYTES for the whole batch, spent by what references expand to
(each counts the JSON size of the result it names) and by the answer's results, so a small request
cannot make a huge answer nor make its calls work on huge data: a call's references are counted
before it runs, its result while it is rendered, and a call that would pass the budget is refused
(413) without spending it. Password checks (`users.login`, `users.change_password`) are not
batched: each costs an Argon2 hash.
"""

from __future__ import annotations

import logging
import re
from typing import Any, NamedTuple

from chalicelib import dispatch
from chalicelib.context import Context
from chalicelib.errors import BadRequest, Internal, PayloadTooLarge, answer_for
from chalicelib.http.formats import PastLimit, UnrenderableValue, objectify, render_json

logger = logging.getLogger(__name__)

MAX_CALLS = 50
MAX_BATCH_BYTES = 4 * 1024 * 1024  # expansions and answer together; under Lambda's 6 MB answer limit
NOT_BATCHED = frozenset({("system", "batch"), ("users", "login"), ("users", "change_password")})
_CALL_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_REFERENCE = re.compile(r"\$result\[([A-Za-z0-9_-]{1,64})\]((?:\[[^\[\]]*\])*)")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
_INDEX = re.compile(r"0|[1-9][0-9]{0,8}")
_HALT = {True: True, False: False, "1": True, "0": False, "true": True, "false": False}  # 1 == True
_MISSING = object()


class BatchCall(NamedTuple):
    name: str
    module: str
    method: str
    data: Any


class BatchOutcome:
    """Results and errors by name, the JSON size of each result, and what is left of the budget."""

    __slots__ = ("budget_left", "errors", "raw", "results", "sizes")

    def __init__(self, budget: int = MAX_BATCH_BYTES) -> None:
        self.results: dict[str, Any] = {}  # with each method's format applied, for the answer
        self.raw: dict[str, Any] = {}  # as returned, for references
        self.sizes: dict[str, int] = {}
        self.errors: dict[str, dict[str, Any]] = {}
        self.budget_left = budget

    def spend(self, size: int) -> None:
        if size > self.budget_left:
            raise PayloadTooLarge(_PAST_BUDGET)
        self.budget_left -= size

    def to_body(self) -> dict[str, Any]:
        return {"results": self.results, "errors": self.errors}


_PAST_BUDGET = (
    f"this call would take the batch past its budget of {MAX_BATCH_BYTES} bytes (references and answer)"
)


def _calls_by_name(calls: Any) -> dict[Any, Any]:
    """The calls as an object; a list (as PHP brackets make of names 0..n-1) is named "0", "1", ..."""
    if isinstance(calls, list):
        return {str(index): call for index, call in enumerate(calls)}
    return calls if isinstance(calls, dict) else {}


def parse_batch(data: Any) -> tuple[list[BatchCall], bool]:
    """The calls in order, and whether to halt at the first error; 400 for anything malformed."""
    calls = _calls_by_name(data.get("calls")) if isinstance(data, dict) else {}
    if not calls:
        raise BadRequest('data must be {"calls": {"name": {"module", "method", "data"}, ...}, "halt": false}')
    if len(calls) > MAX_CALLS:
        raise BadRequest(f"a batch holds at most {MAX_CALLS} calls, not {len(calls)}")
    halt = _HALT.get(data.get("halt", False))
    if halt is None:
        raise BadRequest("halt must be true or false (or 1 or 0)")
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
    return parsed, halt


class _Expansion:
    """How much a call's data grows through references, refused past what the budget has left."""

    __slots__ = ("bytes", "outcome")

    def __init__(self, outcome: BatchOutcome) -> None:
        self.outcome = outcome
        self.bytes = 0

    def add(self, size: int) -> None:
        self.bytes += size
        if self.bytes > self.outcome.budget_left:
            raise PayloadTooLarge(_PAST_BUDGET)

    def lookup(self, match: re.Match[str]) -> Any:
        name, path = match[1], match[2]
        value = self.outcome.raw.get(name, _MISSING)
        if value is _MISSING:
            raise BadRequest(f"{match[0]} refers to a call that has no result (yet)")
        self.add(self.outcome.sizes[name])
        return _follow(value, path, match[0])


def _follow(value: Any, path: str, reference: str) -> Any:
    for segment in _SEGMENT.findall(path):
        if isinstance(value, dict) and segment in value:
            value = value[segment]
        elif isinstance(value, list | tuple) and _INDEX.fullmatch(segment) and int(segment) < len(value):
            value = value[int(segment)]
        else:
            raise BadRequest(f"{reference} points at nothing")
    return value


def _as_text(value: Any, reference: str) -> str:
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, str | int | float):
        return str(value)
    if value is None:
        return ""
    raise BadRequest(f"{reference} is not a scalar, so it cannot stand inside a longer string")


def resolve_references(data: Any, outcome: BatchOutcome, expansion: _Expansion | None = None) -> Any:
    """`data` with every `$result[...]` replaced from earlier results."""
    expansion = expansion or _Expansion(outcome)
    if isinstance(data, str):
        whole = _REFERENCE.fullmatch(data)
        if whole is not None:
            return expansion.lookup(whole)
        if "$result[" not in data:
            return data
        return _REFERENCE.sub(lambda match: _as_text(expansion.lookup(match), match[0]), data)
    if isinstance(data, list):
        return [resolve_references(item, outcome, expansion) for item in data]
    if isinstance(data, dict):
        return {key: resolve_references(item, outcome, expansion) for key, item in data.items()}
    return data


def _json_size(value: Any, limit: int) -> int:
    """The size of a result inside the answer, which holds it two levels deep ({"results": {name: ...}});
    PayloadTooLarge as soon as the rendering passes `limit`."""
    if isinstance(value, bytes | bytearray | memoryview):
        raise Internal("a binary result cannot be carried in a batch answer")
    try:
        return len(render_json([[value]], limit=limit + 4)) - 4
    except PastLimit:
        raise PayloadTooLarge(_PAST_BUDGET) from None
    except UnrenderableValue as exc:
        raise Internal("this result cannot be carried in a batch answer") from exc


def _run_one(call: BatchCall, ctx: Context, outcome: BatchOutcome) -> None:
    if (call.module, call.method) in NOT_BATCHED:
        raise BadRequest(f"{call.module}.{call.method} cannot be batched; call it on its own")
    if not outcome.budget_left:
        raise PayloadTooLarge(_PAST_BUDGET)
    # Looked up before the references are resolved, so that an unknown method is 404 whatever its data.
    target = dispatch.lookup(ctx.registry, call.module, call.method, external_only=True)
    dispatch.check_verb(target.spec, ctx.http_method)  # a GET batch runs only what answers GET
    expansion = _Expansion(outcome)
    data = resolve_references(call.data, outcome, expansion)
    outcome.spend(expansion.bytes)  # before the call runs
    value = target.run(data, ctx.child(), coerce=ctx.text_data)
    shaped = objectify(value) if target.spec.format == "json_object" else value
    size = _json_size(shaped, outcome.budget_left)  # refused while it is rendered
    outcome.spend(size)
    outcome.results[call.name], outcome.raw[call.name], outcome.sizes[call.name] = shaped, value, size


def run_batch(calls: list[BatchCall], halt: bool, ctx: Context) -> BatchOutcome:
    """Run the calls in order as ctx's caller, from ctx's registry; errors are collected by name
    (stopping at one if halt)."""
    outcome = BatchOutcome()
    for call in calls:
        try:
            _run_one(call, ctx, outcome)
        except Exception as caught:
            error = answer_for(caught, logger, f"request {ctx.request_id}: batch call '{call.name}'")
            outcome.errors[call.name] = {"status": error.status, **error.to_body()["error"]}
        if halt and call.name in outcome.errors:
            break
    return outcome
