"""50 threads at once against the `make run` server on dynalite: logins, calls, logouts, revocations, roles.

Afterwards no revoked credential is accepted, no user is lost, and the live tokens are exactly the expected
ones.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from chalicelib.auth import accounts
from chalicelib.auth.credentials import Credential
from chalicelib.storage.dynamodb import DynamoStore, make_client
from tests.conftest import KEY
from tests.live_server import start_live_server, stop_live_server
from tools.localstore import dynalite_available

PASSWORD = "concurrency password"
USERS = [f"u{i}" for i in range(10)]
KEPT, REVOKED = USERS[:5], USERS[5:]
THREADS = 50

pytestmark = pytest.mark.skipif(not dynalite_available(), reason="dynalite is installed by make test")


@pytest.fixture(scope="module")
def server_on_dynalite(tmp_path_factory):
    server = start_live_server(LOCAL_STORE="dynalite", LOCAL_DATA=str(tmp_path_factory.mktemp("dynalite")))
    endpoint = server.store_endpoint
    store = DynamoStore("eqsash-dev", lambda: make_client(endpoint))
    try:
        yield server, store
    finally:
        stop_live_server(server)


def call(
    server: Any, module: str, method: str, data: Any = None, token: str | None = None
) -> tuple[int, Any]:
    payload = {"key": KEY, "module": module, "method": method, "data": data}
    request = urllib.request.Request(
        f"{server.url}/api",
        data=json.dumps(payload).encode(),
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_fifty_threads_leave_exactly_the_expected_credentials(server_on_dynalite, monkeypatch):
    server, store = server_on_dynalite
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", store.client.meta.endpoint_url)
    for name in USERS:
        accounts.create_user(store, name, ["r0"], PASSWORD, 0)
    phase_two = threading.Barrier(THREADS)
    outcomes: list[dict[str, Any]] = [{} for _ in range(THREADS)]

    def worker(index: int) -> None:
        try:
            work(index)
        except BaseException:
            phase_two.abort()  # the others stop waiting; this thread's error is the one reported
            raise

    def work(index: int) -> None:
        outcome = outcomes[index]
        if index < 40:  # log in, call, and every other one logs out
            user = USERS[index % 10]
            status, body = call(server, "users", "login", {"username": user, "password": PASSWORD})
            assert status == 200, body
            outcome.update(user=user, token=body["token"], session=body["session"])
            assert call(server, "users", "me", token=body["token"])[0] == 200
            if index % 2 == 0:
                assert call(server, "users", "logout", token=body["token"])[0] == 200
                outcome["logged_out"] = True
        elif index < 45:  # change the roles of the users that are kept, while they log in
            accounts.set_roles(store, KEPT[index - 40], ["r1"])
        phase_two.wait(timeout=120)
        if index >= 45:  # then revoke the others, while the kept users go on calling
            accounts.revoke_user(store, REVOKED[index - 45])
        elif "token" in outcome and not outcome.get("logged_out"):
            call(server, "users", "me", token=outcome["token"])

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(worker, index) for index in range(THREADS)]
    errors = [future.exception() for future in futures if future.exception() is not None]
    first = next((error for error in errors if not isinstance(error, threading.BrokenBarrierError)), None)
    if errors:
        raise first or errors[0]

    logins = [outcome for outcome in outcomes if "token" in outcome]
    assert len(logins) == 40
    for login in logins:
        status, body = call(server, "users", "me", token=login["token"])
        if login.get("logged_out") or login["user"] in REVOKED:
            assert status == 401, (login["user"], body)
        else:
            assert (status, body["roles"]) == (200, ["r1"]), (login["user"], body)
    assert {user.username for user in store.list_users()} >= set(USERS)
    expected_live = {
        ("token", Credential("token", login["token"]).digest)
        for login in logins
        if login["user"] in KEPT and not login.get("logged_out")
    } | {
        ("session", Credential("session", login["session"]).digest)
        for login in logins
        if login["user"] in KEPT
    }
    live = {credential for user in USERS for credential in store.credentials_of(user)}
    assert live == expected_live
