"""The internal API, `api.call`: every public method reachable, access enforced, values unrendered."""

from __future__ import annotations

import pytest

from chalicelib import api
from chalicelib.errors import Unauthenticated, UnknownMethod
from chalicelib.identity import SYSTEM


def test_internal_call_reaches_an_internal_method():
    assert api.call("demo", "count_words", "a b c") == 3


def test_internal_call_reaches_an_undeclared_public_method():
    assert api.call("demo", "remember", 5) == {"remembered": 5}


def test_internal_call_enforces_access_and_raises_api_error():
    with pytest.raises(Unauthenticated):
        api.call("demo", "get_user_id")
    assert api.call("demo", "get_user_id", user=SYSTEM) == {"id": 7, "roles": ()}


def test_internal_call_returns_python_values_without_rendering():
    assert api.call("demo", "stats", "a bb") == {"words": 2, "sizes": [1, 2]}


def test_internal_call_to_a_missing_method_is_unknown():
    with pytest.raises(UnknownMethod):
        api.call("demo", "nope")
