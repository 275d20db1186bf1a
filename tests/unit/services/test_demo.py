"""demo through the test kit: each external method answers what its `returns` declares."""

from __future__ import annotations

import pytest

from chalicelib import testing

ROOT = testing.user("root", "administrator")


@pytest.fixture
def client():
    return testing.Client()


def test_every_declared_result_matches_its_returns_schema(client):
    assert client.call("demo", "hello", "Ann").json["greeting"] == "Hello, Ann!"
    assert client.call("demo", "get_user_id", user=ROOT).json == {"id": 7, "roles": {"0": "administrator"}}
    assert client.call("demo", "whoami", user=ROOT).json == {"username": "root", "roles": ["administrator"]}
    assert client.call("demo", "guest_only").json == {"welcome": "guest"}
    assert client.call("demo", "stats", "two words").json == {"words": 2, "sizes": {"0": 3, "1": 5}}
    assert client.call("demo", "check_age", {"age": 20}).json == {"age": 20, "adult": True}
    assert client.call("demo", "check_age", {"age": "17"}, form=True).json == {"age": 17, "adult": False}
    answer = client.call("demo", "greet_with_cookie")
    assert answer.json == {"greeted": True} and answer.headers["X-Greeting"] == "hello"


def test_refusals(client):
    assert client.call("demo", "get_user_id").error == (401, "unauthenticated")
    assert client.call("demo", "get_user_id", user=testing.user("ann")).error == (403, "forbidden")
    assert client.call("demo", "guest_only", user=ROOT).error == (403, "forbidden")
    assert client.call("demo", "check_age", {"age": 300}).error == (422, "invalid_input")
    assert client.call("demo", "count_words", "internal only").error == (404, "unknown_method")
    assert client.internal("demo", "count_words", "internal only") == 2
