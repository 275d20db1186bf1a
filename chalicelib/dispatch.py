"""The call itself: look up a method, check the caller's access, run `impl(data, ctx)`.

Shared by external (HTTP) calls and internal ones (`ctx.call`, `chalicelib.api.call`).
"""

from __future__ import annotations

import logging
from typing import Any

from chalicelib.context import Context
from chalicelib.declarations import MethodSpec
from chalicelib.errors import Forbidden, Internal, Unauthenticated
from chalicelib.identity import User, may_call
from chalicelib.names import shown
from chalicelib.registry import Registry, ServiceModule

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


def lookup(
    registry: Registry, module: str, method: str, *, external_only: bool
) -> tuple[ServiceModule, MethodSpec]:
    service_module = registry.module(module)
    return service_module, service_module.method(method, external_only=external_only)


def run(service_module: ServiceModule, spec: MethodSpec, data: Any, ctx: Context) -> Any:
    """Check access, then call the implementation."""
    check_access(spec, ctx.user)
    return service_module.implementation(spec)(data, ctx)


class InternalCaller:
    """`ctx.call` for a registry: reaches internal, external and undeclared public methods alike."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def __call__(self, parent: Context, module: str, method: str, data: Any = None) -> Any:
        if parent.depth >= MAX_CALL_DEPTH:
            logger.error(
                "request %s: internal calls nested deeper than %s at %s.%s",
                parent.request_id,
                MAX_CALL_DEPTH,
                shown(module),
                shown(method),
            )
            raise CallDepthExceeded(f"internal calls nested deeper than {MAX_CALL_DEPTH}: runaway recursion?")
        service_module, spec = lookup(self._registry, module, method, external_only=False)
        return run(service_module, spec, data, parent.child())

    def root_context(self, user: User | None, request_id: str, credential: Any = None) -> Context:
        return Context(user=user, request_id=request_id, credential=credential, _internal_caller=self)


__all__ = ["CallDepthExceeded", "InternalCaller", "check_access", "lookup", "run"]
