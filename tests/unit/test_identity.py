"""Who is calling: the implicit roles, a user's own roles, and the system caller that holds every role."""

from __future__ import annotations

from chalicelib.identity import SYSTEM, User, may_call


def test_implicit_roles():
    assert may_call(None, ("anonymous",)) and not may_call(User("a"), ("anonymous",))
    assert may_call(User("a"), ("authenticated",)) and not may_call(None, ("authenticated",))


def test_system_holds_every_role():
    assert may_call(SYSTEM, ("anything", "at-all"))
