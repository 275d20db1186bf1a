"""MemoryStore's basics; tests/integration/test_storage_contract.py holds it to the Store contract."""

from __future__ import annotations

import threading

import pytest

from chalicelib.storage.base import CredentialCollision, CredentialRecord, NoSuchUser, UserExists, UserRecord
from chalicelib.storage.memory import MemoryStore

NOW = 1_000_000


@pytest.fixture
def store():
    return MemoryStore()


def session(digest="d", expires_at=NOW + 10, owner="ann"):
    return CredentialRecord("session", digest, owner, ("editor",), expires_at, max_expires_at=NOW + 100)


def test_the_table_is_always_there(store):
    assert store.create_table() is False


def test_a_created_user_is_read_back_and_listed_by_name(store):
    store.create_user(UserRecord("bob", "h"))
    store.create_user(UserRecord("ann", "h", ("editor",)))
    assert store.get_user("ann") == UserRecord("ann", "h", ("editor",))
    assert [user.username for user in store.list_users()] == ["ann", "bob"]


def test_an_unknown_user_is_none(store):
    assert store.get_user("ghost") is None


def test_creating_a_taken_name_is_refused_but_the_same_record_again_is_a_retry(store):
    store.create_user(UserRecord("ann", "h"))
    store.create_user(UserRecord("ann", "h"))
    with pytest.raises(UserExists):
        store.create_user(UserRecord("ann", "other"))
    assert store.get_user("ann").password_hash == "h"


def test_roles_disabled_and_password_change_in_place(store):
    store.create_user(UserRecord("ann", "h"))
    store.set_user_roles("ann", ["a", "b"])
    store.set_user_disabled("ann", True)
    store.set_password_hash("ann", "h2")
    assert store.get_user("ann") == UserRecord("ann", "h2", ("a", "b"), disabled=True)


@pytest.mark.parametrize(
    "change",
    [
        lambda store: store.set_user_roles("ghost", ()),
        lambda store: store.set_user_disabled("ghost", True),
        lambda store: store.set_password_hash("ghost", "h"),
    ],
)
def test_changing_an_unknown_user_is_no_such_user(store, change):
    with pytest.raises(NoSuchUser):
        change(store)


def test_a_credential_is_kept_by_kind_and_digest(store):
    store.put_credential(session())
    assert store.get_credential("session", "d") == session()
    assert store.get_credential("token", "d") is None


def test_a_credential_id_taken_by_another_record_is_a_collision(store):
    store.put_credential(session())
    store.put_credential(session())  # a retry of the same write
    with pytest.raises(CredentialCollision):
        store.put_credential(session(owner="eve"))


def test_a_live_session_slides_and_a_revoked_or_expired_one_does_not(store):
    store.put_credential(session())
    assert store.slide_session("d", NOW + 50, NOW)
    slid = store.get_credential("session", "d")
    assert (slid.expires_at, slid.touched_at) == (NOW + 50, NOW)
    assert not store.slide_session("d", NOW + 200, NOW + 50)  # expired at NOW + 50
    store.delete_credential("session", "d")
    assert not store.slide_session("d", NOW + 60, NOW)
    assert store.get_credential("session", "d") is None


def test_deleting_a_credential_that_is_gone_is_not_an_error(store):
    store.delete_credential("token", "nothing")


def test_a_users_credentials_are_listed_and_their_roles_replaced(store):
    store.put_credential(session("d1"))
    store.put_credential(CredentialRecord("token", "d2", "ann", (), NOW + 10))
    store.put_credential(session("d3", owner="bob"))
    assert sorted(store.credentials_of("ann")) == [("session", "d1"), ("token", "d2")]
    assert store.set_credential_roles("token", "d2", ["admin"])
    assert store.get_credential("token", "d2").roles == ("admin",)
    assert not store.set_credential_roles("token", "gone", ["admin"])


def attempt(store, attempt_id: str, now: int = NOW, limit: int = 3, address: str = "192.0.2.1") -> bool:
    return store.take_attempt(
        "ann", address, attempt_id, now=now, window_seconds=60, limit=limit, user_limit=limit + 2
    )


def test_attempts_are_counted_up_to_the_limit_within_the_window(store):
    assert [attempt(store, f"a{i}") for i in range(4)] == [True, True, True, False]
    assert attempt(store, "later", now=NOW + 60)  # the window closed


def test_one_attempt_counts_once_however_often_it_is_retried(store):
    assert all(attempt(store, "same", limit=1) for _ in range(3))
    assert not attempt(store, "other", limit=1)


def test_clearing_failures_opens_the_username_again(store):
    attempt(store, "a", limit=1)
    store.clear_failures("ann")
    assert attempt(store, "b", limit=1)


def test_parallel_attempts_never_pass_either_limit(store):
    passed = []
    threads = [
        threading.Thread(
            target=lambda i=i: passed.append(attempt(store, f"a{i}", limit=5, address=f"192.0.2.{i % 2}"))
        )
        for i in range(40)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert passed.count(True) == 7  # five from one address, then the username's cap of seven
