"""The literal index before the crisis rules: it may skip a pattern only when that pattern cannot match."""

from __future__ import annotations

import re
import tomllib

import pytest

from conversations.crisis import Rule, _all_patterns, _compile, deobfuscate, normalise, read_labelled, rules
from conversations.regex_anchors import LiteralIndex, compile_grouped, required_literals, uncaptured
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "crisis"


def test_required_literals_of_common_shapes() -> None:
    assert required_literals("zelfmoord\\w*") == {"zelfmoord"}
    assert required_literals("(gestopt|stoppen) (\\w+ ){0,4}met") == {"gestopt", "stoppen"}
    assert required_literals("(ik )?wil dood") == {"wil dood"}
    assert required_literals("(ik|me) (\\w+ )?(snij|kras)") == {"snij", "kras"}
    assert required_literals("(a|\\w+ )dood") == {"dood"}  # a branch without a literal: pick another part
    assert required_literals("(om|\\w+) (x|y)") is None  # nothing three letters long is required
    assert required_literals("(?:pillen|\\w+pillen)") == {"pillen"}  # inside a word is fine: substrings


def test_required_literals_are_the_rarest_choice() -> None:
    """Of two required parts, the one whose words are less common decides: fewer texts run the pattern."""
    fits = "(had|heeft|kreeg|have|has) (\\w+ ){0,2}(stuip|toeval|aanval|fit|fits)"
    assert required_literals(fits) == {"stuip", "toeval", "aanval", "fit", "fits"}
    assert required_literals("not (really )?real") == {"real"}  # 'not ' is three letters and a space
    assert required_literals("(zie|see|saw) (\\w+ ){0,3}(dingen|things|people)") == {
        "dingen",
        "things",
        "people",
    }


def test_index_never_skips_a_pattern_that_matches() -> None:
    patterns = [" (?:wil dood)(?= )", " (?:\\w+pillen) (?:genomen)(?= )", " (?:(om|\\w+) (x|y))(?= )"]
    index = LiteralIndex.build(patterns)
    assert index.candidates(" ik wil dood ") >= {0, 2}
    assert 1 in index.candidates(" slaappillen genomen ")
    assert 0 not in index.candidates(" ik wil slapen ")


def test_rules_with_the_index_match_as_every_pattern_would() -> None:
    texts = [row[3] for row in read_labelled(ROOT / "tests" / "data" / "crisis" / "tune.tsv")]
    patterns = rules().plain
    every = (*patterns.urgent, *patterns.cues, patterns.concern, patterns.history, patterns.benign)
    joined = [(rule, rule.joined) for rule in every]  # each alternation compiled once, not once per text
    for text in texts:
        norm = normalise(text)
        candidates = patterns.candidates(norm)
        for rule, alternation in joined:
            found = alternation.search(norm)
            expected = found.group(0).strip() if found else None
            assert rule.search(norm, candidates) == expected, (rule.name, text)


def _every_literal(index: LiteralIndex) -> list[tuple[str, frozenset[int]]]:
    spans = [(literal, ids) for v in index.spans_by_gram.values() for _part, literal, ids in v]
    return [pair for v in index.by_gram.values() for pair in v] + spans + list(index.spans_always)


def _plain_candidates(
    always: frozenset[int], literals: list[tuple[str, frozenset[int]]], text: str
) -> set[int]:
    """Every pattern with a required literal in the text, found by trying each literal."""
    return set(always).union(*(ids for literal, ids in literals if literal in text))


@pytest.mark.parametrize("kind", ["plain", "collapsed"])
def test_candidates_read_word_by_word_are_those_of_every_literal(kind: str) -> None:
    r = rules()
    patterns = getattr(r, kind)
    index = patterns.index
    literals = _every_literal(index)
    assert any(" " in literal.strip() for literal, _ in literals)  # both kinds are there
    texts = [row[3] for name in ("tune", "writers_tune") for row in read_labelled(DATA / f"{name}.tsv")]
    extra = [" ik  wil dood ", " wil dood", "ik wil dood ", " ik\twil dood ", " _past_ ", " ", "", "   "]

    def check(form: str) -> None:
        expected = _plain_candidates(index.always, literals, form)
        assert index.candidates(form) == expected, form
        assert index.candidates(form) == expected, form  # words remembered

    for form in extra:  # before any word is remembered
        check(form)
    for text in texts + extra:
        norm = r.canonical(normalise(text))
        for form in dict.fromkeys((norm, patterns.strip(norm), deobfuscate(text), text)):  # each once
            check(form)
    for form in extra:  # after every word of every text is remembered
        check(form)


@pytest.mark.parametrize("kind", ["plain", "collapsed"])
def test_blanking_without_an_alternation_is_the_alternation_sub(kind: str) -> None:
    patterns = getattr(rules(), kind)
    texts = [row[3] for name in ("tune", "writers_tune") for row in read_labelled(DATA / f"{name}.tsv")]
    blanking = [
        (rule, rule.joined, repl) for rule, repl in ((patterns.benign, " "), (patterns.history, " _past_ "))
    ]
    for text in texts:
        norm = normalise(text)
        candidates = patterns.candidates(norm)
        for rule, alternation, repl in blanking:
            assert rule.sub(repl, norm, candidates) == alternation.sub(repl, norm), (rule.name, text)


