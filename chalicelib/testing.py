"""The module author's test kit: the real gateway on an in-memory store, no server, no network.

    from chalicelib import testing

    client = testing.Client()
    answer = client.call("notes", "save", {"id": "n1", "text": "hi"}, user=testing.user("ann"))
    assert answer.status == 200 and answer.json["version"] == 1
    assert client.internal("notes", "get", {"id": "n1"}, user=testing.user("ann"))["text"] == "hi"

`call` goes through what /api runs for an HTTP request (parsing, the key, the lookup, the
credential, the access check, the schema, the method, the format, the error object), so its answer
is what an HTTP caller would get; `internal` is `chalicelib.api.call` on the same store. A 200
answer of a method that declares `returns` is checked against it: a result that does not match
fails the test.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple
from urllib.parse import urlencode

from chalicelib import dispatch, gateway
from chalicelib.auth.credentials import digest, new_secret
from chalicelib.config import Settings
from chalicelib.context import Context
from chalicelib.errors import answer_for
from chalicelib.http.request import parse_request
from chalicelib.http.responses import error_response
from chalicelib.identity import SYSTEM, User
from chalicelib.registry import Registry
from chalicelib.storage.base import CredentialRecord, Store
from chalicelib.storage.items import ModuleStorage
from chalicelib.storage.memory import MemoryStore

__all__ = ["KEY", "SYSTEM", "Answer", "Client", "user"]

logger = logging.getLogger(__name__)

KEY = "testing-key"


def user(name: str, *roles: str) -> User:
    """A caller with these roles (besides the implicit `authenticated`)."""
    return User(username=name, roles=tuple(roles))


class Answer(NamedTuple):
    """What an HTTP caller would receive."""

    status: int
    headers: dict[str, Any]  # Set-Cookie, when there are cookies, is a list
    text: str

    @property
    def json(self) -> Any:
        """The parsed body, or None when it is no JSON."""
        try:
            return json.loads(self.text)
        except ValueError:
            return None

    @property
    def error(self) -> tuple[int, str] | None:
        """(status, code) of an error answer; None for a success."""
        body = self.json
        if self.status < 400 or not isinstance(body, dict) or not isinstance(body.get("error"), dict):
            return None
        return self.status, str(body["error"].get("code"))


def _bracket_fields(name: str, value: Any) -> Iterator[tuple[str, str]]:
    """PHP's http_build_query: nested fields as name[key], true as 1, false as 0, null left out."""
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            yield from _bracket_fields(f"{name}[{key}]", item)
    elif value is True or value is False:
        yield name, "1" if value else "0"
    elif value is not None:
        yield name, value if isinstance(value, str) else json.dumps(value)


class Client:
    """The gateway with its own in-memory store, the modules of the tree, and a clock you may move."""

    def __init__(
        self,
        *,
        store: Store | None = None,
        registry: Registry | None = None,
        settings: Settings | None = None,
        clock: Callable[[], float] = time.time,
        check_returns: bool = True,
    ) -> None:
        self.store: Store = MemoryStore() if store is None else store
        self.registry = Registry() if registry is None else registry
        self.settings = settings or Settings(api_keys=(KEY,), table_name="memory", stage="test")
        self.clock = clock
        self.check_returns = check_returns
        self._tokens: dict[User, str] = {}
        self._calls = 0

    def storage(self, module: str) -> ModuleStorage:
        """A module's own items, as its methods see them through `ctx.storage` (to set up or inspect)."""
        return ModuleStorage(lambda: self.store, module)

    def call(
        self, module: str, method: str, data: Any = None, user: User | None = None, *, form: bool = False
    ) -> Answer:
        """An HTTP call of an external method: a JSON body, or with `form=True` PHP's form fields
        (every value a string, as PHP sends them)."""
        fields: dict[str, Any] = {"key": KEY, "module": module, "method": method}
        headers = {}
        if user is not None:
            headers["authorization"] = f"Bearer {self._token(user)}"
        if form:
            pairs = [*fields.items(), *_bracket_fields("data", data)]
            headers["content-type"] = "application/x-www-form-urlencoded"
            body = urlencode(pairs)
        else:
            headers["content-type"] = "application/json"
            body = json.dumps({**fields, "data": data})
        self._calls += 1
        request_id = f"testing-{self._calls}"
        try:
            request = parse_request(
                http_method="POST",
                query=None,
                headers=headers,
                body=body,
                is_base64=False,
                max_body_bytes=self.settings.max_body_bytes,
                request_id=request_id,
            )
            response = gateway.serve(request, self.settings, self.registry, lambda: self.store, self.clock)
        except Exception as caught:
            response = error_response(answer_for(caught, logger, f"request {request_id}"))
        raw = response.body
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
        answer = Answer(response.status_code, dict(response.headers), text)
        if answer.status == 200 and self.check_returns:
            self._check_returns(module, method, answer)
        return answer

    def internal(self, module: str, method: str, data: Any = None, user: User | None = None) -> Any:
        """An internal call (as `chalicelib.api.call`): the Python value, or ApiError raised."""
        self._calls += 1
        ctx = Context(
            user,
            f"testing-internal-{self._calls}",
            settings=lambda: self.settings,
            registry=self.registry,
            store=lambda: self.store,
            clock=self.clock,
        )
        return dispatch.call(ctx, module, method, data)

    def _token(self, caller: User) -> str:
        """A token for the caller in this client's store, as users.login would have made it.

        A new one when the last was revoked (the caller logged out or changed its password).
        """
        known = self._tokens.get(caller)
        if known is None or self.store.get_credential("token", digest(known)) is None:
            secret, now = new_secret(), int(self.clock())
            roles = tuple(caller.roles)
            record = CredentialRecord(
                "token", digest(secret), caller.username, roles, now + 10 * 365 * 86400, now
            )
            self.store.put_credential(record)
            self._tokens[caller] = secret
        return self._tokens[caller]

    def _check_returns(self, module: str, method: str, answer: Answer) -> None:
        spec = self.registry.module(module).methods[method]
        if spec.returns is None:
            return
        content_type = str(answer.headers.get("Content-Type", ""))
        result = answer.json if content_type.startswith("application/json") else answer.text
        _, problems = spec.returns.apply(result)
        if problems:
            found = "; ".join(f"{problem.path or '(result)'} {problem.message}" for problem in problems)
            raise AssertionError(f"{module}.{method} answered what its `returns` schema refuses: {found}")
