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


def _attempt(
    store,
    username: str,
    now: int,
    attempt_id: str | None = None,
    limit: int = 3,
    *,
    address: str = "192.0.2.1",
    user_limit: int = 100,
) -> bool:
    return store.take_attempt(
        username,
        address,
        attempt_id or f"a{now}-{uuid.uuid4().hex}",
        now=now,
        window_seconds=900,
        limit=limit,
        user_limit=user_limit,
    )


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


# -- modules' own items (ctx.storage), through storage/items.py ----------------------------------


def _notes(store, module: str = "notes"):
    from chalicelib.storage.items import ModuleStorage

    return ModuleStorage(lambda: store, module)


def test_an_item_reads_back_with_its_key_and_version(any_store):
    notes = _notes(any_store)
    assert notes.put("notes", "n1", {"text": "hello", "tags": ["a"]}) == 1
    assert notes.get("notes", "n1") == {"text": "hello", "tags": ["a"], "_key": "n1", "_version": 1}
    assert notes.put("notes", "n1", {"text": "again"}) == 2
    assert notes.get("notes", "n1") == {"text": "again", "_key": "n1", "_version": 2}
    assert notes.get("notes", "n2") is None


def test_an_item_keeps_its_json_exactly_and_ignores_the_reserved_names(any_store):
    notes = _notes(any_store)
    item = {
        "f": 0.1,
        "big": 2**62,
        "neg": -1.5e-7,
        "empty": "",
        "none": None,
        "nested": {"l": [[], {}]},
        "u": "é😀",
    }
    notes.put("notes", "k", {**item, "_key": "other", "_version": 99})
    assert notes.get("notes", "k") == {**item, "_key": "k", "_version": 1}


def test_expected_version_zero_creates_only_what_does_not_exist(any_store):
    from chalicelib.storage.base import VersionConflict

    notes = _notes(any_store)
    assert notes.put("notes", "n1", {"v": 1}, expected_version=0) == 1
    with pytest.raises(VersionConflict) as caught:
        notes.put("notes", "n1", {"v": 2}, expected_version=0)
    assert (caught.value.status, caught.value.code) == (409, "conflict")
    assert "is at version 1" in caught.value.message
    assert notes.get("notes", "n1")["v"] == 1


def test_expected_version_writes_only_over_that_version(any_store):
    from chalicelib.storage.base import VersionConflict

    notes = _notes(any_store)
    notes.put("notes", "n1", {"v": 1})
    assert notes.put("notes", "n1", {"v": 2}, expected_version=1) == 2
    with pytest.raises(VersionConflict):
        notes.put("notes", "n1", {"v": 3}, expected_version=1)
    with pytest.raises(VersionConflict) as caught:
        notes.put("notes", "absent", {"v": 1}, expected_version=4)
    assert "does not exist" in caught.value.message
    assert notes.get("notes", "n1") == {"v": 2, "_key": "n1", "_version": 2}
    assert notes.get("notes", "absent") is None


def test_delete_says_whether_the_item_existed_and_honours_the_version(any_store):
    from chalicelib.storage.base import VersionConflict

    notes = _notes(any_store)
    notes.put("notes", "n1", {})
    notes.put("notes", "n1", {})
    with pytest.raises(VersionConflict):
        notes.delete("notes", "n1", expected_version=1)
    assert notes.get("notes", "n1")["_version"] == 2
    assert notes.delete("notes", "n1", expected_version=2) is True
    assert notes.delete("notes", "n1") is False
    assert notes.delete("notes", "n1", expected_version=2) is False
    assert notes.get("notes", "n1") is None
    notes.put("notes", "n2", {})
    assert notes.delete("notes", "n2") is True
    assert notes.put("notes", "n2", {}) == 1  # a new item starts again at version 1


def test_a_module_sees_only_its_own_items_and_collections(any_store):
    mine, theirs = _notes(any_store, "notes"), _notes(any_store, "other")
    mine.put("notes", "k", {"who": "notes"})
    mine.put("drafts", "k", {"who": "drafts"})
    theirs.put("notes", "k", {"who": "other"})
    assert mine.get("notes", "k")["who"] == "notes"
    assert theirs.get("notes", "k")["who"] == "other"
    assert theirs.get("drafts", "k") is None
    assert [item["who"] for item in theirs.list("notes")[0]] == ["other"]
    assert [item["who"] for item in mine.list("drafts")[0]] == ["drafts"]
    assert theirs.delete("drafts", "k") is False
    assert mine.get("drafts", "k") is not None


