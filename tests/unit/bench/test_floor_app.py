"""The benchmark's floor and the gateway answer the same benchmark events alike."""

from __future__ import annotations

import json

import pytest

from bench import events


@pytest.mark.parametrize("event", [events.public_get(), events.post_form(), events.post_json()])
def test_the_floor_answers_the_benchmark_events(event):
    from bench.floor_app import app

    answer = app(event, None)
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"])["method"] == "say_hello"


def test_the_floor_refuses_a_wrong_key():
    from bench.floor_app import app

    event = events.proxy_event(query={"key": "wrong", "module": "greeting", "method": "say_hello"})
    assert app(event, None)["statusCode"] == 401


@pytest.mark.parametrize("event", [events.public_get(), events.post_form(), events.post_json()])
def test_the_gateway_answers_the_benchmark_events(event):
    from app import app

    answer = app(event, None)
    assert answer["statusCode"] == 200, answer["body"]
    assert json.loads(answer["body"])["message"].startswith("Hello, ")
