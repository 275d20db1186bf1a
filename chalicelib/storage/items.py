"""A module's own items (`ctx.storage`): JSON objects under a collection and a key, with versions.

This is where the names, the limits and the JSON live; each Store keeps the records
(storage/base.py). A ModuleStorage is bound to one module, so a module reaches only its own
items. docs/module-storage.md gives each operation's cost and the index's lag.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib.errors import BadRequest

if TYPE_CHECKING:
    from chalicelib.storage.base import ItemRecord, Store

MAX_COLLECTION_LENGTH = 64
MAX_KEY_LENGTH = 256
MAX_LIMIT = 100
# DynamoDB refuses an item over 400 KB (409,600 bytes), names and key included; this leaves
# 9,600 bytes for the key (at most 1 KiB of UTF-8, held three times) and the other attributes.
MAX_ITEM_BYTES = 400_000
RESERVED = ("_key", "_version")

_COLLECTION = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def check_collection(collection: object) -> str:
    """A collection name is fixed by the module's code: a wrong one is a bug (ValueError)."""
    if not isinstance(collection, str) or not _COLLECTION.fullmatch(collection):
        raise ValueError(
            f"a collection is an identifier of at most {MAX_COLLECTION_LENGTH} characters, got {collection!r}"
        )
    return collection


def check_key(key: object) -> str:
    """A key often comes from the caller's data: a wrong one is the caller's 400."""
    if not isinstance(key, str) or not 0 < len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise BadRequest(f"an item key is 1 to {MAX_KEY_LENGTH} printable characters")
    return key


def _check_version(expected_version: object) -> int | None:
    if expected_version is None:
        return None
    if isinstance(expected_version, bool) or not isinstance(expected_version, int) or expected_version < 0:
        raise ValueError(
            f"expected_version is None, 0 (must not exist) or a version, got {expected_version!r}"
        )
    return expected_version


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, prefix: str) -> str:
    """The key a cursor continues after; BadRequest for one that `list` did not hand out."""
    if not isinstance(cursor, str) or len(cursor) > 4 * MAX_KEY_LENGTH * 2:
        raise BadRequest("the cursor is not one that list returned")
    try:
        key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadRequest("the cursor is not one that list returned") from None
    if not key.startswith(prefix) or not 0 < len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise BadRequest("the cursor is not one that list returned for this prefix")
    return key


class ModuleStorage:
    """`ctx.storage`: get, put, delete and list one module's items; the store is made on first use."""

    __slots__ = ("_store", "_store_factory", "module")

    def __init__(self, store: Callable[[], Store], module: str) -> None:
        self._store_factory = store
        self._store: Store | None = None
        self.module = module

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = self._store_factory()
        return self._store

    def get(self, collection: str, key: str) -> dict[str, Any] | None:
        """The item with its `_key` and `_version`, or None."""
        record = self.store.get_item(self.module, check_collection(collection), check_key(key))
        return None if record is None else _item(record)

    def put(
        self, collection: str, key: str, item: dict[str, Any], expected_version: int | None = None
    ) -> int:
        """Store `item` (a JSON object; its `_key` and `_version` are ignored) and return its new version.

        `expected_version`: None writes whatever is there; 0 only when nothing is; n only over
        version n. Otherwise 409 `conflict`. Over MAX_ITEM_BYTES of JSON: 413 `payload_too_large`.
        """
        from chalicelib.storage.base import ItemTooLarge

        check_collection(collection)
        check_key(key)
        expected = _check_version(expected_version)
        if not isinstance(item, dict):
            raise TypeError(f"an item is a dict (a JSON object), got {type(item).__name__}")
        body = json.dumps(
            {name: value for name, value in item.items() if name not in RESERVED},
            ensure_ascii=False,
            allow_nan=False,
            separators=(",", ":"),
        )
        size = len(body.encode())
        if size > MAX_ITEM_BYTES:
            raise ItemTooLarge(size, MAX_ITEM_BYTES)
        return self.store.put_item(self.module, collection, key, body, expected)

    def delete(self, collection: str, key: str, expected_version: int | None = None) -> bool:
        """True when the item existed; 409 `conflict` when it is at another version than expected."""
        return self.store.delete_item(
            self.module, check_collection(collection), check_key(key), _check_version(expected_version)
        )

    def list(
        self, collection: str, prefix: str = "", limit: int = 50, cursor: str | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Items in key order, at most `limit` (1 to 100), and the cursor of the next page (None at the end).

        It reads an index that may lag a write by a moment.
        """
        check_collection(collection)
        if (
            not isinstance(prefix, str)
            or len(prefix) > MAX_KEY_LENGTH
            or (prefix and not prefix.isprintable())
        ):
            raise BadRequest(f"a key prefix is at most {MAX_KEY_LENGTH} printable characters")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit is 1 to {MAX_LIMIT}, got {limit!r}")
        after = None if cursor is None else decode_cursor(cursor, prefix)
        records, more = self.store.list_items(self.module, collection, prefix, limit, after)
        next_cursor = encode_cursor(records[-1].key) if more and records else None
        return [_item(record) for record in records], next_cursor


def _item(record: ItemRecord) -> dict[str, Any]:
    item: dict[str, Any] = json.loads(record.body)
    item["_key"] = record.key
    item["_version"] = record.version
    return item