def test_a_module_named_like_a_prefix_of_another_sees_nothing_of_it(any_store):
    _notes(any_store, "notes_archive").put("x", "k", {})
    _notes(any_store, "notes").put("archive_x", "k", {})
    assert _notes(any_store, "notes").list("x") == ([], None)
    assert _notes(any_store, "notes_archive").list("archive_x") == ([], None)


KEYS = ["b", "a", "a#2", "a/1", "ab", "é", "z", "A", "a 1", "~", "aa"]


def _pages(storage, **options):
    keys, cursor, pages = [], None, 0
    while True:
        items, cursor = storage.list("notes", cursor=cursor, **options)
        keys.extend(item["_key"] for item in items)
        pages += 1
        if cursor is None:
            return keys, pages


def test_list_returns_key_order_in_pages_with_a_cursor(any_store):
    notes = _notes(any_store)
    for key in KEYS:
        notes.put("notes", key, {"k": key})
    notes.put("other", "a", {})
    assert _pages(notes, limit=100) == (sorted(KEYS), 1)
    assert _pages(notes, limit=3) == (sorted(KEYS), 4)
    items, cursor = notes.list("notes", limit=2)
    assert items == [{"k": "A", "_key": "A", "_version": 1}, {"k": "a", "_key": "a", "_version": 1}]
    assert isinstance(cursor, str)


def test_list_with_a_prefix_returns_only_those_keys(any_store):
    notes = _notes(any_store)
    for key in KEYS:
        notes.put("notes", key, {})
    expected = sorted(key for key in KEYS if key.startswith("a"))
    assert _pages(notes, prefix="a", limit=2) == (expected, 3)
    assert _pages(notes, prefix="a#") == (["a#2"], 1)
    assert _pages(notes, prefix="q") == ([], 1)


def test_a_last_full_page_has_no_cursor(any_store):
    notes = _notes(any_store)
    for key in ("a", "b", "c", "d"):
        notes.put("notes", key, {})
    assert _pages(notes, limit=2) == (["a", "b", "c", "d"], 2)
    assert _pages(notes, limit=4) == (["a", "b", "c", "d"], 1)
    assert notes.list("empty") == ([], None)


def test_deleted_items_leave_the_list(any_store):
    notes = _notes(any_store)
    for key in ("a", "b", "c"):
        notes.put("notes", key, {})
    notes.delete("notes", "b")
    assert _pages(notes, limit=1) == (["a", "c"], 2)


def test_a_cursor_is_checked(any_store):
    from chalicelib.errors import BadRequest

    notes = _notes(any_store)
    for key in ("a1", "a2", "b1"):
        notes.put("notes", key, {})
    _, cursor = notes.list("notes", prefix="a", limit=1)
    for bad in ("%%%", "", "////", "a" * 3000):
        with pytest.raises(BadRequest):
            notes.list("notes", cursor=bad)
    with pytest.raises(BadRequest):
        notes.list("notes", prefix="b", cursor=cursor)
    assert notes.list("notes", prefix="a", cursor=cursor)[0][0]["_key"] == "a2"


def test_names_and_limits_are_checked(any_store):
    from chalicelib.errors import BadRequest

    notes = _notes(any_store)
    for key in ("", "x" * 257, "tab\there", "new\nline", 5):
        with pytest.raises(BadRequest):
            notes.put("notes", key, {})
    assert notes.put("notes", "x" * 256, {}) == 1
    for collection in ("", "has-dash", "1st", "x" * 65, None):
        with pytest.raises(ValueError):
            notes.get(collection, "k")
    for limit in (0, 101, True, "5"):
        with pytest.raises(ValueError):
            notes.list("notes", limit=limit)
    for version in (-1, 1.0, "1", True):
        with pytest.raises(ValueError):
            notes.put("notes", "k", {}, expected_version=version)
    with pytest.raises(TypeError):
        notes.put("notes", "k", ["not", "an", "object"])
    with pytest.raises(ValueError):
        notes.put("notes", "k", {"nan": float("nan")})


def test_the_largest_item_is_stored_and_one_byte_more_is_payload_too_large(any_store):
    from chalicelib.storage.base import ItemTooLarge
    from chalicelib.storage.items import MAX_ITEM_BYTES

    notes = _notes(any_store)
    key = "😀" * 256  # the longest key in UTF-8 bytes, beside the largest body
    filler = MAX_ITEM_BYTES - len('{"t":""}')
    notes.put("notes", key, {"t": "x" * filler})
    assert len(notes.get("notes", key)["t"]) == filler
    with pytest.raises(ItemTooLarge) as caught:
        notes.put("notes", key, {"t": "x" * (filler + 1)})
    assert (caught.value.status, caught.value.code) == (413, "payload_too_large")
    assert notes.list("notes")[0][0]["_key"] == key


