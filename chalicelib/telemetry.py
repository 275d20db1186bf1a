"""What each HTTP request leaves for the operator: its id, and one line with its access fields and metrics.

The http middleware (`http/refusals.py`) sees every answer: it begins an `Observation` before the
view runs and finishes it with the answer. On the way, the gateway notes the method and the caller,
`system.batch` its call count, storage its failures and login its lockouts, each on the current
observation (a context variable: one per request, also under `make run`'s threads). Nothing here
holds a credential: the caller is a username and the kind of credential it came with.

The line is the access line at INFO, ending with the request's EMF members (metrics.members), so
that one write to standard output serves the log and the metrics; when INFO is off (LOG_LEVEL
WARNING or above) it is the EMF members alone, since metrics do not depend on the log level.
"""

from __future__ import annotations

import json
import logging
import os
import time
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from chalicelib import logs, metrics
from chalicelib.names import shown

if TYPE_CHECKING:
    from chalice.app import Request

    from chalicelib.identity import User

REQUEST_ID_HEADER = "X-Request-Id"
_access = logs.access_logger()


class Observation:
    """One request as the access line and the metrics report it."""

    __slots__ = (
        "batch_calls",
        "code",
        "cold_start",
        "counts",
        "credential",
        "locked_out",
        "method",
        "module",
        "operation",
        "path",
        "request_id",
        "source_ip",
        "started",
        "user",
        "verb",
    )

    def __init__(
        self, request_id: str, verb: str, path: str, source_ip: str | None, cold_start: bool
    ) -> None:
        self.started = time.perf_counter()
        self.request_id = request_id
        self.verb = verb
        self.path = path
        self.source_ip = source_ip
        self.cold_start = cold_start
        self.module: str | None = None
        self.method: str | None = None
        self.operation = metrics.NO_METHOD  # module.method once a lookup found it: the metrics' dimension
        self.user: str | None = None
        self.credential = "none"
        self.code: str | None = None
        self.batch_calls: int | None = None
        self.counts: dict[str, int] = {}
        self.locked_out: str | None = None  # the username a login was refused for, too many failures

    def fields(self, status: int, duration_ms: float) -> dict[str, Any]:
        """The access line's fields; `request_id` comes with every record (logs). `access_text` writes
        them from a template; this dict is what the test holds that template to."""
        return {
            "module": self.module,
            "method": self.method,
            "status": status,
            "code": self.code,
            "duration_ms": duration_ms,
            "user": self.user,
            "cold_start": self.cold_start,
            "credential": self.credential,
            "batch_calls": self.batch_calls,
            "verb": self.verb,
            "path": self.path,
            "source_ip": self.source_ip,
            "storage_errors": self.counts.get(metrics.STORAGE_ERRORS, 0),
            **({"locked_out": self.locked_out} if self.locked_out is not None else {}),
        }


_current: ContextVar[Observation | None] = logs.REQUEST  # one variable: its request_id is on every record
_process = {"cold": True}  # until the first request of this process


def _new_request_id(context: dict[str, Any], lambda_context: Any) -> str:
    """The Lambda invocation's id (chalice local makes one), else a random one, written into the
    event's requestContext, so that whatever reads the request's id later (the gateway) reads this one."""
    found = getattr(lambda_context, "aws_request_id", None)
    made = found if isinstance(found, str) and found else os.urandom(16).hex()
    context["requestId"] = made
    return made


def begin(request: Request) -> Observation:
    """The observation of a request the middleware is about to answer, made current."""
    return begin_event(request.context, request.lambda_context, request.method, request.path)


def begin_event(context: dict[str, Any], lambda_context: Any, verb: str, path: str) -> Observation:
    """`begin` from the event's fields: its requestContext, the Lambda context, the verb, the resource path.

    Its id is API Gateway's (`requestContext.requestId`), else a new one (`_new_request_id`).
    """
    cold, _process["cold"] = _process["cold"], False
    request_id = context.get("requestId") or _new_request_id(context, lambda_context)
    identity = context.get("identity")
    source_ip = identity.get("sourceIp") if type(identity) is dict else None
    # What an event holds is any JSON value: the line's template takes text or None only.
    observation = Observation(
        str(request_id), _text_or_none(verb), _text_or_none(path), _text_or_none(source_ip), cold
    )
    _current.set(observation)
    return observation


def _text_or_none(value: Any) -> Any:
    return value if value is None or type(value) is str else str(value)


