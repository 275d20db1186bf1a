"""Declared schemas over HTTP: checked after access, PHP's strings converted, every problem a 422 detail."""

from __future__ import annotations

import json

import pytest

from chalicelib import runtime
from chalicelib.auth import accounts
from tests.conftest import KEY, error_of

PASSWORD = "a long password"


@pytest.fixture
def token(api, memory_store):
    accounts.create_user(memory_store, "ann", ["editor"], PASSWORD, runtime.now())
    return api.login("ann", PASSWORD)["token"]


def details_of(response):
    body = json.loads(response.body)
    assert response.status_code == 422 and body["error"]["code"] == "invalid_input", body
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]["details"]


def test_json_data_is_taken_as_it_is(api, token):
    response = api.call("notes", "save", {"id": "n1", "text": "hi", "version": "0"}, token=token)
    assert details_of(response) == [{"path": "/version", "message": "must be an integer"}]
    response = api.call("notes", "save", {"id": "n1", "text": "hi", "version": 0}, token=token)
    assert json.loads(response.body) == {"id": "n1", "version": 1}


def test_form_strings_are_converted_where_the_schema_asks(api, token):
    response = api.post_form(
        key=KEY,
        module="notes",
        method="save",
        token=token,
        **{"data[id]": "n1", "data[text]": "hi", "data[pinned]": "1", "data[version]": "0"},
    )
    assert response.status_code == 200, response.body
    note = json.loads(api.call("notes", "get", {"id": "n1"}, token=token).body)
    assert note == {"id": "n1", "text": "hi", "pinned": True, "version": 1}


def test_query_strings_are_converted_and_defaults_filled(api, token):
    for index in range(3):
        api.call("notes", "save", {"id": f"n{index}", "text": "x"}, token=token)
    response = api.get(key=KEY, module="notes", method="list", token=token, **{"data[limit]": "2"})
    page = json.loads(response.body)
    assert [note["id"] for note in page["notes"]] == ["n0", "n1"] and page["next"]
    assert all(note["pinned"] is False for note in page["notes"])  # the default of save's schema
    everything = json.loads(api.get(key=KEY, module="notes", method="list", token=token).body)
    assert len(everything["notes"]) == 3 and everything["next"] is None  # absent data: {} and limit 20


def test_every_problem_is_listed_with_a_pointer(api, token):
    response = api.call("notes", "save", {"id": "Not An Id", "pinned": "yes", "colour": "red"}, token=token)
    assert details_of(response) == [
        {"path": "/text", "message": "is required"},
        {"path": "/id", "message": 'must match the pattern "^[a-z0-9][a-z0-9_-]{0,63}$"'},
        {"path": "/pinned", "message": "must be a boolean"},
        {"path": "/colour", "message": "is not allowed"},
    ]


def test_a_caller_without_access_learns_nothing_of_the_schema(api, memory_store):
    assert error_of(api.call("notes", "save", {"wrong": True})) == (401, "unauthenticated")
    assert error_of(api.call("notes", "save", {"wrong": True}, token="A" * 43)) == (401, "unauthenticated")


def test_a_method_without_a_schema_gets_data_untouched(api):
    response = api.get(key=KEY, module="demo", method="echo", data="42")
    assert response.body == b"42" and response.headers["Content-Type"].startswith("text/plain")


def test_a_batch_validates_each_call_and_converts_a_forms_strings(api, token):
    calls = {
        "data[calls][a][module]": "notes",
        "data[calls][a][method]": "save",
        "data[calls][a][data][id]": "n1",
        "data[calls][a][data][text]": "hi",
        "data[calls][a][data][version]": "0",
        "data[calls][b][module]": "notes",
        "data[calls][b][method]": "save",
        "data[calls][b][data][id]": "n2",
    }
    response = api.post_form(key=KEY, module="system", method="batch", token=token, **calls)
    body = json.loads(response.body)
    assert body["results"] == {"a": {"id": "n1", "version": 1}}
    assert body["errors"]["b"]["status"] == 422
    assert body["errors"]["b"]["details"] == [{"path": "/text", "message": "is required"}]


def test_an_internal_call_is_validated_but_not_converted():
    from chalicelib import api as internal_api
    from chalicelib.errors import InvalidInput
    from chalicelib.identity import User

    with pytest.raises(InvalidInput) as caught:
        internal_api.call("notes", "list", {"limit": "5"}, user=User("ann"))
    assert caught.value.details == [{"path": "/limit", "message": "must be an integer"}]


def test_discovery_lists_each_methods_description_and_schemas(api, token):
    from chalicelib.services.notes import Service

    listed = {
        entry["name"]: entry
        for entry in json.loads(api.call("system", "methods", token=token).body)["methods"]
    }
    save = listed["notes.save"]
    assert save["description"] == Service.api["save"]["description"]
    assert save["schema"] == Service.api["save"]["schema"]
    assert save["returns"] == Service.api["save"]["returns"]
    assert listed["notes.list"]["description"].startswith("Your notes in id order")
    assert listed["demo.echo"]["schema"] is None and listed["demo.echo"]["returns"] is None
