"""users: log in and out, who am I, change my password (DESIGN section 4)."""

from __future__ import annotations

from typing import Any

from chalicelib.auth import accounts
from chalicelib.context import Context
from chalicelib.errors import BadRequest


class Service:
    api = {
        "login": {"type": "external", "format": "json"},
        "logout": {"type": "external", "access": ["authenticated"], "format": "json"},
        "me": {"type": "external", "access": ["authenticated"], "format": "json"},
        "change_password": {"type": "external", "access": ["authenticated"], "format": "json"},
    }

    def login(self, data: Any, ctx: Context) -> dict[str, Any]:
        username, password = accounts.login_fields(data)
        settings = ctx.settings
        issued = accounts.login(ctx.store, settings, username, password, ctx.now())
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
        )
        return {"changed": True, "ended_credentials": ended}