def test_blanking_takes_the_leftmost_match_then_the_first_pattern_there() -> None:
    sources = ["b c", "a b", "a b c d", "d e", "c d e"]  # overlapping; the first in order wins at a place
    each = dict(enumerate(re.compile(_compile(p)) for p in sources))
    rule = Rule("benign", each, 0, frozenset(each))
    for norm in (" a b c d e ", " x a b c d e a b ", " c d e d e ", " y ", " a b c "):
        for some in ({0, 1, 2, 3, 4}, {0, 3}, {2, 4}, {4}, set()):
            expected = Rule("some", each, 0, frozenset(some)).joined.sub("_", norm) if some else norm
            candidates = {0: sorted(some)} if some else {}  # (all are the rule's, whose first pattern is 0)
            assert rule.sub("_", norm, candidates) == expected, (norm, some)


def test_uncaptured_makes_only_capturing_groups_non_capturing() -> None:
    assert uncaptured("(a|b) (\\w+ ){0,3}c") == "(?:a|b) (?:\\w+ ){0,3}c"
    assert uncaptured("(?<!geen )(x)(?= )(?!y)(?:z)") == "(?<!geen )(?:x)(?= )(?!y)(?:z)"
    assert uncaptured("\\((a)\\)[(]") == "\\((?:a)\\)[(]"  # escapes and members of a class stay
    assert uncaptured("[]()](b)[^]()]") == "[]()](?:b)[^]()]"  # a first ']' belongs to the class
    assert uncaptured("[\\]()](c)") == "[\\]()](?:c)"
    assert uncaptured("(a)\\1") == "(a)\\1"  # a reference to a group: left as it is
    assert uncaptured("(?P<n>a)(?P=n)") == "(?P<n>a)(?P=n)"


def test_patterns_without_captures_match_the_same_words() -> None:
    """Every pattern of the phrase file, as written and as compiled (groups not captured, alternatives joined
    by first letter), finds the same match in tune texts: the leftmost, of the same length."""
    with (ROOT / "content" / "crisis.toml").open("rb") as fh:
        sources = _all_patterns(tomllib.load(fh))
    pairs = [(re.compile(rf" (?:{p})(?= )"), compile_grouped(_compile(p))) for p in sources]
    texts = [row[3] for name in ("tune", "writers_tune") for row in read_labelled(DATA / f"{name}.tsv")]
    for text in texts[::10]:
        norm = normalise(text)
        for written, compiled in pairs:
            a, b = written.search(norm), compiled.search(norm)
            assert (a and a.span()) == (b and b.span()), (written.pattern, text)


def test_alternatives_joined_by_first_letter_match_as_written() -> None:
    """Joining alternatives by first letter keeps the order that decides a match: an alternative never moves
    past one that could start at the same place ('\\w+', a class, a group holding its letter)."""
    cases = [
        "(ab|a|abc)d?",  # the same letter: order kept (first alternative that fits wins)
        "(ab|\\w+|ac)",  # 'ac' may not move before '\\w+'
        "(ab|[xa]c|ac|b)",  # a class holding 'a' stops the move too
        "(ab|(?:x|a)y|acd|ac)",  # a group that may start with 'a'
        "(tril\\w*|trek|beef|(?:zie|t) x|tak|b)( \\w+){0,2}",
        "(?<!no )(shak\\w*|sweat|stop(?! now)|st)",
        "(a|ab|(b|ba|bab)c|abc)+",
    ]
    texts = [
        " ab abc acd ac ay xy ",
        "abcd",
        " tak trek beef t x zie x b ",
        " no shake stop now sweat st ",
        "ababcbabc",
    ]
    for pattern in cases:
        written, joined = re.compile(pattern), compile_grouped(pattern)
        assert joined.pattern == pattern
        for text in texts:
            for start in range(len(text)):
                a, b = written.search(text, start), joined.search(text, start)
                assert (a and a.span()) == (b and b.span()), (pattern, text, start)
                assert (a and a.groups()) == (b and b.groups()), (pattern, text, start)


def test_compile_grouped_falls_back_to_re_compile_when_the_private_compiler_differs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another Python's private compiler must not stop the detector: the plain compile, same matches."""
    import conversations.regex_anchors as anchors

    monkeypatch.setattr(anchors, "_compiler", object())  # no _code(): as if re._compiler had changed
    pattern = " (?:tril|trek|beef)(?= )"
    compiled = compile_grouped(pattern)
    assert compiled.pattern == pattern
    assert compiled.search(" ik trek het niet ") is not None
    with pytest.raises(re.error):
        compile_grouped(" (?:tril")  # a bad pattern is still refused
