"""Batch calls' pure parts: the calls read from `data`, and `$result[...]` references resolved."""

from __future__ import annotations

import pytest

from chalicelib.batch import (
    MAX_BATCH_BYTES,
    MAX_CALLS,
    BatchCall,
    BatchOutcome,
    parse_batch,
    resolve_references,
)
from chalicelib.errors import BadRequest, PayloadTooLarge


def outcome(**raw):
    found = BatchOutcome()
    for name, value in raw.items():
        found.raw[name], found.sizes[name] = value, 10
    return found


def test_calls_are_read_in_order_with_their_data_and_halt_is_false_by_default():
    calls = {"b": {"module": "demo", "method": "echo", "data": 1}, "a": {"module": "demo", "method": "hello"}}
    assert parse_batch({"calls": calls}) == (
        [BatchCall("b", "demo", "echo", 1), BatchCall("a", "demo", "hello", None)],
        False,
    )


def test_a_list_of_calls_is_named_by_position_as_php_brackets_make_it():
    parsed, _ = parse_batch({"calls": [{"module": "demo", "method": "hello"}] * 2})
    assert [call.name for call in parsed] == ["0", "1"]


@pytest.mark.parametrize(
    ("halt", "expected"), [(True, True), ("1", True), ("true", True), ("0", False), (False, False)]
)
def test_halt_reads_booleans_and_their_form_spellings(halt, expected):
    assert parse_batch({"calls": {"a": {"module": "m", "method": "x"}}, "halt": halt})[1] is expected


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {},
        {"calls": {}},
        {"calls": "a"},
        {"calls": {"a": {"module": "m", "method": "x"}}, "halt": "maybe"},
        {"calls": {"bad name": {"module": "m", "method": "x"}}},
        {"calls": {"x" * 65: {"module": "m", "method": "x"}}},
        {"calls": {"a": {"module": "m"}}},
        {"calls": {"a": {"module": ["m"], "method": "x"}}},
        {"calls": {"a": "m.x"}},
    ],
)
def test_a_malformed_batch_is_bad_request(data):
    with pytest.raises(BadRequest):
        parse_batch(data)


def test_at_most_fifty_calls_are_read():
    calls = {f"c{i}": {"module": "m", "method": "x"} for i in range(MAX_CALLS)}
    assert len(parse_batch({"calls": calls})[0]) == MAX_CALLS
    with pytest.raises(BadRequest, match="at most"):
        parse_batch({"calls": {**calls, "one_more": {"module": "m", "method": "x"}}})


def test_a_whole_string_reference_is_replaced_by_the_value_itself():
    assert resolve_references("$result[a]", outcome(a={"n": [1, 2]})) == {"n": [1, 2]}


def test_a_reference_follows_keys_and_list_indexes():
    assert resolve_references("$result[a][n][1]", outcome(a={"n": [1, 2]})) == 2


def test_references_inside_lists_and_objects_are_replaced():
    assert resolve_references({"x": ["$result[a]", 3]}, outcome(a="v")) == {"x": ["v", 3]}


def test_a_reference_inside_a_longer_string_is_replaced_by_the_values_text():
    assert resolve_references("n=$result[a], ok=$result[b]", outcome(a=5, b=True)) == "n=5, ok=1"


def test_a_string_without_references_is_left_alone():
    assert resolve_references("$result without brackets", outcome()) == "$result without brackets"


def test_a_reference_to_a_call_without_a_result_is_bad_request():
    with pytest.raises(BadRequest, match="no result"):
        resolve_references("$result[missing]", outcome())


@pytest.mark.parametrize("path", ["[nope]", "[5]", "[01]", "[-1]"])
def test_a_reference_pointing_at_nothing_is_bad_request(path):
    with pytest.raises(BadRequest, match="points at nothing"):
        resolve_references(f"$result[a]{path}", outcome(a=[1, 2]))


def test_an_object_cannot_stand_inside_a_longer_string():
    with pytest.raises(BadRequest, match="not a scalar"):
        resolve_references("x $result[a]", outcome(a={"b": 1}))


def test_references_that_would_expand_past_the_answer_budget_are_too_large():
    big = outcome(a="x")
    big.sizes["a"] = 3 * 1024 * 1024
    with pytest.raises(PayloadTooLarge):
        resolve_references(["$result[a]", "$result[a]"], big)


# One budget for the whole batch: references and answer together.


def run(calls, monkeypatch):
    """Run `calls` through demo.echo as an anonymous caller; (outcome, how many times echo ran)."""
    from chalicelib.batch import run_batch
    from chalicelib.context import Context
    from chalicelib.registry import Registry
    from chalicelib.services import demo

    ran = []
    monkeypatch.setattr(demo.Service, "echo", lambda self, data, ctx: ran.append(1) or data)
    parsed, halt = parse_batch(
        {"calls": {name: {"module": "demo", "method": "echo", "data": data} for name, data in calls}}
    )
    return run_batch(parsed, halt, Context(None, "r", registry=Registry())), len(ran)


def test_references_and_results_spend_one_budget(monkeypatch):
    done, ran = run([("a", "x" * 1000), ("b", ["$result[a]"] * 3)], monkeypatch)
    # a: 1002 bytes of answer; b: 3 x 1002 of references, then 3 x 1002 + 4 of answer.
    assert ran == 2 and MAX_BATCH_BYTES - done.budget_left == 1002 + 3 * 1002 + (3 * 1002 + 4)


def test_a_call_whose_references_pass_the_budget_is_refused_before_it_runs(monkeypatch):
    blob = "x" * (MAX_BATCH_BYTES // 3)
    done, ran = run([("a", blob), ("b", ["$result[a]", "$result[a]"]), ("c", 1)], monkeypatch)
    assert ran == 2 and done.errors["b"]["code"] == "payload_too_large"
    assert done.results["c"] == 1  # the refused call spent nothing


def test_a_result_that_passes_the_budget_is_refused_while_it_is_rendered(monkeypatch):
    from chalicelib.http import formats

    rendered = []
    real = formats._encode_slowly
    monkeypatch.setattr(formats, "_encode_slowly", lambda *args: rendered.append(args[2]) or real(*args))
    # "1.0]" inside a string sends the value to the slow path, which stops at the budget.
    done, _ = run([("a", [1.0, "x,1.0]", "y" * 4096] * (MAX_BATCH_BYTES // 4096))], monkeypatch)
    assert done.errors["a"]["code"] == "payload_too_large" and rendered == [MAX_BATCH_BYTES + 4]


def test_once_the_budget_is_spent_no_call_runs(monkeypatch):
    blob = "x" * (MAX_BATCH_BYTES - 2)
    done, ran = run([("a", blob)] + [(f"c{index}", 1) for index in range(10)], monkeypatch)
    assert done.budget_left == 0 and ran == 1
    assert {error["code"] for error in done.errors.values()} == {"payload_too_large"}
