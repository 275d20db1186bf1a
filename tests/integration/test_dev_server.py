"""The `make run` server the live suites start: its administrator, made at the tests' cheap Argon2 cost."""

from __future__ import annotations

import json
import urllib.request

import argon2

from chalicelib.storage.dynamodb import DynamoStore, make_client
from tests.cheap_argon2 import MEMORY_COST, PARALLELISM, TIME_COST
from tests.conftest import KEY, TABLE


def store_of(live_server):
    prefix = "DynamoDB-compatible server (moto) at "
    endpoint = next(line.removeprefix(prefix) for line in live_server.lines if line.startswith(prefix))
    return DynamoStore(TABLE, lambda: make_client(endpoint))


def test_the_administrator_the_dev_server_creates_is_hashed_at_the_cheap_cost(live_server):
    admin = store_of(live_server).get_user("admin")
    assert admin is not None and admin.roles == ("administrator",)
    found = argon2.extract_parameters(admin.password_hash)
    assert (found.type, found.time_cost, found.memory_cost, found.parallelism) == (
        argon2.Type.ID,
        TIME_COST,
        MEMORY_COST,
        PARALLELISM,
    )


def test_the_administrator_logs_in_with_the_password_the_suite_gave(live_server):
    body = json.dumps(
        {
            "key": KEY,
            "module": "users",
            "method": "login",
            "data": {"username": "admin", "password": live_server.admin_password},
        }
    ).encode()
    request = urllib.request.Request(
        f"{live_server.url}/api", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200 and json.loads(answer.read())["user"]["username"] == "admin"


def test_make_run_answers_with_a_request_id_and_writes_its_access_line_with_the_metrics(live_server):
    import time
    import urllib.error

    url = f"{live_server.url}/api?key={KEY}&module=nosuch&method=x"
    try:
        urllib.request.urlopen(url, timeout=10)
        raise AssertionError("an unknown module answered 200")
    except urllib.error.HTTPError as refused:
        assert refused.code == 404
        request_id = refused.headers["X-Request-Id"]
    assert request_id
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = [
            json.loads(line) for line in live_server.lines if line.startswith("{") and request_id in line
        ]
        if lines:
            break
        time.sleep(0.05)
    (line,) = lines  # the access line, with the metrics at its end
    assert (line["status"], line["code"], line["module"]) == (404, "unknown_module", "nosuch")
    assert line["operation"] == "none" and line["Errors4xx"] == 1
