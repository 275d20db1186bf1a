"""The prod stage, with the environment its template gives the function: no real key, no service."""

from __future__ import annotations

import json
import logging

import pytest

from chalicelib import runtime
from tests.conftest import DEV_ENVIRONMENT, PROJECT_ROOT, proxy_event

DEPLOYED_TABLE = "eqsash-api-prod-Table-1A2B3C"  # what CloudFormation's Ref would give
STACK_NAME = "eqsash-api-prod"


@pytest.fixture
def prod_stage(monkeypatch, template, resources):
    """Sets the API function's packaged environment (references resolved, parameters at their defaults);
    call it with the key, or None."""
    refs = {name: str(parameter.get("Default", "")) for name, parameter in template["Parameters"].items()}
    refs["AWS::StackName"] = STACK_NAME

    def apply(api_key):
        for name in DEV_ENVIRONMENT:
            monkeypatch.delenv(name, raising=False)
        for name, value in resources["APIHandler"]["Properties"]["Environment"]["Variables"].items():
            if name == "TABLE_NAME":
                monkeypatch.setenv(name, DEPLOYED_TABLE)
            elif isinstance(value, dict) and set(value) == {"Ref"}:
                monkeypatch.setenv(name, refs[value["Ref"]])
            elif name != "API_KEY":  # a secret reference: the test decides what it resolved to
                monkeypatch.setenv(name, value)
        if api_key is not None:
            monkeypatch.setenv("API_KEY", api_key)
        runtime.reset()

    return apply


def call(app, key):
    event = proxy_event(query={"key": [key], "module": ["greeting"], "method": ["say_hello"]})
    answer = app(event, None)
    return answer["statusCode"], json.loads(answer["body"])


@pytest.mark.parametrize(
    ("api_key", "logged"),
    [
        (None, "setting API_KEY is missing"),
        ("", "setting API_KEY is missing"),
        ("   ", "setting API_KEY is missing"),
        ("12345", "holds the sample key, which only a local stage may use (STAGE=prod)"),
        ("a-real-key,12345", "holds the sample key"),
        ("12345,a-real-key", "holds the sample key"),
    ],
)
def test_prod_refuses_every_request_without_a_real_key(app, prod_stage, caplog, api_key, logged):
    prod_stage(api_key)
    with caplog.at_level(logging.ERROR):
        for key in ("12345", "a-real-key", ""):
            status, body = call(app, key)
            assert (status, body["error"]["code"]) == (500, "internal")
            assert "12345" not in json.dumps(body) and "a-real-key" not in json.dumps(body)
    assert logged in caplog.text


def test_prod_refuses_internal_calls_too_without_a_real_key(app, prod_stage, caplog):
    prod_stage("12345")
    with caplog.at_level(logging.ERROR):
        answer = app.handler_map["internal"]({"module": "demo", "method": "count_words"}, None)
    assert (answer["status"], answer["error"]["code"]) == (500, "internal")
    assert "sample key" in caplog.text


def test_prod_serves_with_a_real_key_and_refuses_the_sample(app, prod_stage):
    prod_stage("a-real-key")
    assert runtime.settings().table_name == DEPLOYED_TABLE
    assert call(app, "a-real-key") == (200, {"message": "Hello, world!"})
    status, body = call(app, "12345")
    assert (status, body["error"]["code"]) == (401, "invalid_key")


def test_prod_serves_both_keys_while_rotating(app, prod_stage):
    prod_stage("old-key,new-key")
    assert call(app, "old-key")[0] == call(app, "new-key")[0] == 200
    assert call(app, "other-key")[0] == 401


def test_the_committed_prod_config_alone_cannot_serve(app, monkeypatch, caplog):
    """chalice's own view of the prod stage (config.json, no template): no key, no table, no service."""
    from chalice.test import Client

    monkeypatch.delenv("API_KEY")
    monkeypatch.delenv("TABLE_NAME")
    with (
        Client(app, stage_name="prod", project_dir=str(PROJECT_ROOT)) as client,
        caplog.at_level(logging.ERROR),
    ):
        response = client.http.get("/api?key=12345&module=greeting&method=say_hello")
    assert response.status_code == 500
    assert json.loads(response.body)["error"]["code"] == "internal"
    assert "API_KEY is missing" in caplog.text
