"""The attack suite: each test is one thing an attacker tries, and what the gateway answers."""

from __future__ import annotations

import base64
import json
import logging

import pytest

from chalicelib import runtime
from chalicelib.auth import accounts
from chalicelib.auth.credentials import Credential
from chalicelib.storage.dynamodb import DynamoStore
from tests.conftest import KEY, error_of, proxy_event

PASSWORD = "attack suite password"


def with_users(store):
    accounts.create_user(store, "root", ["administrator"], PASSWORD, runtime.now())
    accounts.create_user(store, "eve", [], PASSWORD, runtime.now())
    return store


@pytest.fixture
def users(memory_store):
    return with_users(memory_store)


@pytest.fixture
def dynamo_users(moto_store):
    """The same users in DynamoDB (moto), where the table itself is the subject (a stage is a table)."""
    return with_users(moto_store)


def get(api, module, method, **params):
    return api.get(key=KEY, module=module, method=method, **params)


# -- names ----------------------------------------------------------------------------------------


def test_module_path_traversal_is_an_unknown_module(api):
    assert error_of(get(api, "../../app", "api")) == (404, "unknown_module")


def test_module_naming_a_standard_library_module_is_unknown(api):
    assert error_of(get(api, "os", "system")) == (404, "unknown_module")


def test_module_dunder_init_is_unknown(api):
    assert error_of(get(api, "__init__", "x")) == (404, "unknown_module")


def test_module_dotted_path_is_unknown(api):
    assert error_of(get(api, "chalicelib.config", "load_settings")) == (404, "unknown_module")


def test_module_with_a_nul_byte_is_unknown(api):
    assert error_of(get(api, "demo\x00", "hello")) == (404, "unknown_module")


def test_private_module_name_is_unknown(api):
    assert error_of(get(api, "_demo", "hello")) == (404, "unknown_module")


def test_private_method_is_unknown(api):
    assert error_of(get(api, "demo", "_secret")) == (404, "unknown_method")


def test_dunder_method_is_unknown(api):
    assert error_of(get(api, "demo", "__class__")) == (404, "unknown_method")


def test_internal_method_is_indistinguishable_from_a_missing_one(api):
    internal = json.loads(get(api, "demo", "count_words").body)["error"]
    missing = json.loads(get(api, "demo", "count_wordz").body)["error"]
    assert internal["code"] == missing["code"] == "unknown_method"
    assert internal["message"].replace("count_words", "X") == missing["message"].replace("count_wordz", "X")


def test_undeclared_public_method_is_unknown_over_http(api):
    assert error_of(get(api, "demo", "remember")) == (404, "unknown_method")


def test_override_target_is_not_exposed_by_its_own_name(users, api):
    token = api.login("root", PASSWORD)["token"]
    assert error_of(get(api, "demo", "get_user_id_plus", token=token)) == (404, "unknown_method")


def test_get_api_is_not_callable_over_http(api):
    assert error_of(get(api, "demo", "get_api")) == (404, "unknown_method")


# -- role escalation ----------------------------------------------------------------------------


def test_roles_sent_in_data_grant_nothing(users, api):
    response = api.call(
        "demo", "get_user_id", {"roles": ["administrator"], "user": {"roles": ["administrator"]}}
    )
    assert error_of(response) == (401, "unauthenticated")


def test_user_and_roles_parameters_grant_nothing(users, api):
    response = api.get(key=KEY, module="demo", method="get_user_id", user="root", roles=["administrator"])
    assert error_of(response) == (401, "unauthenticated")


def test_a_user_without_roles_cannot_reach_an_administrator_method(users, api):
    token = api.login("eve", PASSWORD)["token"]
    assert error_of(api.call("demo", "get_user_id", token=token)) == (403, "forbidden")


