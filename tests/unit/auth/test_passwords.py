"""Password hashes: Argon2id at production cost, the length rule, and the dummy verify for unknown users.

Every other test hashes at the cheap cost tests/conftest.py swaps in; the `production_hashes` tests
check what production uses.
"""

from __future__ import annotations

import argon2
import pytest

from chalicelib.auth import passwords
from chalicelib.errors import InvalidInput
from tests.cheap_argon2 import MEMORY_COST, PARALLELISM, TIME_COST

PASSWORD = "correct horse battery"


def parameters_of(password_hash):
    found = argon2.extract_parameters(password_hash)
    return found.type, found.time_cost, found.memory_cost, found.parallelism


@pytest.mark.parametrize("password", ["x" * 8, "x" * 1024, "é" * 8])
def test_a_password_of_8_to_1024_characters_passes_the_rule(password):
    assert passwords.check_password_rule(password) == password


@pytest.mark.parametrize("password", ["x" * 7, "x" * 1025, "", None, 12345678, ["x" * 8]])
def test_a_password_shorter_or_longer_or_not_a_string_is_invalid_input(password):
    with pytest.raises(InvalidInput, match="8 to 1024"):
        passwords.check_password_rule(password)


def test_a_password_the_rule_refuses_is_never_hashed():
    with pytest.raises(InvalidInput):
        passwords.hash_password("short")


def test_a_hash_verifies_its_own_password_and_no_other():
    password_hash = passwords.hash_password(PASSWORD)
    assert passwords.verify_password(password_hash, PASSWORD)
    assert not passwords.verify_password(password_hash, PASSWORD + "!")


def test_two_hashes_of_one_password_differ_by_their_salt():
    assert passwords.hash_password(PASSWORD) != passwords.hash_password(PASSWORD)


@pytest.mark.parametrize("stored", ["", "not a hash", "$argon2id$v=19$m=8,t=1,p=1$broken"])
def test_a_stored_value_that_is_no_argon2_hash_verifies_nothing(stored):
    assert not passwords.verify_password(stored, PASSWORD)


def test_the_tests_hash_at_the_cheap_cost_and_so_does_the_dummy_verify():
    cheap = (argon2.Type.ID, TIME_COST, MEMORY_COST, PARALLELISM)
    assert parameters_of(passwords.hash_password(PASSWORD)) == cheap
    assert parameters_of(passwords._dummy_hash()) == cheap


def test_burning_verify_time_checks_the_password_against_a_hash_of_the_same_cost(monkeypatch):
    checked = []
    monkeypatch.setattr(passwords, "verify_password", lambda stored, given: checked.append(stored) or False)
    passwords.burn_verify_time(PASSWORD)
    assert checked == [passwords._dummy_hash()]


def test_production_hashes_with_argon2id_at_the_rfc_9106_low_memory_cost(production_hashes):
    rfc_9106_low_memory = (argon2.Type.ID, 3, 64 * 1024, 4)  # 3 passes over 64 MiB, 4 lanes
    password_hash = passwords.hash_password(PASSWORD)
    assert parameters_of(password_hash) == rfc_9106_low_memory
    assert passwords.verify_password(password_hash, PASSWORD)


def test_production_burns_the_time_of_a_real_verify_for_an_unknown_user(production_hashes):
    assert parameters_of(passwords._dummy_hash()) == parameters_of(passwords.hash_password(PASSWORD))
