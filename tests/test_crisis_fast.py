"""The crisis detector's shortcuts read every tune message exactly as the plain way of doing the same."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import cache

from conversations import crisis
from conversations.crisis import (
    _APOSTROPHES,
    _NON_WORD,
    _ZERO_WIDTH,
    MAX_SCAN,
    CrisisRules,
    _disguised,
    deobfuscate,
    detector,
    normalise,
    read_labelled,
    rules,
)
from conversations.crisis_model import MAX_CHARS
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "crisis"
_PLAIN_TRIPLES = re.compile(r"(.)\1{2,}")
ODD = ["diiiie", "!!!???", "zzz  aaa", "ééén", "a\u200b\u200ba", "1111 0000", "NEEEE nee", "x" * 9000, ""]
ODD += ["I’m done 😢", "ik wi\u0308l do\u0301o\u0301d", "ﬁ ① ² Ⅻ", "Çà ñ ø ß İ", "ｚｅｌｆｍｏｏｒｄ"]
ODD += ["e\u0301" * 3000, "a\tb\nc\x1cd\x00e\x7f", "it's `quoted` IT''S", "A-B_C/D.E,F"]
ODD += [
    "Ünïcödé\x1c’s\tnaïef",
    "\u212a\u212a",
    "ik ga dood 😂🤣 écht",
    "😅😅x😹",
]  # \u212a (Kelvin sign) lower-cases to an ASCII 'k'


@cache
def texts() -> list[str]:
    return [r[3] for name in ("tune", "writers_tune") for r in read_labelled(DATA / f"{name}.tsv")] + ODD


def plain_normalise(text: str, collapse: bool = True) -> str:
    """normalise() as first written: every letter repeated three times or more made two, always by sub (and
    laughing emoji as 'haha', crisis7). `collapse=False`: letters left repeated."""
    text = text[:MAX_SCAN]
    if not text.isascii():
        text = re.sub("[\U0001f602\U0001f923\U0001f606\U0001f639\U0001f605]+", " haha ", text)
        text = unicodedata.normalize("NFKD", text.translate(_ZERO_WIDTH))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NON_WORD.sub(" ", text.lower().translate(_APOSTROPHES))
    return " " + (_PLAIN_TRIPLES.sub(r"\1\1", text) if collapse else text).strip() + " "


def plain_canonical(r: CrisisRules, norm: str) -> str:
    """canonical() without its word cache."""
    return " " + " ".join(r.words.get(w) or r.speller.word(w) for w in norm.split()) + " "


def test_normalise_is_the_plain_normalise() -> None:
    for text in texts():
        assert normalise(text) == plain_normalise(text), text


def test_normalised_reads_each_text_alike_with_a_cold_or_a_warm_word_set() -> None:
    """normalised_words() skips the search for a letter three times in a row when it knows every word: the
    same words and the same answer either way, and that answer is whether such a letter is there."""
    for text in [*texts(), *(v for t in texts()[::7] for v in variants(t))]:
        crisis._UNSTRETCHED.clear()
        cold = crisis.normalised_words(text)
        warm = crisis.normalised_words(text)
        expected = plain_normalise(text)
        assert cold == warm == (expected.split(), expected != plain_normalise(text, collapse=False)), text
    assert crisis.normalised_words("ZELFMOOOORD!") == (["zelfmoord"], True)
    assert crisis.normalised_words("zelfmoord") == (["zelfmoord"], False)


def test_canonical_reads_each_text_alike_with_a_cold_or_a_warm_cache() -> None:
    r = rules()
    cold = replace(r, words=dict(r.words))  # its own cache, filled as it reads
    for text in texts():
        norm = normalise(text)
        expected = plain_canonical(r, norm)
        assert cold.canonical(norm) == expected, text
        assert cold.canonical(norm) == expected, text  # now every word is known


def test_loosely_skips_only_texts_without_a_rare_word() -> None:
    r = rules()
    for text in texts():
        norm = r.canonical(normalise(text))
        words = norm.split()
        if [r.speller.loose(w) for w in words] == words:
            assert r.loosely(norm) is None, text
    laatste = r.loosely(r.canonical(normalise("dit is mijn laaste dag")))
    assert laatste is not None and " laatste " in laatste[1]


def test_a_text_without_a_disguise_is_not_read_again_undisguised() -> None:
    extra = [
        "zelfm00rd",
        "z e l f m o o r d",
        "k1ll m3",
        "$u1c1de",
        "30 pillen",
        "om 3 uur",
        "²³ ①",
        "a b c d",
    ]
    for text in texts() + extra:
        plain = normalise(text)
        if not _disguised(text, plain):
            assert deobfuscate(text) == plain, text
    assert _disguised("zelfm00rd", normalise("zelfm00rd"))
    assert not _disguised("30 pillen", normalise("30 pillen"))


def variants(text: str) -> list[str]:
    """A text as written and disguised or mangled: upper case, digits and symbols for letters, letters
    stretched or spaced, accents, emoji, non-ASCII digits."""
    leet = text.translate(str.maketrans("oieastgl", "01345791"))
    return [
        text,
        text.upper(),
        leet,
        text.replace("s", "$").replace("a", "@").replace("e", "€"),
        re.sub("([a-z])", r"\1\1\1", text, count=3),
        " ".join(text[:12]) + text[12:],
        text.replace("e", "é").replace("o", "ö") + " 😢😂",
        text.replace("1", "①").replace("2", "²") + " x² 3d",
        leet.replace(" ", "_"),
    ]


def test_the_quick_disguise_check_is_the_regex_one() -> None:
    """_disguised() says what the regexes it replaced (crisis perf5) say, on every tune text and variants."""
    mixed = re.compile(r"\b(?=[a-z0-9]*[a-z])(?=[a-z0-9]*[0-9])[a-z0-9]+\b")
    spaced = re.compile(r"(?<![a-z0-9])(?:[a-z] ){3,}[a-z](?![a-z0-9])")
    symbol = re.compile(r"[@$€]")
    extra = ["zelfm00rd", "z e l f m o o r d", "k1ll m3", "$u1c1de", "30 pillen", "om 3 uur", "²³ ①"]
    extra += ["a b c d", "1a", "a1", "11 aa", "a 1 b 2", "x_1", "3d 4e 5", "i w a n t", "€", "@", "$"]
    seen = {False: 0, True: 0}
    for original in texts() + extra:
        for text in variants(original):
            plain = normalise(text)
            expected = bool(symbol.search(text) or mixed.search(plain) or spaced.search(plain))
            assert _disguised(text, plain) == expected, text
            seen[expected] += 1
    assert min(seen.values()) > 1000


def test_the_words_of_a_canonical_text_are_its_split() -> None:
    """canonical_words() gives the canonical text and its split() (what loosely() and the model read), also
    when a chat word stands for two ('kben') or a text has no words."""
    r = rules()
    extra = ["kben er klaar mee", "ik wil dood " * 50, "kwil dood", "ik ga dood van het lachen haha", ""]
    for text in [*texts(), *(v for t in texts()[::7] for v in variants(t)), *extra]:
        norm, words = r.canonical_words(crisis.normalised_words(text)[0])
        assert norm == r.canonical(normalise(text)), text
        assert words == norm.split(), text
    for text in extra[:3:2]:  # two words in one ('kben'): not the canonical forms, the words of the text
        norm, words = r.canonical_words(crisis.normalised_words(text)[0])
        assert words[:2] == ["ik", "ben" if text.startswith("kben") else "wil"], text


def test_the_model_scores_a_text_alike_with_its_words_given() -> None:
    """score() of a text with its words given is score() of the text split by itself (a long text's words
    are not what the model reads: then they are left aside)."""
    model = detector().model
    long = 0
    for text in [*texts()[::3], "ik wil dood " * 50]:
        norm = rules().canonical(normalise(text))
        long += len(norm) > MAX_CHARS
        model.last.clear()
        alone = model.score(norm, explain=2)
        model.last.clear()
        assert model.score(norm, explain=2, words=norm.split()) == alone, text
    assert long


def test_calm_words_are_found_among_the_candidates_of_the_text() -> None:
    r = rules()
    calm = r.plain.calm
    for text in texts():
        norm = r.canonical(normalise(text))
        forms = r.forms(text, norm)
        assert calm.search(norm, forms[0][2]) == calm.search(norm, r.plain.grouped(calm.ids)), text


def test_candidates_by_rule_are_each_rules_own_candidates_in_order() -> None:
    r = rules()
    for patterns in (r.plain, r.collapsed):
        every = patterns.every_rule
        assert sorted(rule.first for rule in every) == sorted(set(patterns.owner))
        for text in texts():
            norm = r.canonical(normalise(text))
            ids = patterns.index.candidates(norm)
            grouped = patterns.candidates(norm)
            assert all(grouped.values()), text  # only rules with candidates are there
            for rule in every:
                assert grouped.get(rule.first, []) == sorted(rule.ids & ids), (rule.name, text)


def test_an_urgent_verdict_by_a_rule_is_known_as_such() -> None:
    """What the model's veto reads (it read `why.startswith('rule ')` before)."""
    d = detector()
    urgent = [v for v in map(d.assess, texts()) if v.urgent]
    assert {v.by_rule for v in urgent} == {True, False}
    for verdict in urgent:
        assert verdict.by_rule == verdict.why.startswith("rule "), verdict


def test_the_quick_checks_before_the_other_forms_say_what_the_full_ones_say() -> None:
    """No repeated letter found by normalised_words(): _STRETCHED finds none either; on canonical text the
    one-letter-words check finds what _SPACED finds."""
    r = rules()
    extra = ["Diiie", "zelfmoooord", "z e l f m o o r d", "i w a n t", "ÉÉÉ", "a'a'a", "x y z", " a b c d "]
    for text in [*texts(), *extra, *(t.upper() for t in texts()[::5])]:
        words, triples = crisis.normalised_words(text)
        plain = " " + " ".join(words) + " "
        assert triples or not crisis._STRETCHED.search(text), text
        norm = r.canonical(plain)
        assert bool(crisis._SPACED_WORDS.search(norm)) == bool(crisis._SPACED.search(norm)), text