def test_a_batch_checks_every_call_so_it_cannot_escalate(users, api):
    token = api.login("eve", PASSWORD)["token"]
    body = json.loads(
        api.call(
            "system",
            "batch",
            {
                "calls": {
                    "ok": {"module": "users", "method": "me"},
                    "escalate": {"module": "demo", "method": "get_user_id"},
                }
            },
            token=token,
        ).body
    )
    assert body["errors"]["escalate"]["code"] == "forbidden" and "ok" in body["results"]


def test_a_batch_cannot_reach_internal_methods(api):
    body = json.loads(
        api.call("system", "batch", {"calls": {"x": {"module": "demo", "method": "remember"}}}).body
    )
    assert body["errors"]["x"]["code"] == "unknown_method"


# -- credentials ----------------------------------------------------------------------------------


def test_a_disabled_users_token_is_refused(users, api):
    token = api.login("root", PASSWORD)["token"]
    accounts.set_disabled(users, "root", True)
    assert error_of(api.call("users", "me", token=token)) == (401, "unauthenticated")


def test_an_expired_token_is_refused(users, api):
    token = api.login("root", PASSWORD)["token"]
    later = runtime.now() + 7200
    runtime.set_clock(lambda: later)
    assert error_of(api.call("users", "me", token=token)) == (401, "unauthenticated")


def test_a_revoked_session_is_refused(users, api):
    session = api.login("root", PASSWORD)["session"]
    api.call("users", "logout", EQSASH_SESSION=session)
    assert error_of(api.call("users", "me", EQSASH_SESSION=session)) == (401, "unauthenticated")


def test_a_forged_token_of_the_right_shape_is_refused(users, api):
    forged = "Z" * 43
    assert error_of(api.call("users", "me", token=forged)) == (401, "unauthenticated")


def test_a_truncated_token_is_refused(users, api):
    token = api.login("root", PASSWORD)["token"]
    assert error_of(api.call("users", "me", token=token[:-1])) == (401, "unauthenticated")


def test_a_token_with_extra_characters_is_refused(users, api):
    token = api.login("root", PASSWORD)["token"]
    assert error_of(api.call("users", "me", token=token + "A")) == (401, "unauthenticated")


def test_a_token_from_another_stage_is_refused(dynamo_users, api):
    other_stage = DynamoStore("eqsash-prod")
    other_stage.create_table()
    accounts.create_user(other_stage, "root", ["administrator"], PASSWORD, runtime.now())
    foreign = accounts.login(
        other_stage, runtime.settings(), "root", PASSWORD, runtime.now(), address="192.0.2.1"
    )
    assert error_of(api.call("users", "me", token=foreign.token)) == (401, "unauthenticated")


def test_a_session_id_sent_as_a_token_is_refused(users, api):
    session = api.login("root", PASSWORD)["session"]
    assert error_of(api.call("users", "me", token=session)) == (401, "unauthenticated")


def test_a_token_sent_as_a_session_is_refused(users, api):
    token = api.login("root", PASSWORD)["token"]
    headers = {"Cookie": f"EQSASH_SESSION={token}"}
    response = api.client.http.get(f"/api?key={KEY}&module=users&method=me", headers=headers)
    assert error_of(response) == (401, "unauthenticated")


def test_an_authorization_header_of_another_scheme_is_refused(users, api):
    token = api.login("root", PASSWORD)["token"]
    response = api.post_json(
        {"key": KEY, "module": "users", "method": "me"}, headers={"Authorization": f"Token {token}"}
    )
    assert error_of(response) == (401, "unauthenticated")


def test_a_bad_credential_is_refused_even_for_an_open_method(users, api):
    assert error_of(api.call("demo", "hello", token="not-a-token")) == (401, "unauthenticated")


def test_login_does_not_tell_unknown_users_from_wrong_passwords(users, api):
    unknown = api.call("users", "login", {"username": "mallory", "password": "whatever pw"})
    wrong = api.call("users", "login", {"username": "root", "password": "whatever pw"})
    assert (unknown.status_code, unknown.body) == (wrong.status_code, wrong.body)


