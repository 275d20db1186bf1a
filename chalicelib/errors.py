"""The project's one error root: every refusal the contract names is an ApiError.

`answer_for` is how every catch site (the /api view, the internal entry, the console, the
middleware around the view, each call of a batch) turns what it caught into the error it answers.
"""

from __future__ import annotations

import logging

NOT_CONFIGURED = "the gateway is not configured; see its logs"
# The verbs /api serves; OPTIONS besides them is the CORS preflight. Named in 405s and preflights.
SERVED_VERBS = ("GET", "POST")
ALLOW = ", ".join((*SERVED_VERBS, "OPTIONS"))


class ApiError(Exception):
    """A refusal that reaches the caller as `{"error": {"code", "message"}}` with `status`.

    Service methods raise it directly (`ApiError(422, 'invalid_input', '...')`);
    the subclasses below fix the status and code of the contract's own rows.
    """

    STATUS: int = 500
    CODE: str = "internal"
    HEADERS: dict[str, str] = {}  # noqa: RUF012 - read only: headers the answer carries (e.g. Allow)

    def __init__(self, status: int | None = None, code: str | None = None, message: str = "") -> None:
        self.status = self.STATUS if status is None else int(status)
        self.code = self.CODE if code is None else str(code)
        self.message = str(message)
        super().__init__(self.status, self.code, self.message)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"

    def to_body(self) -> dict[str, dict[str, str]]:
        return {"error": {"code": self.code, "message": self.message}}


class ContractError(ApiError):
    """A row of DESIGN section 3: status and code are fixed, only the message varies."""

    def __init__(self, message: str = "") -> None:
        super().__init__(self.STATUS, self.CODE, message)


class BadRequest(ContractError):
    """A missing or malformed parameter or body."""

    STATUS = 400
    CODE = "bad_request"


class InvalidKey(ContractError):
    """A missing or wrong API key."""

    STATUS = 401
    CODE = "invalid_key"


class Unauthenticated(ContractError):
    """Roles are required and no valid credential came, or a credential was refused."""

    STATUS = 401
    CODE = "unauthenticated"


class InvalidCredentials(ContractError):
    """A wrong username or password, or a disabled user (one message for all)."""

    STATUS = 401
    CODE = "invalid_credentials"


class Forbidden(ContractError):
    """A valid credential without any of the method's roles."""

    STATUS = 403
    CODE = "forbidden"


class UnknownModule(ContractError):
    """No such module."""

    STATUS = 404
    CODE = "unknown_module"


class UnknownMethod(ContractError):
    """No such external method; internal ones look exactly like missing ones."""

    STATUS = 404
    CODE = "unknown_method"


class NotFound(ContractError):
    """A path the gateway does not serve, such as /console while CONSOLE is off (see README)."""

    STATUS = 404
    CODE = "not_found"


class MethodNotAllowed(ContractError):
    """An HTTP verb the endpoint does not serve (not in the contract's table; see README)."""

    STATUS = 405
    CODE = "method_not_allowed"
    HEADERS = {"Allow": ALLOW}  # noqa: RUF012 - read only

    def __init__(self, message: str = "", allow: tuple[str, ...] | None = None) -> None:
        """`allow`: the verbs a method answers (its `verbs`), when the endpoint's are not the point."""
        super().__init__(message)
        if allow is not None:
            self.HEADERS = {"Allow": ", ".join(allow)}


class PayloadTooLarge(ContractError):
    """A body over the configured limit."""

    STATUS = 413
    CODE = "payload_too_large"


class UnsupportedMediaType(ContractError):
    """A POST body of a type the endpoint does not read."""

    STATUS = 415
    CODE = "unsupported_media_type"


class InvalidInput(ContractError):
    """Data that a method cannot accept."""

    STATUS = 422
    CODE = "invalid_input"


class TooManyAttempts(ContractError):
    """Too many failed logins for one username within the window."""

    STATUS = 429
    CODE = "too_many_attempts"


class Internal(ContractError):
    """A fault on the server side; the body never carries a trace or a secret."""

    STATUS = 500
    CODE = "internal"


class ConfigError(Internal):
    """A required setting is missing or malformed: every request answers 500 `internal`.

    Its message names the setting, so it goes to the log only (see `answer_for`).
    """


class Unavailable(ContractError):
    """Storage did not answer after bounded retries; never a grant."""

    STATUS = 503
    CODE = "unavailable"


def answer_for(
    caught: Exception, log: logging.Logger, where: str, *, refusals_level: int | None = None
) -> ApiError:
    """The error a catch site answers for what it caught, logged here once.

    A ConfigError answers a 500 that names nothing of the set-up (its message is logged); another
    ApiError answers as itself (logged when it is a 5xx, and at `refusals_level` when given);
    anything else is a 500 `internal` whose trace is in the log only. `where` names the request
    or invocation in the log line.
    """
    if isinstance(caught, ConfigError):
        log.error("%s refused: %s", where, caught.message)
        return Internal(NOT_CONFIGURED)
    if isinstance(caught, ApiError):
        if caught.status >= 500:
            log.error("%s answered %s %s: %s", where, caught.status, caught.code, caught.message)
        elif refusals_level is not None:
            log.log(refusals_level, "%s answered %s %s", where, caught.status, caught.code)
        return caught
    log.error("%s: unhandled exception", where, exc_info=caught)
    return Internal("internal error")
