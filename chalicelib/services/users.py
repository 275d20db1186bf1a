"""users: log in and out, who am I, change my password (DESIGN section 4)."""

from __future__ import annotations

from typing import Any

from chalicelib.auth import accounts
from chalicelib.context import Context
from chalicelib.errors import BadRequest

USER = {
    "type": "object",
    "required": ["username", "roles"],
    "additionalProperties": False,
    "properties": {"username": {"type": "string"}, "roles": {"type": "array", "items": {"type": "string"}}},
}


NO_STORE = "no-store"


def _address(ctx: Context) -> str:
    """The client's address for the lockout; calls from outside HTTP share one."""
    return ctx.client_address or accounts.UNKNOWN_ADDRESS


class Service:
    api = {
        # POST only: a password never travels in a URL, and a cross-site GET cannot log in or out.
        "login": {
            "type": "external",
            "format": "json",
            "verbs": ["POST"],
            "description": "Log in with a username and password: a token, and a session (also as a cookie).",
            "returns": {
                "type": "object",
                "required": ["token", "expires_at", "session", "session_name", "user"],
                "additionalProperties": False,
                "properties": {
                    "token": {"type": "string"},
                    "expires_at": {"type": "integer"},
                    "session": {"type": "string"},
                    "session_name": {"type": "string"},
                    "user": USER,
                },
            },
        },
        "logout": {
            "type": "external",
            "access": ["authenticated"],
            "format": "json",
            "verbs": ["POST"],
            "description": "End the token or session this call came with.",
            "returns": {
                "type": "object",
                "required": ["logged_out"],
                "properties": {"logged_out": {"const": True}},
            },
        },
        "me": {
            "type": "external",
            "access": ["authenticated"],
            "format": "json",
            "description": "Who the caller is: the username and its own roles.",
            "returns": USER,
        },
        "change_password": {
            "type": "external",
            "access": ["authenticated"],
            "format": "json",
            "verbs": ["POST"],
            "description": "Change your password; every other token and session of yours ends.",
            "returns": {
                "type": "object",
                "required": ["changed", "ended_credentials"],
                "additionalProperties": False,
                "properties": {
                    "changed": {"const": True},
                    "ended_credentials": {"type": "integer", "minimum": 0},
                },
            },
        },
    }

    def login(self, data: Any, ctx: Context) -> dict[str, Any]:
        username, password = accounts.login_fields(data)
        settings = ctx.settings
        issued = accounts.login(ctx.store, settings, username, password, ctx.now(), address=_address(ctx))
        ctx.response_headers["Cache-Control"] = NO_STORE  # the answer carries a token and a session id
        ctx.set_cookie(
            settings.session_name,
            issued.session,
            max_age=settings.session_max_seconds,  # the store slides the idle expiry; the cookie lasts
            path="/",
            secure=True,
            httponly=True,
            samesite="Lax",
        )
        return {
            "token": issued.token,
            "expires_at": issued.token_expires_at,
            "session": issued.session,
            "session_name": settings.session_name,
            "user": {"username": issued.username, "roles": list(issued.roles)},
        }

    def logout(self, data: Any, ctx: Context) -> dict[str, Any]:
        if ctx.credential is None:
            raise BadRequest("logout needs the token or session to end")
        accounts.revoke(ctx.store, ctx.credential)
        ctx.response_headers["Cache-Control"] = NO_STORE
        if ctx.credential.kind == "session":
            ctx.set_cookie(
                ctx.settings.session_name, "", max_age=0, path="/", secure=True, httponly=True, samesite="Lax"
            )
        return {"logged_out": True}

    def me(self, data: Any, ctx: Context) -> dict[str, Any]:
        assert ctx.user is not None  # access: authenticated
        return {"username": ctx.user.username, "roles": list(ctx.user.roles)}

    def change_password(self, data: Any, ctx: Context) -> dict[str, Any]:
        assert ctx.user is not None
        if not isinstance(data, dict) or not isinstance(data.get("old_password"), str):
            raise BadRequest('data must be {"old_password": "...", "new_password": "..."}')
        ended = accounts.change_password(
            ctx.store,
            settings=ctx.settings,
            username=ctx.user.username,
            old=data["old_password"],
            new=data.get("new_password"),
            current=ctx.credential,
            now=ctx.now(),
            address=_address(ctx),
        )
        return {"changed": True, "ended_credentials": ended}
