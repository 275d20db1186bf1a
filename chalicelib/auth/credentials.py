"""Tokens and session ids: where a request carries one, how they are made, how they are stored (digests)."""

# Annotations are evaluated, not postponed (no `from __future__ import annotations`): a NamedTuple's
# postponed annotations are each compiled as a ForwardRef when its class is made, on every cold start.

import hashlib
import re
from typing import TYPE_CHECKING, NamedTuple

from chalicelib.http.request import ApiRequest, param_str

if TYPE_CHECKING:  # the storage module (and `secrets`) stay off the path of a request without credentials
    from chalicelib.storage.base import CredentialKind

SECRET_BYTES = 32  # 256 bits of randomness per token and session id
# What new_secret() can produce (with room for a longer future format); anything else is refused unread.
_WELL_FORMED = r"[A-Za-z0-9_-]{16,128}"  # compiled on first use (re's cache): public requests never


class Credential(NamedTuple):
    """A token or a session id as the caller sent it. `repr` never shows the secret."""

    kind: "CredentialKind"
    secret: str

    def __repr__(self) -> str:
        return f"Credential(kind={self.kind!r}, secret=<hidden>)"

    @property
    def well_formed(self) -> bool:
        return re.fullmatch(_WELL_FORMED, self.secret) is not None

    @property
    def digest(self) -> str:
        return digest(self.secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def new_secret() -> str:
    import secrets

    return secrets.token_urlsafe(SECRET_BYTES)


def new_attempt_id() -> str:
    """Names one password check, so that a retried count of it is recognised (not a secret)."""
    import secrets

    return secrets.token_hex(8)


def _string(request: ApiRequest, name: str) -> str | None:
    """A credential parameter: None when absent or empty, 400 when it is not a string."""
    if name not in request.params:  # most requests bring none
        return None
    return param_str(request.params, name) or None


def credential_from(request: ApiRequest, session_name: str) -> Credential | None:
    """The first credential present: Authorization header, token param, session param, session cookie."""
    header = request.headers.get("authorization", "").strip()
    if header:
        scheme, _, value = header.partition(" ")
        return Credential("token", value.strip() if scheme.lower() == "bearer" else "\0not-bearer")
    token = _string(request, "token")
    if token is not None:
        return Credential("token", token)
    session = _string(request, session_name)
    if session is not None:
        return Credential("session", session)
    cookie = request.cookies.get(session_name, "")
    return Credential("session", cookie) if cookie else None
