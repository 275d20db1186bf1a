"""Who is calling: a user with roles, the anonymous caller, or the trusted system caller."""

# Annotations are evaluated, not postponed (no `from __future__ import annotations`): a NamedTuple's
# postponed annotations are each compiled as a ForwardRef when its class is made, on every cold start.

from collections.abc import Iterable
from typing import NamedTuple

ANONYMOUS = "anonymous"
AUTHENTICATED = "authenticated"
IMPLICIT_ROLES = frozenset({ANONYMOUS, AUTHENTICATED})


class User(NamedTuple):
    """A caller with a valid credential. `roles` are the user's own; the implicit ones are not listed."""

    username: str
    roles: tuple[str, ...] = ()

    def holds_any(self, roles: Iterable[str]) -> bool:
        held = {AUTHENTICATED, *self.roles}
        return any(role in held for role in roles)


class SystemUser(User):
    """The trusted caller of backend jobs: it holds every role."""

    def holds_any(self, roles: Iterable[str]) -> bool:
        return True


SYSTEM = SystemUser("system")


def may_call(user: User | None, access: tuple[str, ...] | None) -> bool:
    """Whether a caller passes a method's `access` list (None: open to everyone)."""
    if access is None:
        return True
    if user is None:
        return ANONYMOUS in access
    return user.holds_any(access)
