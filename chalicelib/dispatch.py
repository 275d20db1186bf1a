"""The call itself: look up a method, check the caller's access, run `impl(data, ctx)`.

Shared by external (HTTP) calls and internal ones (`ctx.call`, `chalicelib.api.call`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib.declarations import MethodSpec
from chalicelib.errors import Forbidden, Internal, MethodNotAllowed, Unauthenticated
from chalicelib.identity import User, may_call
from chalicelib.names import shown
from chalicelib.registry import Registry

if TYPE_CHECKING:
    from chalicelib.context import Context

logger = logging.getLogger(__name__)

MAX_CALL_DEPTH = 16


class CallDepthExceeded(Internal):
    """Internal calls nested past MAX_CALL_DEPTH: runaway recursion, stopped with a clear error."""


def check_access(spec: MethodSpec, user: User | None) -> None:
    """401 for a caller without credentials, 403 for one without any of the roles."""
    if may_call(user, spec.access):
        return
    # The messages name no method: a refusal inside an internal call must not reveal its target.
    if user is None:
        raise Unauthenticated("this method needs a token or a session")
    raise Forbidden("the credential lacks the roles this method needs")


def check_verb(spec: MethodSpec, http_method: str | None) -> None:
    """405 for an HTTP verb the method does not answer (its `verbs`); internal calls (None) pass."""
    if http_method is not None and http_method not in spec.verbs:
        raise MethodNotAllowed(
            f"{spec.module}.{spec.name} answers {' and '.join(spec.verbs)} only", allow=spec.verbs
        )


class Target:
    """A method that a lookup found: its declaration, and how to run it for a caller."""

    __slots__ = ("implementation", "operation", "spec")

    def __init__(self, spec: MethodSpec, implementation: Callable[[Any, Any], Any]) -> None:
        self.spec = spec
        self.implementation = implementation
        self.operation = f"{spec.module}.{spec.name}"  # as the metrics name it

    def run(self, data: Any, ctx: Context, *, coerce: bool = False) -> Any:
        """Check access, then match `data` to the declared schema, then call the implementation.

        The schema is applied after the access check, so a caller without access learns nothing of
        it; `coerce` converts the strings of a query or form where the schema asks for another type.
        """
        check_access(self.spec, ctx.user)
        if self.spec.schema is not None:
            data = self.spec.schema.validate(data, coerce=coerce)
        ctx.module = self.spec.module
        return self.implementation(data, ctx)


def lookup(registry: Registry, module: str, method: str, *, external_only: bool) -> Target:
    """The named method; UnknownModule or UnknownMethod (internal ones look missing when external_only).

    A lookup that found a method is remembered by the registry: its modules, once loaded, never
    change. Only names of existing methods are kept, so callers' made-up names cannot grow it.
    """
    key = (module, method, external_only)
    found: Target | None = registry.found.get(key)
    if found is None:
        service_module = registry.module(module)
        spec = service_module.method(method, external_only=external_only)
        found = registry.found[key] = Target(spec, service_module.implementation(spec))
    return found


def call(ctx: Context, module: str, method: str, data: Any = None) -> Any:
    """An internal call run with `ctx`: reaches internal, external and undeclared public methods alike."""
    return lookup(ctx.registry, module, method, external_only=False).run(data, ctx)


def call_from(parent: Context, module: str, method: str, data: Any = None) -> Any:
    """`ctx.call`: an internal call one level below `parent`, as the same caller."""
    if parent.depth >= MAX_CALL_DEPTH:
        logger.error(
            "request %s: internal calls nested deeper than %s at %s.%s",
            parent.request_id,
            MAX_CALL_DEPTH,
            shown(module),
            shown(method),
        )
        raise CallDepthExceeded(f"internal calls nested deeper than {MAX_CALL_DEPTH}: runaway recursion?")
    return call(parent.child(), module, method, data)


__all__ = ["CallDepthExceeded", "Target", "call", "call_from", "check_access", "check_verb", "lookup"]
