"""Users, tokens and sessions through the Chalice app (memory store; moto where the table is the subject)."""

from __future__ import annotations

import json

import pytest

from chalicelib import runtime
from chalicelib.auth import accounts
from tests.conftest import KEY, error_of, set_cookies

PASSWORD = "correct horse battery"


def with_users(store):
    accounts.create_user(store, "root", ["administrator"], PASSWORD, runtime.now())
    accounts.create_user(store, "ann", ["editor"], PASSWORD, runtime.now())
    return store


@pytest.fixture
def users(memory_store):
    return with_users(memory_store)


@pytest.fixture
def dynamo_users(moto_store):
    """The same users in DynamoDB (moto), for the tests whose subject is what the table holds or is asked."""
    return with_users(moto_store)


def test_login_returns_token_session_and_user(api, users):
    response = api.call("users", "login", {"username": "ann", "password": PASSWORD})
    body = json.loads(response.body)
    assert set(body) == {"token", "expires_at", "session", "session_name", "user"}
    assert body["user"] == {"username": "ann", "roles": ["editor"]}
    assert body["session_name"] == "EQSASH_SESSION"
    assert len(body["token"]) >= 43 and len(body["session"]) >= 43  # 256 bits, base64url


def test_login_sets_a_strict_session_cookie(api, users):
    response = api.call("users", "login", {"username": "ann", "password": PASSWORD})
    cookie = set_cookies(response)
    session = json.loads(response.body)["session"]
    assert cookie.startswith(f"EQSASH_SESSION={session}")
    for attribute in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/"):
        assert attribute in cookie


def test_wrong_password_and_unknown_user_get_the_same_error(api, users):
    wrong = api.call("users", "login", {"username": "ann", "password": "not the password"})
    unknown = api.call("users", "login", {"username": "nobody", "password": "not the password"})
    assert error_of(wrong) == error_of(unknown) == (401, "invalid_credentials")
    assert json.loads(wrong.body) == json.loads(unknown.body)


def test_login_without_fields_is_bad_request(api, users):
    assert error_of(api.call("users", "login", {"username": "ann"})) == (400, "bad_request")


@pytest.mark.parametrize("how", ["token_param", "bearer", "session_param", "session_cookie"])
def test_each_credential_form_reaches_a_role_limited_method(api, users, how):
    login = api.login("root", PASSWORD)
    headers: dict[str, str] = {}
    params = {"key": KEY, "module": "demo", "method": "get_user_id"}
    if how == "token_param":
        params["token"] = login["token"]
    elif how == "bearer":
        headers["Authorization"] = f"Bearer {login['token']}"
    elif how == "session_param":
        params["EQSASH_SESSION"] = login["session"]
    else:
        headers["Cookie"] = f"EQSASH_SESSION={login['session']}"
    response = api.get(headers=headers, **params)
    assert response.status_code == 200, response.body
    assert response.body == b'{"id":7,"roles":{"0":"administrator"}}'


def test_me_answers_the_callers_username_and_roles(api, users):
    token = api.login("ann", PASSWORD)["token"]
    assert json.loads(api.call("users", "me", token=token).body) == {"username": "ann", "roles": ["editor"]}


def test_credential_without_the_role_is_forbidden(api, users):
    token = api.login("ann", PASSWORD)["token"]
    assert error_of(api.call("demo", "get_user_id", token=token)) == (403, "forbidden")


def test_authenticated_role_admits_any_logged_in_user(api, users):
    token = api.login("ann", PASSWORD)["token"]
    assert api.call("demo", "whoami", token=token).status_code == 200


def test_anonymous_only_method_refuses_a_logged_in_user(api, users):
    token = api.login("ann", PASSWORD)["token"]
    assert error_of(api.call("demo", "guest_only", token=token)) == (403, "forbidden")


def test_unknown_token_is_refused_even_for_an_open_method(api, users):
    assert error_of(api.call("demo", "hello", token="A" * 43)) == (401, "unauthenticated")


def test_session_id_sent_as_a_token_is_refused(api, users):
    session = api.login("ann", PASSWORD)["session"]
    assert error_of(api.call("users", "me", token=session)) == (401, "unauthenticated")


def test_token_sent_as_a_session_is_refused(api, users):
    token = api.login("ann", PASSWORD)["token"]
    assert error_of(api.call("users", "me", EQSASH_SESSION=token)) == (401, "unauthenticated")


def test_non_bearer_authorization_is_refused(api, users):
    response = api.post_json(
        {"key": KEY, "module": "users", "method": "me"}, headers={"Authorization": "Basic YWRtaW46YWRtaW4="}
    )
    assert error_of(response) == (401, "unauthenticated")


def test_logout_revokes_the_token_used(api, users):
    login = api.login("ann", PASSWORD)
    assert api.call("users", "logout", token=login["token"]).status_code == 200
    assert error_of(api.call("users", "me", token=login["token"])) == (401, "unauthenticated")
    # the session from the same login is another credential and lives on
    assert api.call("users", "me", EQSASH_SESSION=login["session"]).status_code == 200


