"""Failing storage: 503 after bounded retries, a 500 naming nothing for a set-up fault; never a grant."""

from __future__ import annotations

import logging

import pytest
from botocore.stub import Stubber

from chalicelib import runtime
from chalicelib.auth import accounts
from chalicelib.storage.dynamodb import MAX_ATTEMPTS, DynamoStore, make_client
from tests.conftest import error_of
from tools.localstore import free_port

PASSWORD = "fault tolerant pw"


@pytest.fixture
def refused_store():
    """A store whose endpoint refuses every connection (nothing listens on the port)."""
    endpoint = f"http://127.0.0.1:{free_port()}"
    store = DynamoStore("eqsash-dev", lambda: make_client(endpoint))
    runtime.reset(store=store)
    return store


def count_attempts(store):
    attempts = []
    store.client.meta.events.register("before-send.dynamodb.*", lambda **kw: attempts.append(1))
    return attempts


def test_refused_connections_are_503_after_bounded_attempts(api, refused_store):
    attempts = count_attempts(refused_store)
    assert error_of(api.call("users", "me", token="A" * 43)) == (503, "unavailable")
    assert len(attempts) == MAX_ATTEMPTS


def test_login_while_storage_refuses_is_503_and_hands_out_nothing(api, refused_store):
    response = api.call("users", "login", {"username": "ann", "password": PASSWORD})
    assert error_of(response) == (503, "unavailable")
    assert b"token" not in response.body


@pytest.mark.parametrize(
    "code", ["ProvisionedThroughputExceededException", "ThrottlingException", "InternalServerError"]
)
def test_throttling_and_server_errors_are_503_never_a_grant(api, moto_store, code):
    with Stubber(moto_store.client) as stub:
        stub.add_client_error("get_item", service_error_code=code, http_status_code=400)
        response = api.call("demo", "get_user_id", token="A" * 43)
    assert error_of(response) == (503, "unavailable")


def test_a_login_whose_token_write_fails_hands_out_no_token(api, moto_store):
    accounts.create_user(moto_store, "ann", ["editor"], PASSWORD, runtime.now())
    password_hash = moto_store.get_user("ann").password_hash
    with Stubber(moto_store.client) as stub:
        stub.add_response("get_item", {})  # no failure counter
        stub.add_response(
            "get_item",
            {
                "Item": {
                    "pk": {"S": "user#ann"},
                    "username": {"S": "ann"},
                    "password_hash": {"S": password_hash},
                    "roles": {"L": [{"S": "editor"}]},
                }
            },
        )
        stub.add_client_error("put_item", service_error_code="ProvisionedThroughputExceededException")
        response = api.call("users", "login", {"username": "ann", "password": PASSWORD})
    assert error_of(response) == (503, "unavailable")
    assert moto_store.credentials_of("ann") == []


def test_an_unknown_client_error_stays_a_500_not_a_grant(api, moto_store):
    with Stubber(moto_store.client) as stub:
        stub.add_client_error("get_item", service_error_code="ValidationException", http_status_code=400)
        response = api.call("demo", "get_user_id", token="A" * 43)
    assert error_of(response) == (500, "internal")


@pytest.fixture
def silent_endpoint():
    """A TCP server on 127.0.0.1 that accepts connections and never answers (a hung storage)."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_storage_that_times_out_is_503_after_bounded_attempts(api, silent_endpoint):
    store = DynamoStore("eqsash-dev", lambda: make_client(silent_endpoint))
    runtime.reset(store=store)
    attempts = count_attempts(store)
    assert error_of(api.call("users", "me", token="A" * 43)) == (503, "unavailable")
    assert len(attempts) == MAX_ATTEMPTS  # each bounded by the read timeout: no request hangs forever


def test_a_missing_table_is_a_500_that_names_nothing(api, caplog):
    runtime.reset(store=DynamoStore("no-such-table"))
    from moto import mock_aws

    with mock_aws(), caplog.at_level(logging.ERROR):
        response = api.call("users", "me", token="A" * 43)
    assert error_of(response) == (500, "internal")
    assert b"no-such-table" not in response.body
    assert "no-such-table" in caplog.text


@pytest.mark.parametrize(
    ("operation", "call"),
    [
        ("get_item", lambda notes: notes.get("notes", "k")),
        ("update_item", lambda notes: notes.put("notes", "k", {})),
        ("delete_item", lambda notes: notes.delete("notes", "k")),
        ("query", lambda notes: notes.list("notes")),
    ],
)
def test_a_modules_item_operation_on_failing_storage_is_unavailable(moto_store, operation, call):
    from chalicelib.storage.base import StorageUnavailable
    from chalicelib.storage.items import ModuleStorage

    notes = ModuleStorage(lambda: moto_store, "notes")
    with Stubber(moto_store.client) as stub:
        stub.add_client_error(operation, service_error_code="ThrottlingException", http_status_code=400)
        with pytest.raises(StorageUnavailable) as caught:
            call(notes)
    assert (caught.value.status, caught.value.code) == (503, "unavailable")


def test_items_on_refused_connections_are_unavailable_after_bounded_attempts(refused_store):
    from chalicelib.storage.base import StorageUnavailable
    from chalicelib.storage.items import ModuleStorage

    attempts = count_attempts(refused_store)
    with pytest.raises(StorageUnavailable):
        ModuleStorage(lambda: refused_store, "notes").list("notes")
    assert len(attempts) == MAX_ATTEMPTS
