"""users through the test kit: log in, who am I, change the password, log out, each as `returns` says."""

from __future__ import annotations

from chalicelib import testing
from chalicelib.auth import accounts

PASSWORD = "a long password"


def test_a_session_of_the_users_module_answers_what_it_declares():
    client = testing.Client()
    accounts.create_user(client.store, "ann", ["editor"], PASSWORD, int(client.clock()))
    login = client.call("users", "login", {"username": "ann", "password": PASSWORD})
    assert login.json["user"] == {"username": "ann", "roles": ["editor"]}
    assert any(cookie.startswith("EQSASH_SESSION=") for cookie in login.headers["Set-Cookie"])
    ann = testing.user("ann", "editor")
    assert client.call("users", "me", user=ann).json == {"username": "ann", "roles": ["editor"]}
    changed = client.call(
        "users", "change_password", {"old_password": PASSWORD, "new_password": "another long one"}, user=ann
    )
    assert changed.json["changed"] is True and changed.json["ended_credentials"] >= 1
    assert client.call("users", "login", {"username": "ann", "password": PASSWORD}).error == (
        401,
        "invalid_credentials",
    )
    token = client.call("users", "login", {"username": "ann", "password": "another long one"}).json["token"]
    assert token
    assert client.call("users", "logout", user=testing.user("bob")).json == {"logged_out": True}


def test_a_caller_of_the_kit_that_logged_out_is_let_in_again_on_its_next_call():
    client = testing.Client()
    bob = testing.user("bob")
    assert client.call("users", "logout", user=bob).json == {"logged_out": True}
    assert client.call("users", "me", user=bob).json == {"username": "bob", "roles": []}
