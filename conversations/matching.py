"""Which group fits: apply the matching table (content/matching.toml) to a person's answers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from content.loader import SKIP, MatchingTable, Question, matching_table
from conversations.crisis import normalise


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One suggested program with the catalog key of its one-line reason."""

    program: str
    reason: str


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome: one to three suggestions and zero or more hint keys."""

    suggestions: tuple[Suggestion, ...]
    notes: tuple[str, ...]

    @property
    def programs(self) -> list[str]:
        return [s.program for s in self.suggestions]


def _holds(when: Mapping[str, frozenset[str]], answers: Mapping[str, str]) -> bool:
    return all(answers.get(qid, SKIP) in allowed for qid, allowed in when.items())


def match(answers: Mapping[str, str], table: MatchingTable | None = None) -> Match:
    """Suggestions for the answers (question id → code; missing or 'skip' = not said)."""
    table = table or matching_table()
    rule = next(r for r in table.main if _holds(r.when, answers))
    found = [Suggestion(p, reason) for p, reason in rule.suggest]
    for extra in table.extras:
        if _holds(extra.when, answers) and all(s.program != extra.program for s in found):
            found.insert(min(extra.position, len(found)), Suggestion(extra.program, extra.reason))
    notes = tuple(n.text for n in table.notes if _holds(n.when, answers))
    return Match(tuple(found[: table.max_suggestions]), notes)


def should_ask(question: Question, answers: Mapping[str, str]) -> bool:
    """Whether a question applies, given the answers so far."""
    return _holds(question.ask_if, answers)


def next_question(answers: Mapping[str, str], table: MatchingTable | None = None) -> Question | None:
    """The first question that applies and has no answer yet, or None when all are done."""
    table = table or matching_table()
    for q in table.questions:
        if q.id not in answers and should_ask(q, answers):
            return q
    return None


def answers_from_text(
    text: str, answers: Mapping[str, str], table: MatchingTable | None = None
) -> dict[str, str]:
    """Answer codes recognised in typed words, for questions not answered yet. The text is not kept."""
    table = table or matching_table()
    words = normalise(text)
    found: dict[str, str] = {}
    for qid, options in table.keywords.items():
        if qid in answers:
            continue
        for code, keys in options:
            if any(
                re.search(rf"(?<![a-z0-9]){re.escape(normalise(k).strip())}(?![a-z0-9])", words) for k in keys
            ):
                found[qid] = code
                break
    if all(f"{qid}.{code}" in table.weak for qid, code in found.items()):
        return {}
    return found
