"""The EMF members: valid by CloudWatch's specification, few dimensions, errors by status class."""

from __future__ import annotations

import json

import pytest

from chalicelib import metrics


def check_emf(document):
    """What CloudWatch requires of an EMF document (Specification: Embedded metric format)."""
    meta = document["_aws"]
    assert isinstance(meta["Timestamp"], int)
    for directive in meta["CloudWatchMetrics"]:
        assert isinstance(directive["Namespace"], str) and directive["Namespace"]
        for dimension_set in directive["Dimensions"]:
            assert len(dimension_set) <= 1  # EMF bills per dimension value: few dimensions
            for key in dimension_set:
                assert isinstance(document[key], str) and document[key]
        for metric in directive["Metrics"]:
            assert metric["Unit"] in {"Count", "Milliseconds"}
            value = document[metric["Name"]]
            assert isinstance(value, int | float) and not isinstance(value, bool)
    return document


def emf(*args, **kwargs):
    """The members as a line of their own, as telemetry writes them below INFO."""
    return check_emf(json.loads("{" + metrics.members(*args, **kwargs) + "}"))


def test_a_request_reports_one_call_its_duration_and_no_error_by_operation():
    document = emf("users.me", 200, 3.25, 1_700_000_000_000)
    assert document["operation"] == "users.me"
    assert (document["Calls"], document["Errors4xx"], document["Errors5xx"]) == (1, 0, 0)
    assert document["Duration"] == 3.25
    (directive,) = document["_aws"]["CloudWatchMetrics"]
    assert directive["Dimensions"] == [["operation"]]
    assert [metric["Name"] for metric in directive["Metrics"]] == [
        "Calls",
        "Errors4xx",
        "Errors5xx",
        "Duration",
    ]


@pytest.mark.parametrize(("status", "errors"), [(204, (0, 0)), (404, (1, 0)), (429, (1, 0)), (503, (0, 1))])
def test_errors_are_counted_by_status_class(status, errors):
    document = emf("none", status, 1.0, 1)
    assert (document["Errors4xx"], document["Errors5xx"]) == errors


def test_storage_errors_and_lockouts_are_counted_without_a_dimension_and_only_when_they_happen():
    quiet = emf("users.login", 200, 1.0, 1, {})
    assert len(quiet["_aws"]["CloudWatchMetrics"]) == 1
    assert "StorageErrors" not in quiet and "Lockouts" not in quiet
    document = emf("users.login", 429, 1.0, 1, {"Lockouts": 1, "StorageErrors": 2})
    _, events = document["_aws"]["CloudWatchMetrics"]
    assert events["Dimensions"] == [[]]
    assert [metric["Name"] for metric in events["Metrics"]] == ["StorageErrors", "Lockouts"]
    assert (document["StorageErrors"], document["Lockouts"]) == (2, 1)


def test_the_namespace_is_metrics_namespace_else_the_projects(monkeypatch):
    monkeypatch.delenv("METRICS_NAMESPACE", raising=False)
    metrics.reset()
    assert emf("none", 200, 1.0, 1)["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "eqsash-api"
    monkeypatch.setenv("METRICS_NAMESPACE", "eqsash-prod")
    metrics.reset()
    try:
        assert emf("none", 200, 1.0, 1)["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "eqsash-prod"
    finally:
        monkeypatch.delenv("METRICS_NAMESPACE")
        metrics.reset()


def test_the_members_are_compact():
    text = metrics.members("users.me", 200, 1.5, 1)
    assert "\n" not in text and ": " not in text and len(text) < 400


def test_an_operation_past_the_remembered_ones_gets_the_same_members(monkeypatch):
    monkeypatch.setattr(metrics, "_MAX_OPERATIONS", 0)
    metrics.reset()
    try:
        assert emf("users.me", 200, 1.0, 1)["operation"] == "users.me"
        assert metrics._shapes.known == {}
    finally:
        metrics.reset()
