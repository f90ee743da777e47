"""Crisis training tools: who wrote a row (leave one writer out), thresholds from held-out scores."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT

pytest.importorskip("sklearn")  # the `train` extra: tool-time only
sys.path.insert(0, str(ROOT / "tools"))
import crisis_train as tr


@pytest.mark.parametrize(
    ("group", "writer"),
    [
        ("a-nl-005", "a"),
        ("c-en-120", "c"),
        ("d-nl-001", "d"),
        ("nl-urg-a4bfce5c", "first"),
        ("en-non-00ff", "first"),
        ("own-3", "bot"),
        ("old-17", "bot"),
    ],
)
def test_the_writer_of_a_row_comes_from_its_group_id(group: str, writer: str) -> None:
    assert tr.writer_of(group) == writer


def test_thresholds_bound_the_false_alarms_on_the_rows_given() -> None:
    """Of the benign rows given, at most the allowed share is flagged; rows not given do not count."""
    levels = ["none"] * 200 + ["urgent"] * 10
    groups = [f"a-nl-{n}" for n in range(100)] + [f"own-{n}" for n in range(100)] + ["b-nl-1"] * 10
    p = [n / 120 for n in range(100)] + [0.1] * 100 + [0.99] * 10  # under the cap of 0.95
    t_urgent, t_concern, t_sure = tr.choose_thresholds(p, p, levels, groups, range(len(levels)))
    lookalikes = p[:100]
    assert sum(s >= t_urgent for s in lookalikes) <= tr.URGENT_FP_LOOKALIKE * 100
    assert sum(s >= t_concern for s in lookalikes) <= tr.CONCERN_FP_LOOKALIKE * 100
    assert t_sure >= tr.SURE_MIN
    # without the look-alikes (another writer's rows), the bot's own low scores allow a lower threshold
    lower = tr.choose_thresholds(p, p, levels, groups, range(100, len(levels)))
    assert lower[0] < t_urgent and lower[1] < t_concern


def test_thresholds_let_the_model_flag_about_one_benign_text_in_a_hundred() -> None:
    """Chosen by leaving writers out with rules from before them (crisis9): a new writer's false alarms come
    from the rules, the model's urgent threshold may flag up to 1 % of benign texts (was 0.5 %), for 1-2
    points more urgent recall; urgent without a cue word stays at most 0.1 %, never below 0.97."""
    n = 500
    p = [0.95 * k / n for k in range(n)]  # steps of 0.0019, up to the urgent cap
    levels, groups = ["none"] * n, [f"own-{k}" for k in range(n)]
    t_urgent, _, t_sure = tr.choose_thresholds(p, p, levels, groups, range(n))
    assert 0.005 * n < sum(s >= t_urgent for s in p) <= 0.01 * n
    assert sum(s >= t_sure for s in p) <= 0.001 * n and t_sure >= 0.97