def test_a_disabled_user_gets_the_same_login_error_as_a_wrong_password(users, api):
    accounts.set_disabled(users, "eve", True)
    disabled = api.call("users", "login", {"username": "eve", "password": PASSWORD})
    wrong = api.call("users", "login", {"username": "root", "password": "whatever pw"})
    assert (disabled.status_code, disabled.body) == (wrong.status_code, wrong.body)


def test_guessing_passwords_is_stopped_after_five_failures(users, api):
    for _ in range(5):
        api.call("users", "login", {"username": "root", "password": "guess guess"})
    assert error_of(api.call("users", "login", {"username": "root", "password": PASSWORD})) == (
        429,
        "too_many_attempts",
    )


# -- the key ---------------------------------------------------------------------------------------


def test_the_key_inside_data_is_not_a_key(api):
    response = api.client.http.get("/api?module=demo&method=hello&data[key]=12345")
    assert error_of(response) == (401, "invalid_key")


def test_the_key_in_a_header_is_not_a_key(api):
    response = api.client.http.get("/api?module=demo&method=hello", headers={"X-Api-Key": KEY})
    assert error_of(response) == (401, "invalid_key")


def test_a_key_prefix_is_as_wrong_as_any_key(api):
    assert error_of(api.get(key=KEY[:-1], module="demo", method="hello")) == (401, "invalid_key")


def test_the_key_is_compared_in_constant_time_against_every_configured_key(monkeypatch):
    from chalicelib import gateway

    compared = []
    real = gateway.hmac.compare_digest

    def recording(a, b):
        compared.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(gateway.hmac, "compare_digest", recording)
    assert gateway.key_matches("first", ("first", "a-much-longer-second-key", "x")) is True
    # every key is compared (no early exit on a match), always as 32-byte digests (no length leak)
    assert compared == [(32, 32)] * 3


# -- secrets in logs ----------------------------------------------------------------------------


def test_no_password_token_session_or_key_reaches_any_log_line(
    app, moto_store, monkeypatch, caplog, operator_lines
):
    """At DEBUG, with every kind of credential, good and bad, in every place a request may carry one:
    not in a log record, nor in the access and metrics lines."""
    key = "k3y-Very-Secret-Value"
    monkeypatch.setenv("API_KEY", key)
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    runtime.reset(store=moto_store)
    accounts.create_user(moto_store, "root", ["administrator"], PASSWORD, runtime.now())
    accounts.create_user(moto_store, "eve", [], PASSWORD, runtime.now())
    caplog.set_level(logging.DEBUG)

    def call(params, headers=None, given_key=key):
        query = {name: [value] for name, value in {"key": given_key, **params}.items()}
        return app(proxy_event(query=query, headers=headers or {}), None)

    def post(payload):
        body = json.dumps({"key": key, **payload}).encode()
        return json.loads(
            app(proxy_event("POST", headers={"Content-Type": "application/json"}, body=body), None)["body"]
        )

    login = post({"module": "users", "method": "login", "data": {"username": "root", "password": PASSWORD}})
    bearer = {"Authorization": f"Bearer {login['token']}"}
    call({"module": "users", "method": "me", "token": login["token"]})
    call({"module": "users", "method": "me"}, headers=bearer)
    call({"module": "users", "method": "me"}, headers={"Cookie": f"EQSASH_SESSION={login['session']}"})
    call({"module": "users", "method": "me", "EQSASH_SESSION": login["session"]})
    call({"module": "users", "method": "login", "data": PASSWORD})  # a malformed login carrying the password
    call({"module": "demo", "method": "get_user_id", "token": login["token"] + "x"})
    call({"module": "demo", "method": "get_user_id", "EQSASH_SESSION": login["session"] + "x"})
    call({"module": "users", "method": "me"}, headers={"Authorization": f"Basic {login['token']}"})
    call({"module": "nosuch", "method": "x", "token": login["token"]})
    call({"module": "users", "method": "me", "token": login["token"]}, given_key=key + "x")  # a wrong key
    for _ in range(6):  # wrong passwords, then the lockout
        post({"module": "users", "method": "login", "data": {"username": "eve", "password": PASSWORD + "!"}})
    post({"module": "users", "method": "change_password", "token": login["token"],
          "data": {"old_password": PASSWORD, "new_password": PASSWORD + " new"}})  # fmt: skip
    call({"module": "users", "method": "logout", "token": login["token"]})
    call({"module": "users", "method": "me", "token": login["token"]})  # revoked
    assert (
        len(operator_lines.raw) == len(operator_lines.access) == len(operator_lines.metrics) == 20
    )  # one per request
    assert any(record.levelno == logging.DEBUG for record in caplog.records)
    logged = "".join(
        [
            caplog.text,
            *(str(record.args) + str(record.__dict__) for record in caplog.records),
            *operator_lines.raw,
        ]
    )
    for secret in (PASSWORD, PASSWORD + "!", PASSWORD + " new", login["token"], login["session"], key):
        assert secret not in logged