def test_logout_with_the_session_clears_the_cookie(api, users):
    login = api.login("ann", PASSWORD)
    response = api.client.http.post(
        f"/api?key={KEY}&module=users&method=logout", headers={"Cookie": f"EQSASH_SESSION={login['session']}"}
    )
    assert "Max-Age=0" in set_cookies(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert error_of(api.call("users", "me", EQSASH_SESSION=login["session"])) == (401, "unauthenticated")


def test_expired_token_is_refused_before_ttl_deletes_it(api, users, monkeypatch):
    token = api.login("ann", PASSWORD)["token"]
    later = runtime.now() + 3601
    runtime.set_clock(lambda: later)
    assert error_of(api.call("users", "me", token=token)) == (401, "unauthenticated")


def test_session_slides_forward_at_most_once_per_half_lifetime(api, users):
    login = api.login("ann", PASSWORD)
    digest = accounts.Credential("session", login["session"]).digest
    start = runtime.now()
    first = users.get_credential("session", digest).expires_at
    runtime.set_clock(lambda: start + 100)  # well under half of 86,400 s: no write
    api.call("users", "me", EQSASH_SESSION=login["session"])
    assert users.get_credential("session", digest).expires_at == first
    runtime.set_clock(lambda: start + 50_000)  # past half: slides to now + lifetime
    api.call("users", "me", EQSASH_SESSION=login["session"])
    assert users.get_credential("session", digest).expires_at == start + 50_000 + 86_400


def test_idle_session_expires(api, users):
    session = api.login("ann", PASSWORD)["session"]
    later = runtime.now() + 86_401
    runtime.set_clock(lambda: later)
    assert error_of(api.call("users", "me", EQSASH_SESSION=session)) == (401, "unauthenticated")


def test_changing_roles_applies_to_live_tokens_at_once(api, users):
    token = api.login("ann", PASSWORD)["token"]
    accounts.set_roles(users, "ann", ["administrator"])
    assert api.call("demo", "get_user_id", token=token).status_code == 200
    accounts.set_roles(users, "ann", [])
    assert error_of(api.call("demo", "get_user_id", token=token)) == (403, "forbidden")


def test_disabling_a_user_ends_its_credentials_and_logins(api, users):
    login = api.login("ann", PASSWORD)
    accounts.set_disabled(users, "ann", True)
    assert error_of(api.call("users", "me", token=login["token"])) == (401, "unauthenticated")
    assert error_of(api.call("users", "me", EQSASH_SESSION=login["session"])) == (401, "unauthenticated")
    again = api.call("users", "login", {"username": "ann", "password": PASSWORD})
    assert error_of(again) == (401, "invalid_credentials")


def test_five_failures_lock_the_username_until_the_window_passes(api, users):
    for _ in range(5):
        assert error_of(api.call("users", "login", {"username": "ann", "password": "wrong-password"}))[1] == (
            "invalid_credentials"
        )
    locked = api.call("users", "login", {"username": "ann", "password": PASSWORD})
    assert error_of(locked) == (429, "too_many_attempts")
    assert api.call("users", "login", {"username": "root", "password": PASSWORD}).status_code == 200
    later = runtime.now() + 901
    runtime.set_clock(lambda: later)
    assert api.call("users", "login", {"username": "ann", "password": PASSWORD}).status_code == 200


def test_change_password_ends_every_other_credential(api, users):
    first = api.login("ann", PASSWORD)
    second = api.login("ann", PASSWORD)
    response = api.call(
        "users",
        "change_password",
        {"old_password": PASSWORD, "new_password": "a brand new one"},
        token=second["token"],
    )
    assert response.status_code == 200, response.body
    assert error_of(api.call("users", "me", token=first["token"])) == (401, "unauthenticated")
    assert api.call("users", "me", token=second["token"]).status_code == 200
    assert api.login("ann", "a brand new one")["user"]["username"] == "ann"


def test_short_new_password_is_invalid_input(api, users):
    token = api.login("ann", PASSWORD)["token"]
    response = api.call(
        "users", "change_password", {"old_password": PASSWORD, "new_password": "short"}, token=token
    )
    assert error_of(response) == (422, "invalid_input")


def test_tokens_and_sessions_are_stored_only_as_digests(api, dynamo_users):
    login = api.login("ann", PASSWORD)
    dump = json.dumps(dynamo_users.client.scan(TableName=dynamo_users.table_name)["Items"])
    assert login["token"] not in dump and login["session"] not in dump
    assert PASSWORD not in dump and "$argon2id$" in dump


def test_a_request_without_credentials_reads_nothing_from_storage(api, dynamo_users):
    calls = []
    client = dynamo_users.client
    client.meta.events.register("before-call.dynamodb.*", lambda **kw: calls.append(kw["model"].name))
    assert api.call("demo", "hello").status_code == 200
    assert calls == []


def test_an_authenticated_request_costs_exactly_one_read(api, dynamo_users):
    token = api.login("ann", PASSWORD)["token"]
    calls = []
    client = dynamo_users.client
    client.meta.events.register("before-call.dynamodb.*", lambda **kw: calls.append(kw["model"].name))
    assert api.call("users", "me", token=token).status_code == 200
    assert calls == ["GetItem"]


def test_an_unknown_user_still_costs_a_password_verification(api, users, monkeypatch):
    from chalicelib.auth import passwords

    burned = []
    real = passwords.burn_verify_time
    monkeypatch.setattr(passwords, "burn_verify_time", lambda password: burned.append(1) or real(password))
    api.call("users", "login", {"username": "nobody", "password": "not the password"})
    assert burned == [1]


def test_the_session_cookie_lasts_the_absolute_lifetime_since_the_store_slides(api, memory_store):
    from chalicelib.auth import accounts

    accounts.create_user(memory_store, "ann", [], "a long password", runtime.now())
    response = api.call("users", "login", {"username": "ann", "password": "a long password"})
    assert "Max-Age=2592000" in set_cookies(response)
