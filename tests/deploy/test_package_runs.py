"""deployment.zip serves requests as Lambda runs it, and needs nothing the developer's venv holds.

Each package is unpacked into a read-only directory and started in fresh processes of the
runtime's Python (`-I -S -B`: the package alone beside the standard library, no bytecode written)
against moto's DynamoDB server in this process. `make package`'s package (arm64) serves a public
and a token request; logging in hashes with argon2's compiled extension, so a login runs on the
same package built for this machine's architecture where that is not arm64.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench import lambda_run
from chalicelib import runtime
from chalicelib.auth import accounts
from chalicelib.storage.dynamodb import LOCAL_AWS_ENVIRONMENT, DynamoStore
from tools.events import proxy_event
from tools.localstore import LocalServer, start_moto, use_local_aws_environment

TABLE = "eqsash-package-test"
KEY = "a-key-of-the-package-test"  # prod refuses the sample key
USERNAME, PASSWORD = "ann", "correct horse battery"


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    started = start_moto()
    yield started
    started.stop()


@pytest.fixture
def store(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[DynamoStore]:
    """A fresh table on the server holding one user; the functions' environment names it."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", server.endpoint)
    use_local_aws_environment(server.endpoint)
    table = DynamoStore(TABLE)
    table.create_table()
    runtime.reset(store=table)
    accounts.create_user(table, USERNAME, ["editor"], PASSWORD, runtime.now())
    yield table
    table.client.delete_table(TableName=TABLE)


def unpacked(package_dir: Path, into: Path) -> Iterator[Path]:
    root = lambda_run.unpack_read_only(package_dir / "deployment.zip", into)
    before = lambda_run.listing(root)
    yield root
    assert lambda_run.listing(root) == before, "a run wrote into the package"
    lambda_run.make_writable(root)


@pytest.fixture
def package(package_dir: Path, tmp_path: Path) -> Iterator[Path]:
    yield from unpacked(package_dir, tmp_path / "task")


@pytest.fixture
def native_package(native_package_dir: Path, tmp_path: Path) -> Iterator[Path]:
    yield from unpacked(native_package_dir, tmp_path / "native-task")


@pytest.fixture
def variables(resources: dict[str, Any], server: LocalServer) -> dict[str, str]:
    """The API function's environment from the template, its references resolved as CloudFormation would."""
    declared = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    plain = {name: value for name, value in declared.items() if isinstance(value, str)}
    return {
        **plain,
        **LOCAL_AWS_ENVIRONMENT,
        "TABLE_NAME": TABLE,
        "API_KEY": KEY,
        "AWS_ENDPOINT_URL_DYNAMODB": server.endpoint,
    }


def public_request() -> dict[str, Any]:
    return proxy_event(query={"key": [KEY], "module": ["system"], "method": ["methods"]})


def login_request() -> dict[str, Any]:
    body = json.dumps(
        {
            "key": KEY,
            "module": "users",
            "method": "login",
            "data": {"username": USERNAME, "password": PASSWORD},
        }
    )
    return proxy_event("POST", headers={"Content-Type": "application/json"}, body=body)


def token_request(token: str) -> dict[str, Any]:
    return proxy_event(
        query={"key": [KEY], "module": ["users"], "method": ["me"]},
        headers={"Authorization": f"Bearer {token}"},
    )


def body(answer: dict[str, Any]) -> Any:
    return json.loads(answer["body"])


def assert_served_from_the_package_alone(report: dict[str, Any]) -> None:
    assert report["outside"] == [], "imported from outside the package and the standard library"
    assert report["compiled"] == [], "compiled from source: the package's bytecode was missing or refused"


def test_the_package_serves_a_public_and_a_token_request_from_a_read_only_directory(
    package, store, variables
):
    issued = accounts.login(
        store, runtime.settings(), USERNAME, PASSWORD, runtime.now(), address=accounts.UNKNOWN_ADDRESS
    )
    report = lambda_run.run(package, [public_request(), token_request(issued.token)], variables)
    public, token = report["answers"]
    assert public["statusCode"] == 200, public["body"]
    methods = {f"{m['module']}.{m['method']}" for m in body(public)["methods"]}
    assert "users.login" in methods
    assert not {name for name in methods if name.startswith(("demo.", "greeting.", "notes."))}
    assert token["statusCode"] == 200, token["body"]
    assert body(token) == {"username": USERNAME, "roles": ["editor"]}
    assert_served_from_the_package_alone(report)
    assert "argon2" not in report["loaded"]  # a token request needs no password hashing


def test_a_login_then_a_token_request_in_fresh_processes_of_the_package_for_this_machine(
    native_package, store, variables
):
    report = lambda_run.run(native_package, [public_request(), login_request()], variables)
    public, login = report["answers"]
    assert public["statusCode"] == 200, public["body"]
    assert login["statusCode"] == 200, login["body"]
    assert body(login)["user"] == {"username": USERNAME, "roles": ["editor"]}
    assert_served_from_the_package_alone(report)
    assert "argon2" in report["loaded"]

    again = lambda_run.run(native_package, [token_request(body(login)["token"])], variables)
    (token,) = again["answers"]
    assert token["statusCode"] == 200, token["body"]
    assert body(token)["username"] == USERNAME
    assert_served_from_the_package_alone(again)


def test_the_proofs_can_fail_on_a_module_from_elsewhere_and_a_source_without_bytecode(tmp_path, variables):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "stray_module.py").write_text("")
    package = tmp_path / "task"
    package.mkdir()
    (package / "app.py").write_text(
        f"import sys\nsys.path.append({str(elsewhere)!r})\nimport stray_module\n\n"
        "def app(event, context):\n    return {'ok': True}\n"
    )
    report = lambda_run.run(package, [{}], variables)
    assert report["answers"] == [{"ok": True}]
    assert report["outside"] == [f"stray_module: {elsewhere / 'stray_module.py'}"]
    assert report["compiled"] == [str(package / "app.py")]
