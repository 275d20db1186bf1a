"""DynamoDB calls per request, counted through botocore's event hooks (DESIGN section 5).

None without credentials; exactly one read for a token or a session; a session is written (slid
forward) at most once per half of its idle lifetime.
"""

from __future__ import annotations

import pytest

from chalicelib import runtime
from chalicelib.auth import accounts
from tests.conftest import KEY

PASSWORD = "correct horse battery"
START = 1_900_000_000  # a fixed clock: the login and every request happen at known times
ME = {"key": KEY, "module": "users", "method": "me"}


@pytest.fixture
def calls(moto_store):
    """The operation names of every DynamoDB call made from now on, in order."""
    runtime.set_clock(lambda: START)
    accounts.create_user(moto_store, "ann", ["editor"], PASSWORD, START)
    made: list[str] = []

    def record(model, **_):
        made.append(model.name)

    moto_store.client.meta.events.register("before-call.dynamodb.*", record)
    return made


def at(seconds_after_start: int) -> None:
    runtime.set_clock(lambda: START + seconds_after_start)


def calls_of(calls: list[str], api, how: str, params: dict[str, str], secret: str = "") -> list[str]:
    """The DynamoDB calls of one request that must succeed, sent in the form `how`."""
    calls.clear()
    if how == "get":
        response = api.get(**params)
    elif how == "post_form":
        response = api.post_form(**params)
    elif how == "post_json":
        response = api.post_json(params)
    elif how == "bearer":
        response = api.get(headers={"Authorization": f"Bearer {secret}"}, **params)
    elif how == "session_cookie":
        response = api.get(headers={"Cookie": f"EQSASH_SESSION={secret}"}, **params)
    elif how == "token_param":
        response = api.get(token=secret, **params)
    else:
        response = api.get(EQSASH_SESSION=secret, **params)
    assert response.status_code == 200, response.body
    return list(calls)


@pytest.mark.parametrize("how", ["get", "post_form", "post_json"])
def test_a_public_request_in_any_form_costs_no_storage_call(api, calls, how):
    assert calls_of(calls, api, how, {"key": KEY, "module": "demo", "method": "hello"}) == []


def test_an_unknown_method_costs_no_storage_call_even_with_a_token(api, calls):
    calls.clear()
    assert api.call("demo", "no_such_method", token="A" * 43).status_code == 404
    assert calls == []


@pytest.mark.parametrize("how", ["token_param", "bearer"])
def test_a_token_request_costs_exactly_one_read(api, calls, how):
    token = api.login("ann", PASSWORD)["token"]
    assert calls_of(calls, api, how, ME, token) == ["GetItem"]


@pytest.mark.parametrize("how", ["session_param", "session_cookie"])
def test_a_session_request_costs_exactly_one_read(api, calls, how):
    session = api.login("ann", PASSWORD)["session"]
    assert calls_of(calls, api, how, ME, session) == ["GetItem"]


def test_a_session_is_written_once_per_half_lifetime_and_read_once_per_request(api, calls):
    session = api.login("ann", PASSWORD)["session"]  # idle lifetime 86,400 s: half is 43,200 s
    at(43_199)
    assert calls_of(calls, api, "session_cookie", ME, session) == ["GetItem"]
    at(43_200)
    assert calls_of(calls, api, "session_cookie", ME, session) == ["GetItem", "UpdateItem"]
    for seconds in (43_201, 60_000, 86_399):  # slid at 43,200: the next write is due at 86,400
        at(seconds)
        assert calls_of(calls, api, "session_cookie", ME, session) == ["GetItem"]
    at(86_400)
    assert calls_of(calls, api, "session_cookie", ME, session) == ["GetItem", "UpdateItem"]


def test_a_refused_credential_costs_one_read_and_no_write(api, calls):
    session = api.login("ann", PASSWORD)["session"]
    accounts.revoke(runtime.store(), accounts.Credential("session", session))
    calls.clear()
    assert api.call("users", "me", EQSASH_SESSION=session).status_code == 401
    assert calls == ["GetItem"]
