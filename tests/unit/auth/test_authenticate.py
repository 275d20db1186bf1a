"""Authentication's pure parts: whether a credential is live, and how a session slides."""

from __future__ import annotations

from chalicelib.auth.authenticate import is_live, slid_expiry
from chalicelib.config import load_settings
from chalicelib.storage.base import CredentialRecord

SETTINGS = load_settings({"API_KEY": "k", "TABLE_NAME": "t", "SESSION_TTL_SECONDS": "100"})
NOW = 1_000_000


def session(expires_at=NOW + 50, max_expires_at=NOW + 1000, touched_at=NOW - 10):
    return CredentialRecord(
        "session", "d", "ann", (), expires_at, max_expires_at=max_expires_at, touched_at=touched_at
    )


def test_a_token_lives_until_its_expiry():
    token = CredentialRecord("token", "d", "ann", (), NOW + 1)
    assert is_live(token, NOW) and not is_live(token, NOW + 1)


def test_a_session_dies_at_its_absolute_end_even_when_idle_expiry_is_later():
    assert not is_live(session(expires_at=NOW + 50, max_expires_at=NOW), NOW)


def test_a_session_is_not_slid_within_half_its_lifetime():
    assert slid_expiry(session(touched_at=NOW - 49), NOW, SETTINGS) is None


def test_a_session_slides_after_half_its_lifetime_but_not_past_its_absolute_end():
    assert slid_expiry(session(touched_at=NOW - 50), NOW, SETTINGS) == NOW + 100
    assert slid_expiry(session(touched_at=NOW - 50, max_expires_at=NOW + 60), NOW, SETTINGS) == NOW + 60


def test_a_token_never_slides():
    assert slid_expiry(CredentialRecord("token", "d", "ann", (), NOW + 1), NOW, SETTINGS) is None