# -- bodies ---------------------------------------------------------------------------------------


def test_a_json_nesting_bomb_is_bad_request(api):
    depth = 50_000
    body = b'{"key":"12345","module":"demo","method":"echo","data":' + b"[" * depth + b"]" * depth + b"}"
    response = api.client.http.post("/api", headers={"Content-Type": "application/json"}, body=body)
    assert error_of(response) == (400, "bad_request")


def test_a_bracket_nesting_bomb_is_bad_request(api):
    response = api.client.http.get(f"/api?key={KEY}&module=demo&method=echo&data" + "[a]" * 200 + "=1")
    assert error_of(response) == (400, "bad_request")


def test_a_body_over_the_limit_is_413(api):
    body = b"key=12345&module=demo&method=echo&data=" + b"y" * (1024 * 1024 + 1)
    response = api.client.http.post(
        "/api", headers={"Content-Type": "application/x-www-form-urlencoded"}, body=body
    )
    assert error_of(response) == (413, "payload_too_large")


def test_a_base64_body_over_the_limit_counts_its_decoded_size(app):
    body = b"key=12345&module=demo&method=echo&data=" + b"z" * (1024 * 1024)
    event = proxy_event(
        "POST", headers={"Content-Type": "application/x-www-form-urlencoded"}, body=body, base64_body=True
    )
    answer = app(event, None)
    assert answer["statusCode"] == 413
    assert len(base64.b64decode(event["body"])) > 1024 * 1024


def test_thousands_of_form_fields_are_bad_request(api):
    body = "&".join(f"f{i}=1" for i in range(5000)).encode()
    response = api.client.http.post(
        "/api", headers={"Content-Type": "application/x-www-form-urlencoded"}, body=body
    )
    assert error_of(response) == (400, "bad_request")


def test_error_bodies_never_carry_a_trace(api, monkeypatch):
    from chalicelib.services import demo

    monkeypatch.setattr(demo.Service, "hello", lambda self, data, ctx: 1 / 0)
    response = get(api, "demo", "hello")
    assert error_of(response) == (500, "internal")
    assert (
        b"ZeroDivision" not in response.body
        and b"Traceback" not in response.body
        and b".py" not in response.body
    )


def test_a_cookie_value_that_would_inject_attributes_is_refused():
    from chalicelib.context import render_set_cookie

    with pytest.raises(ValueError):
        render_set_cookie("s", "v; Domain=evil.example")


def test_stored_credentials_are_digests_so_a_table_leak_is_not_a_login(users, api):
    login = api.login("root", PASSWORD)
    digest = Credential("token", login["token"]).digest
    assert error_of(api.call("users", "me", token=digest)) == (401, "unauthenticated")
