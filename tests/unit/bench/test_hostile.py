"""bench/hostile.py: its cases stay hostile (they answer as the corpus says) and its rows show the targets."""

from __future__ import annotations

import pytest

from bench import hostile


@pytest.mark.parametrize(
    "case", [case for case in hostile.CASES if "Python encoder" not in case.label], ids=str
)
def test_each_case_answers_what_the_bench_expects(app, case):
    assert app(case.event(), None)["statusCode"] == case.status


def test_a_row_shows_the_ratio_and_whether_the_target_is_met():
    slow = hostile.Measured(hostile.CASES[0], normal_us=20.0, seconds=0.3)
    fast = hostile.Measured(hostile.CASES[0], normal_us=20.0, seconds=0.1)
    table = hostile.render([slow, fast])
    assert "| 20 µs | 300.0 ms | 15,000x | ≤ 0.25 s | **missed** |" in table
    assert "| 20 µs | 100.0 ms | 5,000x | ≤ 0.25 s | met |" in table
