"""Turning a credential into a user: one storage read, expiry checked on the clock, sessions slid forward."""

from __future__ import annotations

import logging

from chalicelib.auth.credentials import Credential
from chalicelib.config import Settings
from chalicelib.errors import Unauthenticated
from chalicelib.identity import User
from chalicelib.storage.base import CredentialRecord, StorageUnavailable, Store

logger = logging.getLogger(__name__)

REFUSED = "the token or session is not valid (unknown, expired or revoked)"


def is_live(record: CredentialRecord, now: int) -> bool:
    if record.expires_at <= now:
        return False
    return record.kind == "token" or record.max_expires_at > now


def slid_expiry(record: CredentialRecord, now: int, settings: Settings) -> int | None:
    """The new expiry of a session used now, or None while it was pushed forward under half a lifetime ago."""
    if record.kind != "session" or now - record.touched_at < settings.session_ttl_seconds // 2:
        return None
    new_expiry = min(now + settings.session_ttl_seconds, record.max_expires_at)
    return new_expiry if new_expiry > record.expires_at else None


def authenticate(credential: Credential, store: Store, settings: Settings, now: int) -> User:
    """The user behind a credential, or 401; StorageUnavailable (503) when storage does not answer."""
    if not credential.well_formed:
        raise Unauthenticated(REFUSED)
    record = store.get_credential(credential.kind, credential.digest)
    if record is None or not is_live(record, now):
        raise Unauthenticated(REFUSED)
    new_expiry = slid_expiry(record, now, settings)
    if new_expiry is not None:
        try:
            store.slide_session(record.digest, new_expiry, now)
        except StorageUnavailable:
            logger.warning("a session could not be slid forward; it stays valid until its current expiry")
    return User(username=record.owner, roles=record.roles)