def note_call(module: str, method: str) -> None:
    """The names a request asked for that name no method, clipped as error messages quote them."""
    observation = _current.get()
    if observation is not None:
        observation.module, observation.method = shown(module), shown(method)


def note_found(module: str, method: str, operation: str) -> None:
    """The names asked for are an external method: `operation` (`module.method`) is the metrics' dimension."""
    observation = _current.get()
    if observation is not None:
        observation.module, observation.method, observation.operation = module, method, operation


def note_caller(user: User | None, credential_kind: str | None) -> None:
    observation = _current.get()
    if observation is not None:
        observation.user = None if user is None else user.username
        observation.credential = credential_kind or "none"


def note_error_code(code: str) -> None:
    observation = _current.get()
    if observation is not None:
        observation.code = code


def note_batch(calls: int) -> None:
    observation = _current.get()
    if observation is not None and observation.batch_calls is None:  # the outer batch's, not a nested one
        observation.batch_calls = calls


def count(metric: str) -> None:
    """One more of an event metric (metrics.STORAGE_ERRORS, metrics.LOCKOUTS) for this request."""
    observation = _current.get()
    if observation is not None:
        observation.counts[metric] = observation.counts.get(metric, 0) + 1


def lockout(username: str) -> None:
    """A login refused for too many failures: counted, and the username named in the access line."""
    count(metrics.LOCKOUTS)
    observation = _current.get()
    if observation is not None:
        observation.locked_out = shown(username)


_string = json.encoder.encode_basestring_ascii  # what the C encoder writes for a str


def _text(value: str | None) -> str:
    return "null" if value is None else _string(value)


def access_text(observation: Observation, status: int, duration_ms: float, now: float, tail: str) -> str:
    """The access line, then `tail` (the EMF members) before its closing brace.

    The same text as `logs.JsonLines` makes of the INFO record of `chalicelib.access` whose `fields`
    are `observation.fields(status, duration_ms)` (a test holds the two to it), written from a
    template: the keys are fixed, and each value's type is known (`begin_event` makes the event's
    values text or None, the `note_` functions set only text), so the dict and the encoder's pass
    over it are spared.
    """
    o = observation
    target = o.path if o.operation == metrics.NO_METHOD else o.operation
    message = f"{o.verb} {target} answered {status}"
    batch_calls = "null" if o.batch_calls is None else str(int(o.batch_calls))
    locked_out = "" if o.locked_out is None else f',"locked_out":{_string(o.locked_out)}'
    return (
        f"{logs.access_head(now, message, o.request_id)}"
        f',"module":{_text(o.module)},"method":{_text(o.method)},"status":{int(status)}'
        f',"code":{_text(o.code)},"duration_ms":{float(duration_ms)!r},"user":{_text(o.user)}'
        f',"cold_start":{"true" if o.cold_start else "false"},"credential":{_string(o.credential)}'
        f',"batch_calls":{batch_calls},"verb":{_text(o.verb)},"path":{_text(o.path)}'
        f',"source_ip":{_text(o.source_ip)}'
        f',"storage_errors":{int(o.counts.get(metrics.STORAGE_ERRORS, 0))}{locked_out},{tail}}}'
    )


def finish(observation: Observation, status: int) -> None:
    """Write the request's line (the access line at INFO, with the metrics; else the metrics alone);
    never raises. An access line that cannot be made still leaves the metrics."""
    try:
        now = time.time()
        duration_ms = round((time.perf_counter() - observation.started) * 1000, 3)
        if type(status) is not int:  # a method's own Response may set any value
            status = _status_number(status)
        tail = metrics.members(
            observation.operation, status, duration_ms, int(now * 1000), observation.counts
        )
        line = None
        if _access.isEnabledFor(logging.INFO):  # LOG_LEVEL, as for a record of the logger
            try:
                line = access_text(observation, status, duration_ms, now, tail)
            except Exception:
                logging.getLogger(__name__).exception("the access line could not be made")
        logs.write(line or f'{{{tail},"request_id":{_string(observation.request_id)}}}')
    except Exception:
        logging.getLogger(__name__).exception("the request's metrics line could not be written")
    finally:
        _current.set(None)


def _status_number(status: Any) -> int:
    """A status that is no int as the line reports it: its number, else 500 (no HTTP answer)."""
    try:
        return int(status)
    except (TypeError, ValueError):
        return 500
