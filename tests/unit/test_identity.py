"""Who is calling: the implicit roles, a user's own roles, and the system caller that holds every role."""

from __future__ import annotations

from chalicelib.identity import SYSTEM, User, may_call


def test_implicit_roles():
    assert may_call(None, ("anonymous",)) and not may_call(User("a"), ("anonymous",))
    assert may_call(User("a"), ("authenticated",)) and not may_call(None, ("authenticated",))


def test_system_holds_every_role():
    assert may_call(SYSTEM, ("anything", "at-all"))


def test_a_method_without_an_access_list_is_open_to_every_caller():
    assert may_call(None, None) and may_call(User("a"), None) and may_call(SYSTEM, None)


def test_a_user_passes_with_any_one_of_the_listed_roles():
    assert may_call(User("ann", ("editor",)), ("administrator", "editor"))
    assert not may_call(User("ann", ("editor",)), ("administrator",))


def test_the_anonymous_caller_holds_no_named_role():
    assert not may_call(None, ("administrator",))


def test_a_user_without_roles_of_its_own_is_still_authenticated():
    assert User("ann").roles == () and User("ann").holds_any(["authenticated"])
