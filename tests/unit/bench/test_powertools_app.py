"""Powertools' side of the warm rows answers the benchmark events as the floor does."""

from __future__ import annotations

import json

import pytest

from bench import events, powertools


@pytest.mark.parametrize("event", [events.public_get(), events.post_form(), events.post_json()])
def test_the_powertools_app_answers_the_benchmark_events_as_the_floor_does(event):
    if not (powertools.TARGET / f".{powertools.POWERTOOLS}").exists():
        pytest.skip("Powertools is installed by `make bench` only (build/bench-deps)")
    powertools.install()
    from bench.floor_app import app as floor
    from bench.powertools_app import app

    answer = app(event, None)
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"]) == json.loads(floor(event, None)["body"])
