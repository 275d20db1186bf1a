"""A write that botocore sends again after a lost answer changes no outcome (the first try went through).

Each test makes botocore retry the first try of one operation even though DynamoDB (moto) applied it,
as happens when an answer is lost or read too late, and checks the outcome is as if it was sent once.
"""

from __future__ import annotations

import pytest

from chalicelib import runtime
from chalicelib.auth import accounts
from chalicelib.storage.base import CredentialRecord, UserRecord
from tests.conftest import error_of

PASSWORD = "retried password"
NOW = 1_800_000_000


def retry_once_after_success(store, operation: str) -> list[int]:
    """botocore retries the first `operation` that succeeded; the list counts the retries made."""
    retries: list[int] = []

    def needs_retry(attempts: int, caught_exception: object = None, **_: object) -> float | None:
        if attempts == 1 and caught_exception is None and not retries:
            retries.append(attempts)
            return 0.0  # retry at once, as botocore does after a read timeout
        return None

    store.client.meta.events.register_first(f"needs-retry.dynamodb.{operation}", needs_retry)
    return retries


def test_a_retried_attempt_is_counted_once(moto_store):
    retries = retry_once_after_success(moto_store, "UpdateItem")
    results = [
        moto_store.take_attempt(
            "ann", "192.0.2.1", f"a{i}", now=NOW, window_seconds=900, limit=2, user_limit=9
        )
        for i in range(3)
    ]
    assert retries == [1]
    assert results == [True, True, False]


def test_a_retried_new_window_is_counted_once(moto_store):
    """The conditional put that opens a window after the last one passed, sent twice."""
    attempt = moto_store.take_attempt
    for i in range(2):
        attempt("ann", "192.0.2.1", f"old{i}", now=NOW, window_seconds=900, limit=2, user_limit=9)
    retries = retry_once_after_success(moto_store, "PutItem")
    later = NOW + 900
    results = [
        attempt("ann", "192.0.2.1", f"a{i}", now=later, window_seconds=900, limit=2, user_limit=9)
        for i in range(3)
    ]
    assert retries == [1]
    assert results == [True, True, False]


def test_a_retried_unlock_of_an_address_leaves_the_state_of_one_call(moto_store):
    attempt = moto_store.take_attempt
    for i in range(2):
        attempt("ann", "192.0.2.1", f"a{i}", now=NOW, window_seconds=900, limit=2, user_limit=3)
    retries = retry_once_after_success(moto_store, "UpdateItem")
    moto_store.clear_address_failures("ann", "192.0.2.1", "a1")
    assert retries == [1]
    # a0 still counts for the username (2 of 3 left), none for the address.
    results = [
        attempt("ann", "192.0.2.1", f"b{i}", now=NOW, window_seconds=900, limit=2, user_limit=3)
        for i in range(3)
    ]
    assert results == [True, True, False]


def test_a_retried_credential_write_is_not_a_500(moto_store):
    retries = retry_once_after_success(moto_store, "PutItem")
    record = CredentialRecord("token", "d" * 64, "ann", ("editor",), NOW + 60, created_at=NOW)
    moto_store.put_credential(record)
    assert retries == [1]
    assert moto_store.get_credential("token", "d" * 64) == record


def test_a_retried_user_creation_is_not_user_exists(moto_store):
    retries = retry_once_after_success(moto_store, "PutItem")
    record = UserRecord("ann", "salted hash", ("editor",), created_at=NOW)
    moto_store.create_user(record)
    assert retries == [1]
    assert moto_store.list_users() == [record]


@pytest.mark.parametrize("operation", ["UpdateItem", "PutItem"])
def test_four_logins_with_retried_writes_are_never_locked_out(api, moto_store, operation):
    accounts.create_user(moto_store, "ann", ["editor"], PASSWORD, runtime.now())
    for _ in range(4):
        moto_store.take_attempt(  # four failed checks
            "ann", "127.0.0.1", f"wrong-{_}", now=runtime.now(), window_seconds=900, limit=5, user_limit=100
        )
    retries = retry_once_after_success(moto_store, operation)
    response = api.call("users", "login", {"username": "ann", "password": PASSWORD})
    assert retries == [1]
    assert response.status_code == 200, error_of(response)


@pytest.mark.parametrize("expected_version", [None, 0])
def test_a_retried_item_write_counts_one_version_and_is_no_conflict(moto_store, expected_version):
    from chalicelib.storage.items import ModuleStorage

    notes = ModuleStorage(lambda: moto_store, "notes")
    retries = retry_once_after_success(moto_store, "UpdateItem")
    assert notes.put("notes", "n1", {"v": 1}, expected_version=expected_version) == 1
    assert retries == [1]
    assert notes.get("notes", "n1") == {"v": 1, "_key": "n1", "_version": 1}


def test_a_retried_write_over_a_version_is_no_conflict(moto_store):
    from chalicelib.storage.items import ModuleStorage

    notes = ModuleStorage(lambda: moto_store, "notes")
    notes.put("notes", "n1", {"v": 1})
    retries = retry_once_after_success(moto_store, "UpdateItem")
    assert notes.put("notes", "n1", {"v": 2}, expected_version=1) == 2
    assert retries == [1]
    assert notes.get("notes", "n1")["_version"] == 2


def test_a_retried_conditional_delete_is_no_conflict(moto_store):
    from chalicelib.storage.items import ModuleStorage

    notes = ModuleStorage(lambda: moto_store, "notes")
    notes.put("notes", "n1", {})
    retries = retry_once_after_success(moto_store, "DeleteItem")
    notes.delete("notes", "n1", expected_version=1)  # True, or False when the retry's answer is read
    assert retries == [1]
    assert notes.get("notes", "n1") is None
