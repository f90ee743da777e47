"""Load and validate the guidance data: fellowship profiles, topics and the matching table.

Every loader raises ContentError with a clear message (file, entry, field) when the data is wrong, so a bad
edit fails at start-up and in the tests instead of in a conversation.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from content import CONTENT_DIR, LANGUAGES
from content.i18n import messages

PROGRAMS: tuple[str, ...] = (
    "AA", "NA", "CA", "AGOG", "ALANON", "ALATEEN", "ACA", "LSOVD", "BV", "SMART", "OA", "DD",
)  # fmt: skip
SKIP = "skip"
TEXT_FIELDS = ("name", "short", "for_whom", "approach", "meeting")
ABSTINENCE = ("yes", "own", "none")
_PHONE = re.compile(r"^0[0-9 ]{8,13}$")
_CODE = re.compile(r"^[a-z_]{1,12}$")


class ContentError(ValueError):
    """The content data is malformed."""


@dataclass(frozen=True, slots=True)
class Contact:
    """How to reach a fellowship, and how sure we are of it."""

    website: str
    phone: str
    source: str
    verified_on: date | None
    verified: bool


@dataclass(frozen=True, slots=True)
class Fellowship:
    """One program's profile."""

    id: str
    twelve_step: bool
    abstinence: str
    for_relatives: bool
    contact: Contact
    texts: dict[str, dict[str, str]]

    def text(self, lang: str, name: str) -> str:
        """A text field in a language (falls back to Dutch)."""
        return self.texts.get(lang, self.texts["nl"])[name]


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic: a few parts (catalog keys topic.<id>.<n>) and what to offer after the last one."""

    id: str
    parts: int
    related: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()

    def part_key(self, n: int) -> str:
        return f"topic.{self.id}.{n}"

    @property
    def title_key(self) -> str:
        return f"topic.{self.id}.title"


@dataclass(frozen=True, slots=True)
class Question:
    """A which-group question: answer codes, and when it is asked."""

    id: str
    options: tuple[str, ...]
    ask_if: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rule:
    """A main rule: conditions and up to three (program, reason key) suggestions."""

    when: dict[str, frozenset[str]]
    suggest: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Extra:
    """An extra suggestion inserted at a position when its conditions hold."""

    when: dict[str, frozenset[str]]
    program: str
    reason: str
    position: int


@dataclass(frozen=True, slots=True)
class Note:
    """A hint shown under the suggestions when its conditions hold."""

    when: dict[str, frozenset[str]]
    text: str


@dataclass(frozen=True, slots=True)
class MatchingTable:
    """The whole which-group table."""

    questions: tuple[Question, ...]
    main: tuple[Rule, ...]
    extras: tuple[Extra, ...]
    notes: tuple[Note, ...]
    keywords: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]
    max_suggestions: int
    weak: frozenset[str] = frozenset()

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ContentError(f"{path.name}: cannot read: {exc}") from exc


def _need(cond: bool, where: str, what: str) -> None:
    if not cond:
        raise ContentError(f"{where}: {what}")


def _check_keys(keys: list[str], where: str) -> None:
    """Every catalog key must exist, with a text, in every language."""
    for lang in LANGUAGES:
        texts = messages(lang)
        for key in keys:
            _need(bool(texts.get(key)), where, f"catalog key {key!r} has no {lang} text")


# ---------------------------------------------------------------------------------------- fellowships


def parse_fellowships(data: dict[str, Any], where: str = "fellowships.toml") -> dict[str, Fellowship]:
    """Validate raw fellowship data and build the profiles."""
    _need(set(data) == set(PROGRAMS), where, f"programs must be exactly {', '.join(PROGRAMS)}")
    out: dict[str, Fellowship] = {}
    for pid in PROGRAMS:
        raw = data[pid]
        at = f"{where} [{pid}]"
        _need(isinstance(raw.get("twelve_step"), bool), at, "twelve_step must be true or false")
        _need(raw.get("abstinence") in ABSTINENCE, at, f"abstinence must be one of {ABSTINENCE}")
        _need(isinstance(raw.get("for_relatives"), bool), at, "for_relatives must be true or false")
        out[pid] = Fellowship(
            pid,
            raw["twelve_step"],
            raw["abstinence"],
            raw["for_relatives"],
            _contact(raw.get("contact"), f"{at}.contact"),
            {lang: _texts(raw.get(lang), f"{at}.{lang}") for lang in LANGUAGES},
        )
    return out


def _contact(raw: Any, at: str) -> Contact:
    _need(isinstance(raw, dict), at, "missing")
    website, phone = raw.get("website", ""), raw.get("phone", "")
    _need(website == "" or str(website).startswith("https://"), at, "website must start with https://")
    _need(phone == "" or bool(_PHONE.match(str(phone))), at, f"phone {phone!r} is not a Dutch number")
    _need(bool(str(raw.get("source", "")).strip()), at, "source is required")
    _need(isinstance(raw.get("verified"), bool), at, "verified must be true or false")
    on = raw.get("verified_on", "")
    when: date | None = None
    if isinstance(on, date):
        when = on
    elif on:
        try:
            when = date.fromisoformat(str(on))
        except ValueError as exc:
            raise ContentError(f"{at}: verified_on must be a date or empty") from exc
    _need(not raw["verified"] or when is not None, at, "verified = true needs a verified_on date")
    return Contact(str(website), str(phone), str(raw["source"]), when, raw["verified"])


def _texts(raw: Any, at: str) -> dict[str, str]:
    _need(isinstance(raw, dict), at, "missing")
    for name in TEXT_FIELDS:
        _need(isinstance(raw.get(name), str) and bool(raw[name].strip()), at, f"{name} is required")
    return {name: raw[name].strip() for name in TEXT_FIELDS}


@cache
def fellowships() -> dict[str, Fellowship]:
    """The validated profiles from content/fellowships.toml."""
    return parse_fellowships(_read(CONTENT_DIR / "fellowships.toml"))


# ---------------------------------------------------------------------------------------------- topics


def parse_topics(data: dict[str, Any], where: str = "topics.toml") -> dict[str, Topic]:
    """Validate raw topic data (ids, parts, links, catalog keys) and build the topics, in order."""
    raw = data.get("topic")
    _need(isinstance(raw, list) and bool(raw), where, "needs [[topic]] entries")
    assert isinstance(raw, list)
    out: dict[str, Topic] = {}
    for i, item in enumerate(raw):
        tid = item.get("id", "")
        at = f"{where} topic {i} ({tid})"
        _need(bool(_CODE.match(str(tid))), at, "id must be a short lower-case code")
        _need(tid not in out, at, "duplicate id")
        parts = item.get("parts")
        _need(isinstance(parts, int) and 1 <= parts <= 6, at, "parts must be 1..6")
        programs = tuple(item.get("programs", ()))
        _need(all(p in PROGRAMS for p in programs), at, "unknown program in programs")
        out[tid] = Topic(tid, parts, tuple(item.get("related", ())), programs)
    for topic in out.values():
        for rel in topic.related:
            _need(rel in out and rel != topic.id, f"{where} topic {topic.id}", f"related {rel!r} is unknown")
        _check_keys([topic.title_key] + [topic.part_key(n) for n in range(1, topic.parts + 1)], where)
    return out


@cache
def topics() -> dict[str, Topic]:
    """The validated topics from content/topics.toml, in order."""
    return parse_topics(_read(CONTENT_DIR / "topics.toml"))


# -------------------------------------------------------------------------------------------- matching


def _when(raw: Any, questions: dict[str, Question], at: str) -> dict[str, frozenset[str]]:
    _need(isinstance(raw, dict), at, "when must be a table")
    out: dict[str, frozenset[str]] = {}
    for qid, values in raw.items():
        _need(qid in questions, at, f"unknown question {qid!r}")
        _need(isinstance(values, list) and bool(values), at, f"{qid} needs a list of answers")
        allowed = {*questions[qid].options, SKIP}
        bad = [v for v in values if v not in allowed]
        _need(not bad, at, f"{qid} has unknown answers {bad}")
        out[qid] = frozenset(values)
    return out


def _suggestion(raw: Any, at: str) -> tuple[str, str]:
    _need(isinstance(raw, list) and len(raw) == 2, at, "a suggestion is [PROGRAM, reason key]")
    _need(raw[0] in PROGRAMS, at, f"unknown program {raw[0]!r}")
    return str(raw[0]), str(raw[1])


def parse_matching(data: dict[str, Any], where: str = "matching.toml") -> MatchingTable:
    """Validate the raw matching table and build it."""
    questions: dict[str, Question] = {}
    for i, q in enumerate(data.get("question", [])):
        at = f"{where} question {i}"
        qid = q.get("id", "")
        _need(bool(_CODE.match(str(qid))) and qid not in questions, at, "needs a new short id")
        options = tuple(q.get("options", ()))
        _need(
            bool(options) and all(_CODE.match(o) for o in options) and SKIP not in options, at, "bad options"
        )
        questions[qid] = Question(qid, options, _when(q.get("ask_if", {}), questions, at))
    _need(bool(questions), where, "needs [[question]] entries")
    limit = data.get("max_suggestions", 3)
    _need(isinstance(limit, int) and 1 <= limit <= 3, where, "max_suggestions must be 1..3")

    main = []
    for i, r in enumerate(data.get("main", [])):
        at = f"{where} main rule {i + 1}"
        suggest = tuple(_suggestion(s, at) for s in r.get("suggest", []))
        _need(1 <= len(suggest) <= limit, at, f"needs 1..{limit} suggestions")
        _need(len({p for p, _ in suggest}) == len(suggest), at, "a program is suggested twice")
        main.append(Rule(_when(r.get("when", {}), questions, at), suggest))
    _need(bool(main) and not main[-1].when, where, "the last main rule must be a catch-all (when = {})")

    extras = []
    for i, e in enumerate(data.get("extra", [])):
        at = f"{where} extra rule {i + 1}"
        program, reason = _suggestion(e.get("insert"), at)
        position = e.get("position", 0)
        _need(isinstance(position, int) and 0 <= position < limit, at, "position out of range")
        extras.append(Extra(_when(e.get("when", {}), questions, at), program, reason, position))

    notes = [
        Note(_when(n.get("when", {}), questions, f"{where} note {i + 1}"), str(n.get("text", "")))
        for i, n in enumerate(data.get("note", []))
    ]

    keywords: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
    raw_keywords = dict(data.get("keywords", {}))
    weak = raw_keywords.pop("weak", [])
    for item in weak:
        qid, _, code = str(item).partition(".")
        _need(qid in questions and code in questions[qid].options, f"{where} keywords.weak", f"bad {item!r}")
    for qid, table in raw_keywords.items():
        at = f"{where} keywords.{qid}"
        _need(qid in questions, at, "unknown question")
        for code, words in table.items():
            _need(code in questions[qid].options, at, f"unknown answer {code!r}")
            _need(all(isinstance(w, str) and w == w.lower() for w in words), at, "words must be lower case")
        keywords[qid] = tuple((code, tuple(words)) for code, words in table.items())

    keys = [reason for r in main for _, reason in r.suggest] + [e.reason for e in extras]
    keys += [n.text for n in notes] + [f"which.q.{q}" for q in questions]
    keys += [f"which.opt.{q.id}.{o}" for q in questions.values() for o in q.options]
    _check_keys(sorted(set(keys)), where)
    return MatchingTable(
        tuple(questions.values()), tuple(main), tuple(extras), tuple(notes), keywords, limit, frozenset(weak)
    )


@cache
def matching_table() -> MatchingTable:
    """The validated matching table from content/matching.toml."""
    return parse_matching(_read(CONTENT_DIR / "matching.toml"))


def load_all() -> None:
    """Load and validate every guidance file (raises ContentError on the first problem)."""
    fellowships()
    topics()
    matching_table()


# ---------------------------------------------------------------------------------------- crisis help

HELP_SERVICES = ("n112", "n113", "n113_free", "chat113", "veilig_thuis", "kindertelefoon")


@dataclass(frozen=True, slots=True)
class HelpNumber:
    """A number on the urgent-help screens, with where it comes from."""

    id: str
    name: str
    number: str
    url: str
    source: str
    verified_on: date | None


def parse_help_numbers(data: dict[str, Any], where: str = "crisis_help.toml") -> dict[str, HelpNumber]:
    """Validate the help numbers: exactly the services the screens use, each with a number and a source."""
    _need(set(data) == set(HELP_SERVICES), where, f"services must be exactly {', '.join(HELP_SERVICES)}")
    out = {}
    for sid in HELP_SERVICES:
        raw = data[sid]
        at = f"{where}: [{sid}]"
        _need(isinstance(raw, dict), at, "must be a table")
        for name in ("name", "number", "source"):
            _need(isinstance(raw.get(name), str) and bool(raw[name].strip()), at, f"needs a {name}")
        _need("verified_on" in raw, at, "needs verified_on (empty when nobody checked it)")
        checked = raw["verified_on"]
        try:
            verified_on = date.fromisoformat(checked) if checked else None
        except (TypeError, ValueError) as exc:
            raise ContentError(f"{at}: verified_on must be a date (YYYY-MM-DD) or empty") from exc
        out[sid] = HelpNumber(sid, raw["name"], raw["number"], raw.get("url", ""), raw["source"], verified_on)
    return out


@cache
def help_numbers() -> dict[str, HelpNumber]:
    """The numbers of content/crisis_help.toml, validated once."""
    return parse_help_numbers(_read(CONTENT_DIR / "crisis_help.toml"))
