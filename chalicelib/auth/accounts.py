"""Users and their credentials: login, logout, password changes, and the administrator's operations.

Every change to a user (roles, disabled, password) reaches its live tokens and sessions at
once, through the storage's owner index.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from chalicelib import telemetry
from chalicelib.auth import passwords
from chalicelib.auth.credentials import Credential, new_attempt_id, new_secret
from chalicelib.config import Settings
from chalicelib.errors import BadRequest, InvalidCredentials, InvalidInput, TooManyAttempts
from chalicelib.identity import IMPLICIT_ROLES
from chalicelib.storage.base import CredentialRecord, NoSuchUser, Store, UserRecord

_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
_ROLE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}")
WRONG_LOGIN = "wrong username or password"
# The client address of a password check made without one (an internal call, a script).
UNKNOWN_ADDRESS = "unknown"


class Login(NamedTuple):
    token: str
    token_expires_at: int
    session: str
    session_expires_at: int
    username: str
    roles: tuple[str, ...]


def check_username(username: object) -> str:
    if not isinstance(username, str) or _USERNAME.fullmatch(username) is None:
        raise InvalidInput("a username is 1 to 64 letters, digits or _.@- and starts with a letter or digit")
    return username


def check_roles(roles: Any) -> tuple[str, ...]:
    if not isinstance(roles, list | tuple) or not all(
        isinstance(r, str) and _ROLE.fullmatch(r) for r in roles
    ):
        raise InvalidInput("roles are names of letters, digits and _.- starting with a letter")
    implicit = sorted(IMPLICIT_ROLES.intersection(roles))
    if implicit:
        raise InvalidInput(f"the implicit roles cannot be given to a user: {', '.join(implicit)}")
    return tuple(dict.fromkeys(roles))


def login_fields(data: Any) -> tuple[str, str]:
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("username"), str)
        or not isinstance(data.get("password"), str)
    ):
        raise BadRequest('data must be {"username": "...", "password": "..."}')
    return data["username"], data["password"]


def _password_matches(user: UserRecord | None, password: str) -> bool:
    """Verify against the user's hash, or a dummy one, so both paths cost about the same."""
    if not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
        return False
    if user is None:
        passwords.burn_verify_time(password)
        return False
    return passwords.verify_password(user.password_hash, password) and not user.disabled


def _take_attempt(store: Store, settings: Settings, username: str, address: str, now: int) -> str:
    """Count this password check before making it; 429 while the username is locked for the address.

    Returns the attempt's id, which a successful check uncounts.
    """
    attempt_id = new_attempt_id()
    if not store.take_attempt(
        username,
        address,
        attempt_id,
        now=now,
        window_seconds=settings.login_window_seconds,
        limit=settings.login_max_failures,
        user_limit=settings.login_max_failures_per_user,
    ):
        telemetry.lockout(username)
        raise TooManyAttempts("too many failed logins for this username; try again later")
    return attempt_id


def login(
    store: Store,
    settings: Settings,
    username: str,
    password: str,
    now: int,
    *,
    address: str,
) -> Login:
    """A new token and session; 401 for a wrong name, password or a disabled user, 429 while locked.

    `address` is the client's, as API Gateway saw it: failures lock the username for that address
    only (and for everyone past the per-username cap), so no one can lock the owner out from elsewhere.
    """
    if _USERNAME.fullmatch(username) is None:
        passwords.burn_verify_time(password[: passwords.MAX_LENGTH])
        raise InvalidCredentials(WRONG_LOGIN)
    attempt_id = _take_attempt(store, settings, username, address, now)
    user = store.get_user(username)
    matched = _password_matches(user, password)  # verifies against a dummy hash for an unknown user
    if user is None or not matched:
        raise InvalidCredentials(WRONG_LOGIN)  # the attempt stays counted
    store.clear_address_failures(username, address, attempt_id)
    issued = _issue(store, settings, user, now)
    return _settle_race(store, issued)


