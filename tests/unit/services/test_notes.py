"""notes, tested as a module author would: with chalicelib.testing, no server, no DynamoDB."""

from __future__ import annotations

import pytest

from chalicelib import testing

ANN, BOB = testing.user("ann"), testing.user("bob")


@pytest.fixture
def client():
    return testing.Client()  # every 200 answer is checked against the method's `returns`


def test_a_saved_note_reads_back_with_its_version(client):
    assert client.call("notes", "save", {"id": "n1", "text": "hello"}, user=ANN).json == {
        "id": "n1",
        "version": 1,
    }
    note = client.call("notes", "get", {"id": "n1"}, user=ANN).json
    assert note == {"id": "n1", "text": "hello", "pinned": False, "version": 1}


def test_a_php_form_is_converted_by_the_schema(client):
    answer = client.call(
        "notes", "save", {"id": "n1", "text": "hi", "pinned": True, "version": 0}, user=ANN, form=True
    )
    assert answer.status == 200, answer.text
    assert client.internal("notes", "get", {"id": "n1"}, user=ANN)["pinned"] is True


def test_a_stale_version_is_a_conflict(client):
    client.call("notes", "save", {"id": "n1", "text": "one"}, user=ANN)
    client.call("notes", "save", {"id": "n1", "text": "two", "version": 1}, user=ANN)
    answer = client.call("notes", "save", {"id": "n1", "text": "three", "version": 1}, user=ANN)
    assert answer.error == (409, "conflict")
    assert client.call("notes", "save", {"id": "n1", "text": "new", "version": 0}, user=ANN).error == (
        409,
        "conflict",
    )
    assert client.internal("notes", "get", {"id": "n1"}, user=ANN)["text"] == "two"


def test_notes_come_in_pages_of_one_users_notes(client):
    for index in range(5):
        client.call("notes", "save", {"id": f"n{index}", "text": "x"}, user=ANN)
    client.call("notes", "save", {"id": "other", "text": "x"}, user=BOB)
    ids, cursor = [], None
    while True:
        page = client.call(
            "notes", "list", {"limit": 2, **({"cursor": cursor} if cursor else {})}, user=ANN
        ).json
        ids += [note["id"] for note in page["notes"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert ids == ["n0", "n1", "n2", "n3", "n4"]
    assert [note["id"] for note in client.call("notes", "list", user=BOB).json["notes"]] == ["other"]


def test_another_users_note_is_not_found(client):
    client.call("notes", "save", {"id": "n1", "text": "mine"}, user=ANN)
    assert client.call("notes", "get", {"id": "n1"}, user=BOB).error == (404, "no_such_note")
    assert client.call("notes", "delete", {"id": "n1"}, user=BOB).json == {"deleted": False}


def test_delete_honours_the_version(client):
    client.call("notes", "save", {"id": "n1", "text": "x"}, user=ANN)
    assert client.call("notes", "delete", {"id": "n1", "version": 2}, user=ANN).error == (409, "conflict")
    assert client.call("notes", "delete", {"id": "n1", "version": 1}, user=ANN).json == {"deleted": True}
    assert client.call("notes", "get", {"id": "n1"}, user=ANN).error == (404, "no_such_note")


def test_wrong_data_is_a_422_with_every_problem(client):
    answer = client.call("notes", "list", {"limit": 500, "colour": "red"}, user=ANN)
    assert answer.error == (422, "invalid_input")
    assert answer.json["error"]["details"] == [
        {"path": "/limit", "message": "must be at most 100"},
        {"path": "/colour", "message": "is not allowed"},
    ]


def test_notes_are_for_logged_in_users_only(client):
    assert client.call("notes", "list").error == (401, "unauthenticated")
