"""notes: each user's own notes, an example of declared schemas and of a module's own storage.

The schemas say what `data` holds, so the methods need no checks of their own: a PHP client's
strings ("3", "1") arrive converted, defaults are filled in, and anything else is a 422 listing
every problem. Notes live in `ctx.storage` under the key `<username>/<id>`, so a user's notes are
one prefix of the collection and `list` pages through them in id order.
"""

from typing import Any

from chalicelib.context import Context
from chalicelib.errors import ApiError

NOTE_ID = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$", "description": "a-z, 0-9, _ and -"}
NOTE = {
    "type": "object",
    "required": ["id", "text", "pinned", "version"],
    "additionalProperties": False,
    "properties": {
        "id": NOTE_ID,
        "text": {"type": "string"},
        "pinned": {"type": "boolean"},
        "version": {"type": "integer", "minimum": 1},
    },
}


class Service:
    api = {
        "save": {
            "type": "external",
            "access": ["authenticated"],
            "format": "json",
            "description": "Create or replace a note of yours (`version`: never overwrite a newer one).",
            "schema": {
                "type": "object",
                "required": ["id", "text"],
                "additionalProperties": False,
                "properties": {
                    "id": NOTE_ID,
                    "text": {"type": "string", "minLength": 1, "maxLength": 10000},
                    "pinned": {"type": "boolean", "default": False},
                    "version": {
                        "type": "integer",
                        "minimum": 0,
                        "description": "the version you read (0: the note must be new); absent: overwrite",
                    },
                },
            },
            "returns": {
                "type": "object",
                "required": ["id", "version"],
                "additionalProperties": False,
                "properties": {"id": NOTE_ID, "version": {"type": "integer", "minimum": 1}},
            },
        },
        "get": {
            "type": "external",
            "access": ["authenticated"],
            "format": "json",
            "schema": {
                "type": "object",
                "required": ["id"],
                "additionalProperties": False,
                "properties": {"id": NOTE_ID},
            },
            "returns": NOTE,
        },
        "list": {
            "type": "external",
            "access": ["authenticated"],
            "format": "json",
            "schema": {
                "type": "object",
                "default": {},
                "additionalProperties": False,
                "properties": {
                    "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                    "cursor": {
                        "type": "string",
                        "maxLength": 1024,
                        "description": "`next` of the page before",
                    },
                },
            },
            "returns": {
                "type": "object",
                "required": ["notes", "next"],
                "additionalProperties": False,
                "properties": {
                    "notes": {"type": "array", "items": NOTE},
                    "next": {"type": ["string", "null"]},
                },
            },
        },
        "delete": {
            "type": "external",
            "access": ["authenticated"],
            "format": "json",
            "schema": {
                "type": "object",
                "required": ["id"],
                "additionalProperties": False,
                "properties": {"id": NOTE_ID, "version": {"type": "integer", "minimum": 1}},
            },
            "returns": {
                "type": "object",
                "required": ["deleted"],
                "additionalProperties": False,
                "properties": {"deleted": {"type": "boolean"}},
            },
        },
    }

    def save(self, data, ctx):
        version = ctx.storage.put(
            "notes",
            _key(ctx, data["id"]),
            {"text": data["text"], "pinned": data["pinned"]},
            expected_version=data.get("version"),
        )
        return {"id": data["id"], "version": version}

    def get(self, data, ctx):
        """One of your notes, by id."""
        item = ctx.storage.get("notes", _key(ctx, data["id"]))
        if item is None:
            raise ApiError(404, "no_such_note", f"you have no note {data['id']!r}")
        return _note(item)

    def list(self, data, ctx):
        """Your notes in id order, a page at a time (`next` is the cursor of the following page)."""
        items, cursor = ctx.storage.list(
            "notes", prefix=_key(ctx, ""), limit=data["limit"], cursor=data.get("cursor")
        )
        return {"notes": [_note(item) for item in items], "next": cursor}

    def delete(self, data, ctx):
        """Delete one of your notes; give `version` to refuse deleting a newer one."""
        return {
            "deleted": ctx.storage.delete(
                "notes", _key(ctx, data["id"]), expected_version=data.get("version")
            )
        }


def _key(ctx: Context, note_id: str) -> str:
    # A username holds no "/" (users.login refuses one), so "<username>/" is exactly one user's notes.
    assert ctx.user is not None  # access: authenticated
    return f"{ctx.user.username}/{note_id}"


def _note(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": item["_key"].partition("/")[2],
        "text": item["text"],
        "pinned": item["pinned"],
        "version": item["_version"],
    }
