"""The Store interface in a dict: the test kit, functional tests and anything that runs without a server.

It keeps the DynamoDB store's conditional semantics (create if absent, a revoked credential never
revived, attempts counted atomically and once per attempt id, a session slid only while live) under
one lock, so threads see the same outcomes as against DynamoDB.
"""

from __future__ import annotations

import bisect
import threading

from chalicelib.storage.base import (
    CredentialCollision,
    CredentialKind,
    CredentialRecord,
    ItemRecord,
    NoSuchUser,
    UserExists,
    UserRecord,
    VersionConflict,
)


class _Attempts:
    """A username's window: every counted attempt, and those of each client address."""

    __slots__ = ("by_address", "expires_at", "ids")

    def __init__(self, expires_at: int) -> None:
        self.expires_at = expires_at
        self.ids: set[str] = set()
        self.by_address: dict[str, set[str]] = {}


class MemoryStore:
    """Users, credentials and counted attempts in this process's memory; nothing survives it."""

    def __init__(self) -> None:
        self._users: dict[str, UserRecord] = {}
        self._credentials: dict[tuple[CredentialKind, str], CredentialRecord] = {}
        self._attempts: dict[str, _Attempts] = {}
        # (module, collection) -> key -> record, and the keys in order for list_items
        self._items: dict[tuple[str, str], dict[str, ItemRecord]] = {}
        self._item_keys: dict[tuple[str, str], list[str]] = {}
        self._lock = threading.Lock()
        self.table_name = "memory"

    def create_table(self) -> bool:
        return False  # always there

    # -- users -------------------------------------------------------------------------------

    def get_user(self, username: str) -> UserRecord | None:
        return self._users.get(username)

    def create_user(self, user: UserRecord) -> None:
        with self._lock:
            # The same record again is a retry, as DynamoStore takes it; another one is refused.
            if self._users.setdefault(user.username, user) != user:
                raise UserExists(user.username)

    def _update_user(self, username: str, **changes: object) -> None:
        with self._lock:
            user = self._users.get(username)
            if user is None:
                raise NoSuchUser(username)
            self._users[username] = user._replace(**changes)  # type: ignore[arg-type]

    def set_user_roles(self, username: str, roles: tuple[str, ...]) -> None:
        self._update_user(username, roles=tuple(roles))

    def set_user_disabled(self, username: str, disabled: bool) -> None:
        self._update_user(username, disabled=disabled)

    def set_password_hash(self, username: str, password_hash: str) -> None:
        self._update_user(username, password_hash=password_hash)

    def list_users(self) -> list[UserRecord]:
        return sorted(self._users.values(), key=lambda user: user.username)

    # -- credentials -------------------------------------------------------------------------

    def put_credential(self, record: CredentialRecord) -> None:
        with self._lock:
            if self._credentials.setdefault((record.kind, record.digest), record) != record:
                raise CredentialCollision()

    def get_credential(self, kind: CredentialKind, digest: str) -> CredentialRecord | None:
        return self._credentials.get((kind, digest))

    def slide_session(self, digest: str, expires_at: int, now: int) -> bool:
        with self._lock:
            record = self._credentials.get(("session", digest))
            if record is None or record.expires_at <= now:
                return False
            self._credentials["session", digest] = record._replace(expires_at=expires_at, touched_at=now)
            return True

    def delete_credential(self, kind: CredentialKind, digest: str) -> None:
        with self._lock:
            self._credentials.pop((kind, digest), None)

    def credentials_of(self, username: str) -> list[tuple[CredentialKind, str]]:
        with self._lock:
            return [key for key, record in self._credentials.items() if record.owner == username]

    def set_credential_roles(self, kind: CredentialKind, digest: str, roles: tuple[str, ...]) -> bool:
        with self._lock:
            record = self._credentials.get((kind, digest))
            if record is None:
                return False
            self._credentials[kind, digest] = record._replace(roles=tuple(roles))
            return True

    # -- counted attempts --------------------------------------------------------------------

    def take_attempt(
        self,
        username: str,
        address: str,
        attempt_id: str,
        *,
        now: int,
        window_seconds: int,
        limit: int,
        user_limit: int,
    ) -> bool:
        with self._lock:
            attempts = self._attempts.get(username)
            if attempts is None or attempts.expires_at <= now:
                attempts = self._attempts[username] = _Attempts(now + window_seconds)
            from_address = attempts.by_address.get(address, set())
            if attempt_id in from_address:
                return True
            if len(from_address) >= limit or len(attempts.ids) >= user_limit:
                return False
            attempts.ids.add(attempt_id)
            attempts.by_address.setdefault(address, set()).add(attempt_id)
            return True

    def clear_address_failures(self, username: str, address: str, attempt_id: str) -> None:
        with self._lock:
            attempts = self._attempts.get(username)
            if attempts is not None:
                attempts.ids.discard(attempt_id)
                attempts.by_address.pop(address, None)

    def clear_failures(self, username: str) -> None:
        with self._lock:
            self._attempts.pop(username, None)

    # -- modules' items ----------------------------------------------------------------------

    def get_item(self, module: str, collection: str, key: str) -> ItemRecord | None:
        return self._items.get((module, collection), {}).get(key)

    def _check_version(
        self, collection: str, key: str, found: ItemRecord | None, expected_version: int | None
    ) -> None:
        version = None if found is None else found.version
        if expected_version is not None and (version or 0) != expected_version:
            raise VersionConflict(collection, key, expected_version, version)

    def put_item(
        self, module: str, collection: str, key: str, body: str, expected_version: int | None
    ) -> int:
        with self._lock:
            items = self._items.setdefault((module, collection), {})
            found = items.get(key)
            self._check_version(collection, key, found, expected_version)
            version = 1 if found is None else found.version + 1
            items[key] = ItemRecord(key, version, body)
            if found is None:
                bisect.insort(self._item_keys.setdefault((module, collection), []), key)
            return version

    def delete_item(self, module: str, collection: str, key: str, expected_version: int | None) -> bool:
        with self._lock:
            items = self._items.get((module, collection), {})
            found = items.get(key)
            if found is None:
                return False
            self._check_version(collection, key, found, expected_version)
            del items[key]
            keys = self._item_keys[module, collection]
            del keys[bisect.bisect_left(keys, key)]
            return True

    def list_items(
        self, module: str, collection: str, prefix: str, limit: int, after: str | None
    ) -> tuple[list[ItemRecord], bool]:
        with self._lock:
            keys = self._item_keys.get((module, collection), [])
            items = self._items.get((module, collection), {})
            start = bisect.bisect_left(keys, prefix) if after is None else bisect.bisect_right(keys, after)
            chosen: list[ItemRecord] = []
            for index in range(start, len(keys)):
                if not keys[index].startswith(prefix):
                    break
                if len(chosen) == limit:
                    return chosen, True
                chosen.append(items[keys[index]])
            return chosen, False
