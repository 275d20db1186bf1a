"""Fixtures shared by every suite: a clean runtime, cheap Argon2, a memory or moto store, Chalice's client."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from chalicelib import runtime  # noqa: E402
from chalicelib.auth import passwords  # noqa: E402
from chalicelib.storage.dynamodb import LOCAL_AWS_ENVIRONMENT  # noqa: E402
from tests.cheap_argon2 import cheap_hasher  # noqa: E402
from tests.events import proxy_event  # noqa: E402, F401  (re-exported for the suites)
from tools.localstore import LocalServer, dynalite_available, start_dynalite  # noqa: E402

KEY = "12345"
TABLE = "eqsash-dev"  # the dev stage's table in .chalice/config.json
DEV_ENVIRONMENT = {"API_KEY": KEY, "STAGE": "dev", "TABLE_NAME": TABLE}


@pytest.fixture(autouse=True)
def clean_runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts with the dev stage's settings, placeholder AWS credentials and nothing cached."""
    for name, value in {**LOCAL_AWS_ENVIRONMENT, **DEV_ENVIRONMENT}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    runtime.reset()
    yield
    runtime.reset()


@pytest.fixture(autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    """Argon2id at its lowest cost (the dummy hash for unknown users too): hashing is rarely the subject."""
    passwords.use_hasher(cheap_hasher())
    yield
    passwords.use_hasher(None)


@pytest.fixture
def production_hashes() -> Iterator[None]:
    """The hasher production uses, for the tests whose subject is hashing."""
    passwords.use_hasher(None)
    yield


@pytest.fixture
def memory_store() -> Any:
    """A MemoryStore the runtime uses: the backing store of every test whose subject is not storage."""
    from chalicelib.storage.memory import MemoryStore

    store = MemoryStore()
    runtime.reset(store=store)
    return store


@pytest.fixture
def moto_store() -> Iterator[Any]:
    """A DynamoStore on moto's in-process mock, with the table created; the runtime uses it.

    For tests whose subject is DynamoDB: calls counted through botocore's hooks, faults, the table.
    """
    from moto import mock_aws

    from chalicelib.storage.dynamodb import DynamoStore

    with mock_aws():
        store = DynamoStore(TABLE)
        store.create_table()
        runtime.reset(store=store)
        yield store


@pytest.fixture
def app() -> Any:
    from app import app as chalice_app

    return chalice_app


@pytest.fixture
def client(app: Any) -> Any:
    from chalice.test import Client

    with Client(app, stage_name="dev", project_dir=str(PROJECT_ROOT)) as test_client:
        yield test_client


class Api:
    """Calls /api through chalice's test client and decodes the answer."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def get(self, headers: dict[str, str] | None = None, **params: Any) -> Any:
        query = urlencode(_flat(params), doseq=True)
        return self.client.http.get(f"/api?{query}", headers=headers or {})

    def post_form(self, headers: dict[str, str] | None = None, query: str = "", **params: Any) -> Any:
        body = urlencode(_flat(params), doseq=True).encode()
        return self.client.http.post(
            f"/api{query}",
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
            body=body,
        )

    def post_json(self, payload: Any, headers: dict[str, str] | None = None) -> Any:
        return self.client.http.post(
            "/api",
            headers={"Content-Type": "application/json", **(headers or {})},
            body=json.dumps(payload).encode(),
        )

    def call(self, module: str, method: str, data: Any = None, **extra: Any) -> Any:
        payload = {"key": KEY, "module": module, "method": method, **extra}
        if data is not None:
            payload["data"] = data
        return self.post_json(payload)

    def login(self, username: str, password: str) -> dict[str, Any]:
        response = self.call("users", "login", {"username": username, "password": password})
        assert response.status_code == 200, response.body
        return json.loads(response.body)


def _flat(params: dict[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        if isinstance(value, list):
            pairs.extend((name, str(item)) for item in value)
        else:
            pairs.append((name, str(value)))
    return pairs


@pytest.fixture
def api(client: Any) -> Api:
    return Api(client)


def error_of(response: Any) -> tuple[int, str]:
    """(status, code) of an error answer, checking it has exactly the contract's shape."""
    body = json.loads(response.body)
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return response.status_code, body["error"]["code"]


# dynalite, started once for the whole run on a free 127.0.0.1 port and stopped after it.


@pytest.fixture(scope="session")
def dynalite() -> Iterator[LocalServer]:
    if not dynalite_available():
        if os.environ.get("CI"):
            pytest.fail("dynalite is not installed: `make test` installs it with npm")
        pytest.skip(
            "dynalite is not installed: run `make test` (it runs `npm ci --prefix tests/integration`)"
        )
    server = start_dynalite()
    try:
        yield server
    finally:
        server.stop()


from tests.store_backends import any_store  # noqa: E402, F401  (the contract suites' fixture)


def set_cookies(response: Any) -> str:
    """Every Set-Cookie header of an answer, joined (the test client gives a list for several)."""
    value = response.headers.get("Set-Cookie", "")
    return "\n".join(value) if isinstance(value, list) else value


from tests.live_server import live_server  # noqa: E402, F401  (the `make run` server)


class OperatorLines:
    """The lines the app wrote (chalicelib.logs' writer), parsed: one per request, the access line
    at INFO (its EMF members at its end), the EMF members alone below INFO."""

    def __init__(self) -> None:
        self.raw: list[str] = []

    @property
    def access(self) -> list[dict[str, Any]]:
        return [line for line in map(json.loads, self.raw) if line.get("logger") == "chalicelib.access"]

    @property
    def metrics(self) -> list[dict[str, Any]]:
        return [line for line in map(json.loads, self.raw) if "_aws" in line]


@pytest.fixture
def operator_lines() -> Iterator[OperatorLines]:
    from chalicelib import logs

    lines = OperatorLines()
    logs.use_writer(lines.raw.append)
    yield lines
    logs.use_writer(None)
