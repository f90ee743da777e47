"""content/crisis_literals.json (tools/crisis_literals.py): the patterns' required literals, read at start
instead of parsing every pattern, and patterns compiled when first needed (crisis13)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from content import CONTENT_DIR
from conversations.crisis import (
    CATEGORIES,
    LazyPatterns,
    literal_table,
    load_literals,
    load_rules,
    rules,
)
from conversations.regex_anchors import compile_grouped

TABLE = CONTENT_DIR / "crisis_literals.json"


def test_literal_table_is_current() -> None:
    """Run tools/crisis_literals.py after editing crisis.toml (or the literal reading) to fix this."""
    stored = json.loads(TABLE.read_text(encoding="utf-8"))["clauses"]
    assert stored == literal_table(CONTENT_DIR / "crisis.toml"), "run tools/crisis_literals.py"


def test_rules_from_the_table_are_the_rules_read_afresh() -> None:
    read = load_rules(CONTENT_DIR / "crisis.toml")  # every pattern parsed and compiled now
    for fresh, stored in ((read.plain, rules().plain), (read.collapsed, rules().collapsed)):
        assert fresh.index == stored.index
        assert fresh.past == stored.past
        for a, b in zip(fresh.urgent, stored.urgent, strict=True):
            assert (a.name, a.first, a.ids) == (b.name, b.first, b.ids)
            ids = sorted(a.ids)
            assert [a.patterns[n].pattern for n in ids] == [b.patterns[n].pattern for n in ids]


def test_a_bad_pattern_stops_the_load_with_a_table_too(tmp_path: Path) -> None:
    bad = tmp_path / "crisis.toml"
    kinds = "\n".join(f'{c} = ["x"]' for c in CATEGORIES if c != "suicide")
    bad.write_text(f'[urgent]\nsuicide = ["("]\n{kinds}\n')
    with pytest.raises(ValueError, match="bad pattern"):
        load_rules(bad, known=load_literals(TABLE))


def test_a_missing_or_broken_table_is_no_table(tmp_path: Path) -> None:
    assert load_literals(tmp_path / "none.json") == {}
    (tmp_path / "bad.json").write_text("[1, 2]")
    assert load_literals(tmp_path / "bad.json") == {}


def test_lazy_patterns_compile_once_when_asked() -> None:
    lazy = LazyPatterns([" (?:a|b)(?= )", " c(?= )"], {1: re.compile(" c(?= )")})
    assert list(lazy) == [1]  # only the one compiled at load
    first = lazy[0]
    assert first is lazy[0]
    assert first.pattern == compile_grouped(" (?:a|b)(?= )").pattern
    assert [lazy[n].pattern for n in range(2)] == [" (?:a|b)(?= )", " c(?= )"]
    with pytest.raises(IndexError):
        lazy[2]
