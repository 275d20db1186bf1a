"""The pure parts of authentication: liveness, sliding, where a credential is read from."""

from __future__ import annotations

import pytest

from chalicelib.auth.authenticate import is_live, slid_expiry
from chalicelib.auth.credentials import Credential, credential_from, digest, new_secret
from chalicelib.config import load_settings
from chalicelib.errors import BadRequest
from chalicelib.http.request import ApiRequest
from chalicelib.storage.base import CredentialRecord

SETTINGS = load_settings({"API_KEY": "k", "TABLE_NAME": "t", "SESSION_TTL_SECONDS": "100"})
NOW = 1_000_000


def session(expires_at=NOW + 50, max_expires_at=NOW + 1000, touched_at=NOW - 10):
    return CredentialRecord(
        "session", "d", "ann", (), expires_at, max_expires_at=max_expires_at, touched_at=touched_at
    )


def request(params=None, headers=None, cookies=None):
    return ApiRequest("GET", params or {}, headers or {}, cookies or {}, "r")


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


def test_the_authorization_header_comes_first():
    found = credential_from(request({"token": "t2"}, {"authorization": "Bearer t1"}), "EQSASH_SESSION")
    assert (found.kind, found.secret) == ("token", "t1")


def test_then_the_token_then_the_session_parameter_then_the_cookie():
    assert credential_from(request({"token": "t", "S": "s"}, cookies={"S": "c"}), "S").secret == "t"
    assert credential_from(request({"S": "s"}, cookies={"S": "c"}), "S") == Credential("session", "s")
    assert credential_from(request(cookies={"S": "c"}), "S") == Credential("session", "c")
    assert credential_from(request(), "S") is None


def test_an_empty_token_counts_as_absent():
    assert credential_from(request({"token": ""}), "S") is None


def test_a_token_that_is_not_a_string_is_bad_request():
    with pytest.raises(BadRequest):
        credential_from(request({"token": ["x"]}), "S")


def test_new_secrets_carry_256_bits_and_are_well_formed():
    secret = new_secret()
    assert len(secret) >= 43 and Credential("token", secret).well_formed


def test_a_credentials_repr_hides_the_secret():
    assert "hunter2" not in repr(Credential("token", "hunter2hunter2hunter2"))


def test_digests_are_sha256_hex():
    assert digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