def _issue(store: Store, settings: Settings, user: UserRecord, now: int) -> Login:
    token, session = new_secret(), new_secret()
    token_expiry = now + settings.token_ttl_seconds
    session_max = now + settings.session_max_seconds
    session_expiry = min(now + settings.session_ttl_seconds, session_max)
    token_record = CredentialRecord(
        "token", Credential("token", token).digest, user.username, user.roles, token_expiry, created_at=now
    )
    session_record = CredentialRecord(
        "session",
        Credential("session", session).digest,
        user.username,
        user.roles,
        session_expiry,
        created_at=now,
        max_expires_at=session_max,
        touched_at=now,
    )
    store.put_credential(token_record)
    store.put_credential(session_record)
    return Login(token, token_expiry, session, session_expiry, user.username, user.roles)


def _settle_race(store: Store, issued: Login) -> Login:
    """Re-read the user after writing: a role change or a disable made meanwhile wins over this login."""
    current = store.get_user(issued.username)
    pairs = (
        ("token", Credential("token", issued.token).digest),
        ("session", Credential("session", issued.session).digest),
    )
    if current is None or current.disabled:
        for kind, digest in pairs:
            store.delete_credential(kind, digest)  # type: ignore[arg-type]
        raise InvalidCredentials(WRONG_LOGIN)
    if current.roles != issued.roles:
        for kind, digest in pairs:
            store.set_credential_roles(kind, digest, current.roles)  # type: ignore[arg-type]
        return Login(
            issued.token,
            issued.token_expires_at,
            issued.session,
            issued.session_expires_at,
            issued.username,
            current.roles,
        )
    return issued


def revoke(store: Store, credential: Credential) -> None:
    store.delete_credential(credential.kind, credential.digest)


def revoke_all(store: Store, username: str, keep: Credential | None = None) -> int:
    """End every token and session of a user (but `keep`); how many were ended."""
    kept = None if keep is None else (keep.kind, keep.digest)
    ended = 0
    for kind, digest in store.credentials_of(username):
        if (kind, digest) != kept:
            store.delete_credential(kind, digest)
            ended += 1
    return ended


def change_password(
    store: Store,
    *,
    settings: Settings,
    username: str,
    old: str,
    new: object,
    current: Credential | None,
    now: int,
    address: str,
) -> int:
    """Set a new password after checking the old one; ends every other token and session."""
    new_password = passwords.check_password_rule(new)
    attempt_id = _take_attempt(store, settings, username, address, now)
    user = store.get_user(username)
    matched = _password_matches(user, old)
    if user is None or not matched:
        raise InvalidInput("old_password is not the current password")
    store.clear_address_failures(username, address, attempt_id)
    store.set_password_hash(username, passwords.hash_password(new_password))
    return revoke_all(store, username, keep=current)


# -- the administrator's operations (admin CLI, internal calls) ---------------------------------


def create_user(store: Store, username: str, roles: Any, password: str, now: int) -> UserRecord:
    record = UserRecord(
        check_username(username), passwords.hash_password(password), check_roles(roles), created_at=now
    )
    store.create_user(record)
    return record


def set_roles(store: Store, username: str, roles: Any) -> int:
    """New roles for a user and, at once, for its live credentials; how many credentials were updated."""
    roles = check_roles(roles)
    store.set_user_roles(username, roles)
    return sum(
        store.set_credential_roles(kind, digest, roles) for kind, digest in store.credentials_of(username)
    )


def set_disabled(store: Store, username: str, disabled: bool) -> int:
    """Disable (ending every credential) or enable a user."""
    store.set_user_disabled(username, disabled)
    return revoke_all(store, username) if disabled else 0


def _require_user(store: Store, username: str) -> None:
    if store.get_user(username) is None:
        raise NoSuchUser(username)


def revoke_user(store: Store, username: str) -> int:
    """End every token and session of an existing user; how many were ended."""
    _require_user(store, username)
    return revoke_all(store, username)


def set_password(store: Store, username: str, password: str) -> int:
    """The administrator sets a password; every credential of the user ends, every lock is lifted."""
    _require_user(store, username)
    store.set_password_hash(username, passwords.hash_password(password))
    store.clear_failures(username)
    return revoke_all(store, username)


def unlock_user(store: Store, username: str) -> None:
    """Forget the user's failed password checks, from every address: every lock is lifted at once."""
    _require_user(store, username)
    store.clear_failures(username)
