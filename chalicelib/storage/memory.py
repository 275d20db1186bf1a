"""The Store interface in a dict: the test kit, functional tests and anything that runs without a server.

It keeps the DynamoDB store's conditional semantics (create if absent, a revoked credential never
revived, attempts counted atomically and once per attempt id, a session slid only while live) under
one lock, so threads see the same outcomes as against DynamoDB.
"""

from __future__ import annotations

import threading

from chalicelib.storage.base import (
    CredentialCollision,
    CredentialKind,
    CredentialRecord,
    NoSuchUser,
    UserExists,
    UserRecord,
)


class _Attempts:
    __slots__ = ("expires_at", "ids")

    def __init__(self, expires_at: int) -> None:
        self.expires_at = expires_at
        self.ids: set[str] = set()


class MemoryStore:
    """Users, credentials and counted attempts in this process's memory; nothing survives it."""

    def __init__(self) -> None:
        self._users: dict[str, UserRecord] = {}
        self._credentials: dict[tuple[CredentialKind, str], CredentialRecord] = {}
        self._attempts: dict[str, _Attempts] = {}
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

    def take_attempt(self, username: str, attempt_id: str, now: int, window_seconds: int, limit: int) -> bool:
        with self._lock:
            attempts = self._attempts.get(username)
            if attempts is None or attempts.expires_at <= now:
                attempts = self._attempts[username] = _Attempts(now + window_seconds)
            if attempt_id not in attempts.ids:
                if len(attempts.ids) >= limit:
                    return False
                attempts.ids.add(attempt_id)
            return True

    def clear_failures(self, username: str) -> None:
        with self._lock:
            self._attempts.pop(username, None)
