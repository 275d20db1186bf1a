"""Login, a role-limited call, logout, refused after: through the Chalice app, on moto and on dynalite."""

from __future__ import annotations

import json

from chalicelib import runtime
from chalicelib.auth import accounts
from tests.conftest import error_of

PASSWORD = "integration password"


def test_login_call_logout_flow(api, any_store):
    accounts.create_user(any_store, "root", ["administrator"], PASSWORD, runtime.now())
    login = api.login("root", PASSWORD)
    assert (
        api.call("demo", "get_user_id", token=login["token"]).body
        == b'{"id":7,"roles":{"0":"administrator"}}'
    )
    assert json.loads(api.call("users", "me", EQSASH_SESSION=login["session"]).body)["username"] == "root"
    assert api.call("users", "logout", token=login["token"]).status_code == 200
    assert error_of(api.call("demo", "get_user_id", token=login["token"])) == (401, "unauthenticated")


def test_role_change_and_disable_apply_to_live_credentials(api, any_store):
    accounts.create_user(any_store, "ann", ["editor"], PASSWORD, runtime.now())
    token = api.login("ann", PASSWORD)["token"]
    assert error_of(api.call("demo", "get_user_id", token=token)) == (403, "forbidden")
    accounts.set_roles(any_store, "ann", ["administrator"])
    assert api.call("demo", "get_user_id", token=token).status_code == 200
    accounts.set_disabled(any_store, "ann", True)
    assert error_of(api.call("demo", "get_user_id", token=token)) == (401, "unauthenticated")


def test_stopping_the_storage_server_mid_run_is_503_and_grants_nothing(api, tmp_path):
    from chalicelib.storage.dynamodb import DynamoStore, make_client
    from tools.localstore import dynalite_available, start_dynalite

    if not dynalite_available():
        import pytest

        pytest.skip("dynalite is installed by make test")
    server = start_dynalite()
    store = DynamoStore("eqsash-dev", lambda: make_client(server.endpoint))
    store.create_table()
    runtime.reset(store=store)
    accounts.create_user(store, "root", ["administrator"], PASSWORD, runtime.now())
    token = api.login("root", PASSWORD)["token"]
    assert api.call("demo", "get_user_id", token=token).status_code == 200
    server.stop()
    assert error_of(api.call("demo", "get_user_id", token=token)) == (503, "unavailable")
    login = api.call("users", "login", {"username": "root", "password": PASSWORD})
    assert error_of(login) == (503, "unavailable")
    assert b"token" not in login.body
