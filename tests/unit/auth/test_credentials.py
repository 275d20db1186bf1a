"""Tokens and session ids: where a request carries one, how they are made, how they are stored."""

from __future__ import annotations

import pytest

from chalicelib.auth.credentials import Credential, credential_from, digest, new_secret
from chalicelib.errors import BadRequest
from chalicelib.http.request import ApiRequest


def request(params=None, headers=None, cookies=None):
    return ApiRequest("GET", params or {}, headers or {}, cookies or {}, "r")


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
