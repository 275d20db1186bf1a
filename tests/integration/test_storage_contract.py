"""One storage contract, run on every Store: memory, moto, and dynalite (a DynamoDB-compatible server)."""

from __future__ import annotations

import uuid

import pytest

from chalicelib.storage.base import CredentialCollision, CredentialRecord, NoSuchUser, UserExists, UserRecord

NOW = 1_800_000_000


def _token(digest: str = "d1", owner: str = "ann", roles: tuple[str, ...] = ("editor",)) -> CredentialRecord:
    return CredentialRecord("token", digest, owner, roles, expires_at=NOW + 3600, created_at=NOW)


def _session(digest: str = "s1", owner: str = "ann") -> CredentialRecord:
    return CredentialRecord(
        "session",
        digest,
        owner,
        ("editor",),
        expires_at=NOW + 100,
        created_at=NOW,
        max_expires_at=NOW + 1000,
        touched_at=NOW,
    )


def test_a_created_user_reads_back(any_store):
    any_store.create_user(UserRecord("ann", "hash", ("editor", "viewer"), created_at=NOW))
    assert any_store.get_user("ann") == UserRecord("ann", "hash", ("editor", "viewer"), False, NOW)


def test_creating_a_user_never_overwrites_one(any_store):
    any_store.create_user(UserRecord("ann", "first"))
    with pytest.raises(UserExists):
        any_store.create_user(UserRecord("ann", "second"))
    assert any_store.get_user("ann").password_hash == "first"


def test_an_unknown_user_reads_as_none(any_store):
    assert any_store.get_user("nobody") is None


def test_updating_an_unknown_user_is_no_such_user(any_store):
    with pytest.raises(NoSuchUser):
        any_store.set_user_roles("nobody", ("x",))


def test_roles_disabled_and_password_update(any_store):
    any_store.create_user(UserRecord("ann", "h1", ("editor",)))
    any_store.set_user_roles("ann", ())
    any_store.set_user_disabled("ann", True)
    any_store.set_password_hash("ann", "h2")
    assert any_store.get_user("ann") == UserRecord("ann", "h2", (), True, 0)


def test_list_users_is_sorted_and_holds_only_users(any_store):
    for name in ("zed", "ann"):
        any_store.create_user(UserRecord(name, "h"))
    any_store.put_credential(_token())
    assert [user.username for user in any_store.list_users()] == ["ann", "zed"]


def test_a_credential_reads_back_by_kind_and_digest(any_store):
    any_store.put_credential(_token())
    any_store.put_credential(_session())
    assert any_store.get_credential("token", "d1") == _token()
    assert any_store.get_credential("session", "s1") == _session()
    assert any_store.get_credential("session", "d1") is None


def test_credentials_of_a_user_come_through_the_owner_index(any_store):
    any_store.put_credential(_token("d1"))
    any_store.put_credential(_session("s1"))
    any_store.put_credential(_token("d2", owner="bob"))
    assert sorted(any_store.credentials_of("ann")) == [("session", "s1"), ("token", "d1")]


def test_a_deleted_credential_does_not_come_back_with_new_roles(any_store):
    any_store.put_credential(_token())
    any_store.delete_credential("token", "d1")
    assert any_store.set_credential_roles("token", "d1", ("administrator",)) is False
    assert any_store.get_credential("token", "d1") is None


def test_new_roles_reach_a_live_credential(any_store):
    any_store.put_credential(_token())
    assert any_store.set_credential_roles("token", "d1", ("administrator",)) is True
    assert any_store.get_credential("token", "d1").roles == ("administrator",)


def test_a_session_slides_but_a_revoked_one_is_not_revived(any_store):
    any_store.put_credential(_session())
    assert any_store.slide_session("s1", NOW + 200, NOW + 50) is True
    assert any_store.get_credential("session", "s1").expires_at == NOW + 200
    any_store.delete_credential("session", "s1")
    assert any_store.slide_session("s1", NOW + 300, NOW + 60) is False
    assert any_store.get_credential("session", "s1") is None


def test_an_expired_session_does_not_slide(any_store):
    any_store.put_credential(_session())
    assert any_store.slide_session("s1", NOW + 500, NOW + 101) is False


def _attempt(store, username: str, now: int, attempt_id: str | None = None, limit: int = 3) -> bool:
    return store.take_attempt(username, attempt_id or f"a{now}-{uuid.uuid4().hex}", now, 900, limit)


def test_attempts_are_counted_up_to_the_limit_within_a_window(any_store):
    assert [_attempt(any_store, "ann", NOW + i) for i in range(4)] == [True, True, True, False]
    assert _attempt(any_store, "bob", NOW) is True  # other usernames are not affected


def test_a_retried_attempt_counts_once(any_store):
    assert [_attempt(any_store, "ann", NOW, attempt_id="same") for _ in range(5)] == [True] * 5
    assert [_attempt(any_store, "ann", NOW + i) for i in range(3)] == [True, True, False]


def test_a_retried_attempt_still_passes_once_the_limit_is_reached(any_store):
    assert [_attempt(any_store, "ann", NOW + i, attempt_id=f"a{i}") for i in range(3)] == [True] * 3
    assert _attempt(any_store, "ann", NOW + 3, attempt_id="a2") is True  # the retry of the third
    assert _attempt(any_store, "ann", NOW + 3) is False


def test_a_passed_window_opens_a_new_one_before_ttl_removes_it(any_store):
    for i in range(3):
        _attempt(any_store, "ann", NOW + i)
    assert _attempt(any_store, "ann", NOW + 900) is True
    assert [_attempt(any_store, "ann", NOW + 901) for _ in range(3)] == [True, True, False]


def test_clearing_the_attempts_unlocks_at_once(any_store):
    for i in range(3):
        _attempt(any_store, "ann", NOW + i)
    any_store.clear_failures("ann")
    assert _attempt(any_store, "ann", NOW + 5) is True


def test_a_retried_credential_write_is_not_an_error(any_store):
    any_store.put_credential(_token())
    any_store.put_credential(_token())  # what botocore sends again when the first answer was lost
    assert any_store.get_credential("token", "d1") == _token()


def test_a_credential_id_taken_by_another_record_is_refused(any_store):
    any_store.put_credential(_token(owner="ann"))
    with pytest.raises(CredentialCollision):
        any_store.put_credential(_token(owner="bob"))
    assert any_store.get_credential("token", "d1").owner == "ann"


def test_a_retried_user_creation_is_not_an_error(any_store):
    record = UserRecord("ann", "salted hash", ("editor",), created_at=NOW)
    any_store.create_user(record)
    any_store.create_user(record)
    assert any_store.list_users() == [record]


def test_creating_the_table_twice_is_harmless(any_store):
    assert any_store.create_table() is False
