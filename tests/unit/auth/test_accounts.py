"""Accounts' pure rules and their logic on the memory store: names, roles, login fields, revocation."""

from __future__ import annotations

import pytest

from chalicelib.auth import accounts
from chalicelib.auth.credentials import Credential
from chalicelib.config import load_settings
from chalicelib.errors import BadRequest, InvalidCredentials, InvalidInput, TooManyAttempts
from chalicelib.storage.memory import MemoryStore

SETTINGS = load_settings({"API_KEY": "k", "TABLE_NAME": "t"})
NOW = 1_000_000
PASSWORD = "a long password"


@pytest.mark.parametrize("username", ["ann", "Ann.B-c_d@example.org", "7", "x" * 64])
def test_a_username_of_letters_digits_and_a_few_marks_is_accepted(username):
    assert accounts.check_username(username) == username


@pytest.mark.parametrize("username", ["", "_ann", ".ann", "a b", "ann/x", "x" * 65, None, ["ann"]])
def test_any_other_username_is_invalid_input(username):
    with pytest.raises(InvalidInput):
        accounts.check_username(username)


def test_roles_are_kept_in_order_without_repeats():
    assert accounts.check_roles(["editor", "admin", "editor"]) == ("editor", "admin")


@pytest.mark.parametrize(
    "roles", ["admin", [1], ["1st"], ["a b"], ["anonymous"], ["editor", "authenticated"]]
)
def test_roles_that_are_not_a_list_of_names_or_that_are_implicit_are_invalid_input(roles):
    with pytest.raises(InvalidInput):
        accounts.check_roles(roles)


def test_login_fields_are_a_username_and_a_password():
    assert accounts.login_fields({"username": "ann", "password": "pw"}) == ("ann", "pw")


@pytest.mark.parametrize("data", [None, "ann", {"username": "ann"}, {"username": 1, "password": "pw"}])
def test_login_fields_of_another_shape_are_bad_request(data):
    with pytest.raises(BadRequest):
        accounts.login_fields(data)


def test_a_login_issues_a_token_and_a_session_with_the_users_roles():
    store = MemoryStore()
    accounts.create_user(store, "ann", ["editor"], PASSWORD, NOW)
    issued = accounts.login(store, SETTINGS, "ann", PASSWORD, NOW, address="192.0.2.1")
    assert (issued.username, issued.roles) == ("ann", ("editor",))
    assert store.get_credential("token", Credential("token", issued.token).digest).owner == "ann"
    assert store.get_credential("session", Credential("session", issued.session).digest).owner == "ann"


@pytest.mark.parametrize(("username", "password"), [("ann", "a wrong password"), ("nobody", PASSWORD)])
def test_a_wrong_password_and_an_unknown_user_get_one_error(username, password):
    store = MemoryStore()
    accounts.create_user(store, "ann", [], PASSWORD, NOW)
    with pytest.raises(InvalidCredentials, match=accounts.WRONG_LOGIN):
        accounts.login(store, SETTINGS, username, password, NOW, address="192.0.2.1")


def test_failed_logins_past_the_limit_lock_the_username():
    store = MemoryStore()
    accounts.create_user(store, "ann", [], PASSWORD, NOW)
    for _ in range(SETTINGS.login_max_failures):
        with pytest.raises(InvalidCredentials):
            accounts.login(store, SETTINGS, "ann", "a wrong password", NOW, address="192.0.2.1")
    with pytest.raises(TooManyAttempts):
        accounts.login(store, SETTINGS, "ann", PASSWORD, NOW, address="192.0.2.1")


def test_revoking_a_user_ends_every_credential_it_holds():
    store = MemoryStore()
    accounts.create_user(store, "ann", [], PASSWORD, NOW)
    accounts.login(store, SETTINGS, "ann", PASSWORD, NOW, address="192.0.2.1")
    assert accounts.revoke_user(store, "ann") == 2
    assert store.credentials_of("ann") == []
