"""Which external methods exist, and which of them a given caller may call (discovery, access matrix)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from chalicelib.declarations import DeclarationError, MethodSpec
from chalicelib.identity import ANONYMOUS, AUTHENTICATED, User, may_call
from chalicelib.registry import Registry

logger = logging.getLogger(__name__)


def external_methods(registry: Registry) -> Iterator[MethodSpec]:
    """Every external method of every loadable module, by module then method name; broken modules skipped."""
    for name in registry.names():
        try:
            module = registry.module(name)
        except DeclarationError:
            continue  # already logged by the registry; discovery lists what can be called
        for method in sorted(module.methods):
            spec = module.methods[method]
            if spec.is_external:
                yield spec


def callable_by(registry: Registry, user: User | None) -> list[MethodSpec]:
    """The external methods this caller passes the access check of."""
    return [spec for spec in external_methods(registry) if may_call(user, spec.access)]


def describe(spec: MethodSpec) -> dict[str, Any]:
    """A method as discovery lists it: its names, format, one-line description and declared schemas."""
    return {
        "name": f"{spec.module}.{spec.name}",
        "module": spec.module,
        "method": spec.name,
        "format": spec.format,
        "description": spec.description,
        "schema": None if spec.schema is None else spec.schema.schema,
        "returns": None if spec.returns is None else spec.returns.schema,
    }


def access_matrix(registry: Registry) -> dict[str, tuple[str, ...] | None]:
    """`module.method` -> its access list, or None where it is open to everyone."""
    return {f"{spec.module}.{spec.name}": spec.access for spec in external_methods(registry)}


def matrix_roles(matrix: dict[str, tuple[str, ...] | None]) -> list[str]:
    """The implicit roles first, then every role named in an access list."""
    named = sorted({role for access in matrix.values() for role in access or ()} - {ANONYMOUS, AUTHENTICATED})
    return [ANONYMOUS, AUTHENTICATED, *named]


def open_to_every_key_holder(access: tuple[str, ...] | None) -> bool:
    """No access list, or one that admits `anonymous`: anyone holding the API key may call."""
    return access is None or ANONYMOUS in access


def role_may_call(role: str, access: tuple[str, ...] | None) -> bool:
    """Whether a caller holding just `role` (and the implicit ones that go with it) may call."""
    holder = None if role == ANONYMOUS else User(username=role, roles=(role,))
    return may_call(holder, access)
