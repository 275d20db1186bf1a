"""The test kit answers exactly as HTTP does, runs internal calls, and checks declared results."""

from __future__ import annotations

import json

import pytest

from chalicelib import testing
from chalicelib.errors import ApiError, Unauthenticated
from chalicelib.registry import Registry
from tests.conftest import KEY


@pytest.mark.parametrize(
    "case",
    [
        ("demo", "hello", "Ann", None),
        ("demo", "echo", "plain text", None),
        ("demo", "stats", "a b c", None),
        ("demo", "check_age", {"age": "x"}, None),
        ("demo", "get_user_id", None, ()),
        ("demo", "get_user_id", None, ("administrator",)),
        ("demo", "greet_with_cookie", None, None),
        ("demo", "count_words", None, None),
        ("nosuch", "x", None, None),
        ("notes", "list", {"limit": 0}, ("editor",)),
        ("notes", "list", None, ("editor",)),
        ("users", "me", None, ("editor",)),
    ],
)
def test_an_answer_is_what_http_gives(api, memory_store, case):
    """The same call through the Chalice app (a real token) and through the kit: the same answer."""
    module, method, data, roles = case
    from chalicelib.auth.credentials import digest, new_secret
    from chalicelib.storage.base import CredentialRecord

    extra = {}
    if roles is not None:
        secret = new_secret()
        memory_store.put_credential(CredentialRecord("token", digest(secret), "ann", roles, 4_000_000_000))
        extra["token"] = secret
    over_http = api.post_json({"key": KEY, "module": module, "method": method, "data": data, **extra})
    kit = testing.Client(check_returns=False)
    answer = kit.call(module, method, data, user=None if roles is None else testing.user("ann", *roles))
    assert answer.status == over_http.status_code
    assert answer.text == over_http.body.decode()
    for name in ("Content-Type", "Set-Cookie", "X-Greeting", "Allow"):
        assert answer.headers.get(name) == over_http.headers.get(name), name


def test_json_is_the_parsed_body_or_none():
    assert testing.Answer(200, {}, '{"a": [1]}').json == {"a": [1]}
    assert testing.Answer(200, {}, "plain").json is None
    assert testing.Answer(401, {}, '{"error": {"code": "x", "message": "m"}}').error == (401, "x")
    assert testing.Answer(200, {}, '{"error": {"code": "x"}}').error is None


def test_a_form_call_sends_strings_as_php_does():
    client = testing.Client()
    answer = client.call("demo", "check_age", {"age": 30}, form=True)
    assert answer.json == {"age": 30, "adult": True}


def test_internal_returns_the_python_value_and_raises_refusals():
    client = testing.Client()
    assert client.internal("demo", "count_words", "one two three") == 3
    assert client.internal("demo", "remember", [1]) == {"remembered": [1]}  # internal only
    with pytest.raises(Unauthenticated):
        client.internal("demo", "get_user_id")
    assert client.internal("demo", "get_user_id", user=testing.user("root", "administrator"))["id"] == 7
    assert client.internal("demo", "whoami", user=testing.SYSTEM)["username"] == "system"


def test_the_kits_storage_is_the_modules_own():
    client = testing.Client()
    ann = testing.user("ann")
    client.call("notes", "save", {"id": "n1", "text": "x"}, user=ann)
    assert client.storage("notes").get("notes", "ann/n1")["text"] == "x"
    assert client.storage("demo").get("notes", "ann/n1") is None


def test_a_result_that_breaks_its_returns_schema_fails_the_test(tmp_path):
    services = tmp_path / "kit_services"
    services.mkdir()
    (services / "__init__.py").write_text("")
    (services / "liar.py").write_text(
        "class Service:\n"
        "    api = {'count': {'type': 'external', 'format': 'json', 'returns': {'type': 'integer'}}}\n"
        "    def count(self, data, ctx):\n"
        "        return 'many' if data else 3\n"
    )
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        client = testing.Client(registry=Registry("kit_services", services))
        assert client.call("liar", "count").json == 3
        with pytest.raises(AssertionError, match=r"liar.count answered what its `returns` schema refuses"):
            client.call("liar", "count", True)
        assert (
            testing.Client(registry=client.registry, check_returns=False).call("liar", "count", 1).json
            == "many"
        )
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.startswith("kit_services")]:
            del sys.modules[name]


def test_api_error_is_the_kits_refusal_type():
    assert issubclass(Unauthenticated, ApiError)
    assert json.loads(testing.Client().call("demo", "hello").text)["greeting"] == "Hello, world!"
