"""What every store holds and raises: the records, the domain errors, and the `Store` interface.

The rest of the code sees these and nothing of DynamoDB. `dynamodb.DynamoStore` keeps them in one
DynamoDB table; `memory.MemoryStore` in a dict, with the same conditional semantics.
"""

from __future__ import annotations

from typing import Literal, NamedTuple, Protocol

from chalicelib.config import ConfigError
from chalicelib.errors import ApiError, Unavailable

CredentialKind = Literal["token", "session"]


class StorageError(ApiError):
    """A refusal of the store's own (a name taken, a user missing); rendered with its status and code.

    Two other failures are not store refusals and have their own roots: StorageUnavailable is a
    503 (`Unavailable`), StorageMisconfigured a set-up error (`ConfigError`, answered 500).
    """


class StorageUnavailable(Unavailable):
    """Storage did not answer after bounded retries."""


class StorageMisconfigured(ConfigError):
    """No table, no region, no credentials or no permission: a set-up to fix, not a moment to wait."""


class CredentialCollision(StorageError):
    """A new token or session id that is already stored: a broken random source, never a retry."""

    def __init__(self) -> None:
        super().__init__(500, "internal", "a new credential id is already taken")


class VersionConflict(StorageError):
    """A conditional write of a module's item found another version (or an item where none was expected)."""

    def __init__(self, collection: str, key: str, expected: int, found: int | None) -> None:
        self.collection, self.key, self.expected, self.found = collection, key, expected, found
        now = "does not exist" if found is None else f"is at version {found}"
        wanted = "it not to exist" if expected == 0 else f"version {expected}"
        # The message names no key: it reaches the caller, and a module's keys are its own business.
        super().__init__(409, "conflict", f"the item {now}; the write expected {wanted}")


class ItemTooLarge(StorageError):
    """A module's item over the store's item size limit (DynamoDB's is 400 KB)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(413, "payload_too_large", f"the item is {size} bytes of JSON; the limit is {limit}")


class UserExists(StorageError):
    def __init__(self, username: str) -> None:
        super().__init__(409, "user_exists", f"user '{username}' already exists")


class NoSuchUser(StorageError):
    def __init__(self, username: str) -> None:
        super().__init__(404, "no_such_user", f"no user '{username}'")


# Records are NamedTuples: `dataclasses` would cost every cold start that loads the users module.
class UserRecord(NamedTuple):
    username: str
    password_hash: str
    roles: tuple[str, ...] = ()
    disabled: bool = False
    created_at: int = 0


class ItemRecord(NamedTuple):
    """A module's item as stored: its key, its version (1 on creation) and its JSON text."""

    key: str
    version: int
    body: str


class CredentialRecord(NamedTuple):
    kind: CredentialKind
    digest: str
    owner: str
    roles: tuple[str, ...]
    expires_at: int
    created_at: int = 0
    max_expires_at: int = 0  # sessions: the absolute end of sliding
    touched_at: int = 0  # sessions: the last time expires_at was pushed forward


class Store(Protocol):
    """What the gateway, the accounts and the admin CLI need of storage.

    Every operation may also raise StorageUnavailable (no answer after bounded retries) and
    StorageMisconfigured (no table, no permission); those are not repeated below. A write that the
    backend retries after a lost answer never changes the outcome: each one is idempotent.
    """

    def create_table(self) -> bool:
        """Make the table (and its index); False when it already exists."""
        ...

    def get_user(self, username: str) -> UserRecord | None: ...

    def create_user(self, user: UserRecord) -> None:
        """Create if absent. Raises UserExists when the name is taken; never overwrites."""
        ...

    def set_user_roles(self, username: str, roles: tuple[str, ...]) -> None:
        """Raises NoSuchUser."""
        ...

    def set_user_disabled(self, username: str, disabled: bool) -> None:
        """Raises NoSuchUser."""
        ...

    def set_password_hash(self, username: str, password_hash: str) -> None:
        """Raises NoSuchUser."""
        ...

    def list_users(self) -> list[UserRecord]:
        """Every user, by name (an administrator's operation: it may read the whole table)."""
        ...

    def put_credential(self, record: CredentialRecord) -> None:
        """Create if absent. Raises CredentialCollision when the id is already stored by someone else."""
        ...

    def get_credential(self, kind: CredentialKind, digest: str) -> CredentialRecord | None:
        """A strongly consistent read, expired or not (callers check `expires_at` on their clock)."""
        ...

    def slide_session(self, digest: str, expires_at: int, now: int) -> bool:
        """Push a live session's expiry forward; False, and nothing written, for a revoked or expired one."""
        ...

    def delete_credential(self, kind: CredentialKind, digest: str) -> None:
        """Revoke; deleting one that is gone is not an error."""
        ...

    def credentials_of(self, username: str) -> list[tuple[CredentialKind, str]]:
        """Every token and session of a user, as (kind, digest)."""
        ...

    def set_credential_roles(self, kind: CredentialKind, digest: str, roles: tuple[str, ...]) -> bool:
        """Copy roles onto a stored credential; False, and nothing written, for one that is gone."""
        ...

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
        """Count one password check for the username from a client address; False (locked) when full.

        Locked means `limit` checks are counted for this username from this address, or
        `user_limit` from all addresses together; a refused check is not counted, so checks from a
        locked address never fill the username's count for everyone. Counted atomically, so
        parallel checks cannot pass a limit, and by `attempt_id`, so one attempt counts once
        however often its write is retried. One window per username holds both counts: it opens
        with its first check and closes `window_seconds` later.
        """
        ...

    def clear_address_failures(self, username: str, address: str, attempt_id: str) -> None:
        """After a successful check: the address is no longer locked for the username, and this
        check no longer counts toward the username's count.

        Every other check stays in the username's count until the window passes (those of other
        addresses are not the caller's to forgive). Writes nothing when the username has no window.
        """
        ...

    def clear_failures(self, username: str) -> None:
        """Forget every counted check of the username (an administrator's unlock, a new password)."""
        ...

    # Modules' own items (storage/items.py checks names and sizes, and holds the JSON): `module` and
    # `collection` are identifiers, `key` 1 to 256 printable characters, `body` a JSON object's text.

    def get_item(self, module: str, collection: str, key: str) -> ItemRecord | None:
        """A strongly consistent read of one item."""
        ...

    def put_item(
        self, module: str, collection: str, key: str, body: str, expected_version: int | None
    ) -> int:
        """Write the item and return its new version (1 on creation, +1 on every put).

        `expected_version` None writes whatever is there; 0 only if nothing is; n only if version n is.
        Raises VersionConflict otherwise. ItemTooLarge when the store refuses the item's size.
        """
        ...

    def delete_item(self, module: str, collection: str, key: str, expected_version: int | None) -> bool:
        """Delete the item; False when there was none. Raises VersionConflict for another version."""
        ...

    def list_items(
        self, module: str, collection: str, prefix: str, limit: int, after: str | None
    ) -> tuple[list[ItemRecord], bool]:
        """At most `limit` items whose key starts with `prefix`, in key order, after the key `after`;
        and whether more may follow. Through an index: it may lag a write by a moment."""
        ...
