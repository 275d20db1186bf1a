"""Argon2id password hashes (argon2-cffi), the length rule, and a dummy verify for unknown users."""

from __future__ import annotations

import functools
import secrets
from typing import TYPE_CHECKING

from chalicelib.errors import InvalidInput

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 8
MAX_LENGTH = 1024  # NIST 800-63B: at least 8, allow long passphrases, bound the work


@functools.cache
def _production_hasher() -> PasswordHasher:
    from argon2 import PasswordHasher  # lazily: only logins and admin commands need it

    return PasswordHasher()  # Argon2id, RFC 9106 low-memory profile


_chosen: list[PasswordHasher] = []  # use_hasher's choice, if any


def _hasher() -> PasswordHasher:
    return _chosen[0] if _chosen else _production_hasher()


def use_hasher(hasher: PasswordHasher | None) -> None:
    """Hash with another PasswordHasher from now on (tests, at a cheaper cost); None: the production one.

    The dummy hash of unknown users is made anew with it, so both paths keep costing the same.
    """
    _chosen[:] = [] if hasher is None else [hasher]
    _dummy_hash.cache_clear()


def check_password_rule(password: object) -> str:
    """The password itself if it is a string of 8 to 1024 characters, else 422 invalid_input."""
    if not isinstance(password, str) or not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidInput(f"a password must be a string of {MIN_LENGTH} to {MAX_LENGTH} characters")
    return password


def hash_password(password: str) -> str:
    return _hasher().hash(check_password_rule(password))


def verify_password(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(32))


def burn_verify_time(password: str) -> None:
    """Spend what a real verify spends, so an unknown user costs about the same as a wrong password."""
    verify_password(_dummy_hash(), password)