# Lockout per username and client address, with a cap per username across addresses (DESIGN 4).


def test_a_locked_address_leaves_other_addresses_free(any_store):
    assert [_attempt(any_store, "ann", NOW + i, address="198.51.100.7") for i in range(4)] == [True] * 3 + [
        False
    ]
    assert _attempt(any_store, "ann", NOW + 5, address="203.0.113.1") is True
    assert _attempt(any_store, "ann", NOW + 6, address="2001:db8::1") is True


def test_the_cap_per_username_locks_every_address(any_store):
    addresses = [f"198.51.100.{i}" for i in range(5)]
    results = [_attempt(any_store, "ann", NOW, address=address, user_limit=4) for address in addresses]
    assert results == [True, True, True, True, False]
    assert _attempt(any_store, "ann", NOW + 1, address="203.0.113.1", user_limit=4) is False
    assert _attempt(any_store, "bob", NOW + 1, address="203.0.113.1", user_limit=4) is True


def test_checks_refused_at_a_locked_address_do_not_fill_the_username_cap(any_store):
    for i in range(50):
        _attempt(any_store, "ann", NOW + i, address="198.51.100.7", user_limit=5)
    # Only the first three from 198.51.100.7 counted, so the owner still has two elsewhere.
    assert [_attempt(any_store, "ann", NOW + 60, address="203.0.113.1", user_limit=5) for _ in range(3)] == [
        True,
        True,
        False,
    ]


def test_a_retried_attempt_counts_once_for_the_address_and_the_username(any_store):
    for _ in range(4):
        assert _attempt(any_store, "ann", NOW, attempt_id="same", address="198.51.100.7", user_limit=2)
    assert _attempt(any_store, "ann", NOW + 1, address="203.0.113.1", user_limit=2) is True
    assert _attempt(any_store, "ann", NOW + 2, address="203.0.113.2", user_limit=2) is False


def test_a_successful_check_unlocks_its_address_and_is_not_counted(any_store):
    for i in range(2):
        _attempt(any_store, "ann", NOW + i, address="198.51.100.7")  # two failures elsewhere
    for i in range(2):
        _attempt(any_store, "ann", NOW + i, address="203.0.113.1")
    assert _attempt(any_store, "ann", NOW + 3, attempt_id="ok", address="203.0.113.1", user_limit=5)
    any_store.clear_address_failures("ann", "203.0.113.1", "ok")
    # 203.0.113.1 starts again from nothing; 198.51.100.7 keeps its two.
    assert [_attempt(any_store, "ann", NOW + 4, address="203.0.113.1") for _ in range(4)] == [True] * 3 + [
        False
    ]
    assert [_attempt(any_store, "ann", NOW + 5, address="198.51.100.7") for _ in range(2)] == [True, False]


def test_the_successful_check_leaves_room_in_the_username_cap(any_store):
    for i in range(5):
        assert _attempt(any_store, "ann", NOW + i, attempt_id=f"ok{i}", address="203.0.113.1", user_limit=2)
        any_store.clear_address_failures("ann", "203.0.113.1", f"ok{i}")
    assert _attempt(any_store, "ann", NOW + 6, address="198.51.100.7", user_limit=2) is True


def test_clearing_an_address_without_a_window_writes_nothing_that_locks(any_store):
    any_store.clear_address_failures("ann", "203.0.113.1", "never-taken")
    assert [_attempt(any_store, "ann", NOW + i, address="203.0.113.1") for i in range(4)] == [True] * 3 + [
        False
    ]


def test_clearing_the_failures_unlocks_every_address(any_store):
    for i in range(3):
        _attempt(any_store, "ann", NOW + i, address="198.51.100.7", user_limit=3)
    assert _attempt(any_store, "ann", NOW + 4, address="203.0.113.1", user_limit=3) is False
    any_store.clear_failures("ann")
    assert _attempt(any_store, "ann", NOW + 5, address="198.51.100.7", user_limit=3) is True
    assert _attempt(any_store, "ann", NOW + 5, address="203.0.113.1", user_limit=3) is True


def test_a_passed_window_forgets_every_address(any_store):
    for i in range(3):
        _attempt(any_store, "ann", NOW + i, address="198.51.100.7")
    assert _attempt(any_store, "ann", NOW + 900, address="203.0.113.1") is True
    assert [_attempt(any_store, "ann", NOW + 901, address="198.51.100.7") for _ in range(4)] == [True] * 3 + [
        False
    ]
