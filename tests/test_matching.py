"""The which-group matching table: cases over every fellowship, relatives' paths and skipped answers."""

from __future__ import annotations

import pytest

from content.loader import PROGRAMS, matching_table
from conversations.matching import answers_from_text, match, next_question

S = "skip"

# (answers, first suggestion, programs that must also be listed, programs that must NOT be listed)
CASES: list[tuple[dict[str, str], str, set[str], set[str]]] = [
    # someone for themselves
    ({"who": "self", "what": "alcohol"}, "AA", set(), set()),
    ({"who": "self", "what": "alcohol", "twelve": "yes"}, "AA", set(), set()),
    ({"who": "self", "what": "alcohol", "twelve": "no"}, "SMART", {"BV"}, {"AA"}),
    ({"who": "self", "what": "drugs"}, "NA", set(), set()),
    ({"who": "self", "what": "drugs", "twelve": "no"}, "SMART", {"BV"}, {"NA"}),
    ({"who": "self", "what": "cocaine"}, "CA", {"NA"}, set()),
    ({"who": "self", "what": "cocaine", "twelve": "either"}, "CA", {"NA"}, set()),
    ({"who": "self", "what": "gambling"}, "AGOG", set(), set()),
    ({"who": "self", "what": "gambling", "twelve": "no"}, "SMART", {"BV"}, set()),
    ({"who": "self", "what": "medication"}, "NA", {"BV"}, set()),
    ({"who": "self", "what": "eating"}, "OA", set(), set()),
    ({"who": "self", "what": "eating", "twelve": "no"}, "BV", {"SMART"}, set()),
    ({"who": "self", "what": "several"}, "NA", {"BV"}, set()),
    ({"who": "self", "what": "alcohol", "psych": "yes"}, "AA", {"DD"}, set()),
    ({"who": "self", "what": "drugs", "psych": "yes", "twelve": "no"}, "SMART", {"DD"}, set()),
    # relatives: partner, friend, child (my child uses), parent (my parent uses)
    ({"who": "partner", "what": "alcohol"}, "ALANON", set(), {"AA"}),
    ({"who": "friend", "what": "alcohol"}, "ALANON", set(), set()),
    ({"who": "partner", "what": "drugs"}, "LSOVD", set(), {"NA"}),
    ({"who": "partner", "what": "cocaine"}, "LSOVD", set(), {"CA"}),
    ({"who": "partner", "what": "gambling"}, "AGOG", set(), set()),
    ({"who": "friend", "what": "eating"}, "OA", set(), set()),
    ({"who": "child", "what": "drugs"}, "LSOVD", set(), set()),
    ({"who": "child", "what": "cocaine"}, "LSOVD", set(), set()),
    ({"who": "child", "what": "alcohol"}, "ALANON", {"LSOVD"}, set()),
    ({"who": "child", "what": "gambling"}, "AGOG", set(), set()),
    ({"who": "parent", "what": "alcohol", "young": "yes"}, "ALATEEN", set(), set()),
    ({"who": "parent", "what": "alcohol", "young": "no"}, "ACA", {"ALANON"}, {"ALATEEN"}),
    ({"who": "parent", "what": "drugs", "young": "yes"}, "LSOVD", {"ALATEEN"}, set()),
    ({"who": "parent", "what": "gambling", "young": "yes"}, "AGOG", set(), set()),
    # skipped answers ("zeg ik liever niet") and answers never given
    ({"who": "parent", "what": "alcohol", "young": S}, "ALATEEN", {"ACA", "ALANON"}, set()),
    ({"who": "partner", "what": S}, "ALANON", {"LSOVD", "AGOG"}, set()),
    ({"who": "child", "what": S}, "LSOVD", {"ALANON"}, set()),
    ({"who": S, "what": "alcohol"}, "AA", {"ALANON"}, set()),
    ({"who": S, "what": "cocaine"}, "CA", {"NA", "LSOVD"}, set()),
    ({"who": S, "what": "gambling"}, "AGOG", set(), set()),
    ({"who": S, "what": S}, "BV", {"SMART"}, set()),
    ({"who": "self", "what": S}, "BV", {"NA"}, set()),
    ({}, "BV", {"SMART"}, set()),
    ({"who": S, "what": S, "psych": "yes"}, "BV", {"DD"}, set()),
]


@pytest.mark.parametrize(("answers", "first", "also", "never"), CASES)
def test_matching_case(answers: dict[str, str], first: str, also: set[str], never: set[str]) -> None:
    result = match(answers)
    assert result.programs[0] == first
    assert also <= set(result.programs)
    assert not never & set(result.programs)
    assert 1 <= len(result.programs) <= 3
    assert len(set(result.programs)) == len(result.programs)


def test_cases_cover_every_fellowship() -> None:
    assert len(CASES) >= 25
    seen = {p for answers, *_ in CASES for p in match(answers).programs}
    assert seen == set(PROGRAMS)


def test_every_main_rule_is_reachable() -> None:
    """No rule is shadowed by an earlier one: each rule's own conditions pick it."""
    table = matching_table()
    for i, rule in enumerate(table.main):
        answers = {qid: sorted(values)[0] for qid, values in rule.when.items()}
        first = next(
            j for j, r in enumerate(table.main) if all(answers.get(q, S) in v for q, v in r.when.items())
        )
        assert first == i, f"rule {i + 1} is shadowed by rule {first + 1}"


def test_notes() -> None:
    assert "which.note.relatives" in match({"who": "partner", "what": "alcohol"}).notes
    assert "which.note.women" in match({"who": "self", "women": "yes"}).notes
    assert "which.note.online" in match({"mode": "online"}).notes
    assert match({"who": "self", "what": "gambling"}).notes == ()
    assert match({"who": "self", "what": "alcohol"}).notes == ("which.note.withdrawal",)  # issue 11


def test_questions_follow_the_answers() -> None:
    assert next_question({}).id == "who"
    assert next_question({"who": "partner", "what": "alcohol"}).id == "women"
    assert next_question({"who": "parent", "what": "alcohol"}).id == "young"
    assert next_question({"who": "self", "what": "alcohol", "young": S}).id == "twelve"
    done = {q.id: S for q in matching_table().questions}
    assert next_question(done) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I gamble", {"who": "self", "what": "gambling"}),
        ("Ik gok te veel", {"who": "self", "what": "gambling"}),
        ("mijn man drinkt", {"who": "partner", "what": "alcohol"}),
        ("my daughter uses coke", {"who": "child", "what": "cocaine"}),
        ("Mijn moeder drinkt elke dag", {"who": "parent", "what": "alcohol"}),
        ("ik maak me zorgen om mijn zoon", {"who": "child"}),
        ("weet ik niet", {}),
    ],
)
def test_typed_answers(text: str, expected: dict[str, str]) -> None:
    assert answers_from_text(text, {}) == expected


def test_typed_answers_do_not_overwrite() -> None:
    assert answers_from_text("ik drink", {"who": "friend"}) == {"what": "alcohol"}
