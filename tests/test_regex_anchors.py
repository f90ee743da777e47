"""The literal index before the crisis rules: it may skip a pattern only when that pattern cannot match."""

from __future__ import annotations

import itertools
import random
import re
import tomllib

import pytest

from conversations import regex_anchors
from conversations.crisis import (
    Candidates,
    PatternSet,
    Rule,
    _all_patterns,
    _compile,
    collapse,
    deobfuscate,
    normalise,
    read_labelled,
    rules,
)
from conversations.regex_anchors import (
    LiteralIndex,
    _groups,
    compile_grouped,
    indexed_clauses,
    required_clauses,
    uncaptured,
)
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "crisis"


def _clauses(pattern: str) -> list[set[str]]:
    return [set(c) for c in required_clauses(pattern)]


def test_required_clauses_of_common_shapes() -> None:
    assert _clauses("zelfmoord\\w*") == [{"zelfmoord"}]
    assert _clauses("(gestopt|stoppen) (\\w+ ){0,4}met") == [{"gestopt ", "stoppen "}, {" met"}]
    assert _clauses("(ik )?wil dood") == [{"wil dood"}]  # 'ik wil dood' holds 'wil dood'
    assert _clauses("(a|\\w+ )dood") == [{"adood", " dood"}]  # what comes before a literal, when known
    assert _clauses("(om|\\w+) (x|y)") == []  # nothing three characters long is required
    assert _clauses("(?:pillen|\\w+pillen)") == [{"pillen"}]  # inside a word is fine: substrings
    assert _clauses("[kc]ill") == [{"kill", "cill"}]  # a small class is its characters
    assert _clauses("(ha){2}") == [{"haha"}]
    assert _clauses("(?<!geen )pijn(?! weg)") == [{"pijn"}]  # what may not be there is not required
    assert _clauses("a.{0,60}b") == []
    assert _clauses("(?i)pijn") == [] and _clauses("x(?i:pijn)") == []  # any case: not read


def test_required_clauses_join_short_words_with_their_spaces() -> None:
    """Small sets of exact strings are joined to what stands next to them, spaces too: 'od' and 'tv' are too
    short, ' od aan ' and ' tv ' are not; a look-ahead at the end is text that follows the match."""
    pattern = " (?:(od|overdose) (aan|of) (\\w+ )?(tv|\\w*films?))(?= )"
    overdose = {" od aan ", " od of ", " overdose aan ", " overdose of "}
    assert _clauses(pattern) == [overdose, {" tv ", "film ", "films "}]
    assert _clauses(" (?:\\w+ (?:tv|\\w*film))(?= )") == [{" tv ", "film "}]  # each alternative in place
    assert _clauses("(?<= )od(?= )") == [{" od "}]
    assert _clauses("(?= )od") == []  # a look-ahead not at the end: nothing known


def test_required_clauses_are_a_conjunction_most_selective_first() -> None:
    fits = "(had|heeft|kreeg|have|has) (\\w+ ){0,2}(stuip|toeval|aanval|fit|fits)"
    assert _clauses(fits) == [
        {" stuip", " toeval", " aanval", " fit"},
        {"had ", "heeft ", "kreeg ", "have ", "has "},
    ]
    assert _clauses("(zie|see|saw) (\\w+ ){0,3}(dingen|things|people)") == [
        {" dingen", " things", " people"},
        {"zie ", "see ", "saw "},
    ]


def test_the_index_reads_a_clause_word_by_word_and_checks_the_others() -> None:
    """The clause a pattern is indexed by is cut to pieces within one word (' od aan ' → ' od '); a next
    clause within words is checked too, and a clause over several words by the whole words of its literals."""
    pattern = " (?:(od|overdose) (aan|of) (\\w+ )?(tv|\\w*films?))(?= )"
    first, checks = indexed_clauses(pattern)
    assert first == {" od ", " overdose "}
    overdose = {" od aan ", " od of ", " overdose aan ", " overdose of "}
    assert [set(c) for c in checks] == [{" tv ", "film ", "films "}, overdose]
    index = LiteralIndex.build([pattern])
    assert index.candidates(" een od aan de tv ") == {0}
    assert index.candidates(" een od aan de radio ") == set()  # ' od aan ' there, no ' tv ' nor 'film '
    assert index.candidates(" de od en tv ") == set()  # ' od ' and ' tv ' there, no 'aan' nor 'of'
    assert index.candidates(" de od en aan tv ") == {0}  # (the words of ' od aan ' are there, not in a row)
    assert index.candidates(" ik heb een overdose aan horrorfilms gezien ") == {0}


_PIECES = [
    "od",
    "tv",
    "aan",
    "of",
    "pijn",
    "dood",
    "wil",
    "ik",
    "a",
    "no",
    "(od|overdose)",
    "(aan|of|van)",
    "(\\w+ )?",
    "(\\w+ ){0,2}",
    "\\w*",
    "\\w+",
    "[kc]",
    "(ha){1,2}",
    "(?<!no )",
    "(?! a)",
    "(tv|\\w*film)",
    "(dood|\\w+pijn)",
    ".{0,8}",
    "(wil|wilde)?",
]
_WORDS = [
    "od",
    "tv",
    "aan",
    "of",
    "van",
    "pijn",
    "buikpijn",
    "dood",
    "wil",
    "wilde",
    "ik",
    "a",
    "no",
    "kill",
    "cill",
    "haha",
    "ha",
    "film",
    "horrorfilm",
    "overdose",
    "kodak",
]


def test_required_clauses_hold_in_every_text_a_pattern_matches() -> None:
    """Soundness on many small random patterns: a text a pattern matches holds a literal of each clause,
    and the index always finds the pattern (in texts as the detector reads them, and in others)."""
    rng = random.Random(11)
    patterns = []
    for _ in range(400):
        parts = [rng.choice(_PIECES) for _ in range(rng.randint(1, 5))]
        seps = [rng.choice([" ", "", " "]) for _ in parts]
        body = "".join(p + s for p, s in zip(parts, seps, strict=True)).strip(" ") or "a"
        if rng.random() < 0.3:
            body = f"{body}|{rng.choice(_PIECES)} {rng.choice(_PIECES)}"
        patterns.append(rf" (?:{body})(?= )" if rng.random() < 0.8 else body)
    texts = [" " + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 8))) + " " for _ in range(600)]
    texts += [t.strip() for t in texts[:100]] + [t.replace(" ", "  ") for t in texts[100:200]]
    index = LiteralIndex.build(patterns)
    compiled = [re.compile(p) for p in patterns]
    matched = 0
    for text in texts:
        candidates = index.candidates(text)
        for n, pattern in enumerate(compiled):
            if pattern.search(text):
                matched += 1
                for clause in required_clauses(patterns[n]):
                    assert any(literal in text for literal in clause), (patterns[n], text, clause)
                assert n in candidates, (patterns[n], text)
    assert matched > 2000


def test_index_never_skips_a_pattern_that_matches() -> None:
    patterns = [" (?:wil dood)(?= )", " (?:\\w+pillen) (?:genomen)(?= )", " (?:(om|\\w+) (x|y))(?= )"]
    index = LiteralIndex.build(patterns)
    assert index.candidates(" ik wil dood ") == {0}  # pattern 2 needs ' x ' or ' y '
    assert index.candidates(" ik wil x ") == {2}
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


def _every_rule(patterns: PatternSet) -> list[Rule]:
    """Every rule of a pattern set."""
    return list(patterns.every_rule)


def _plain_candidates(index: LiteralIndex, text: str) -> set[int]:
    """Every pattern with an indexed literal in the text, a literal of each of its checked clauses there, and
    the whole words of a literal of its clause over several words, found by trying each literal."""
    keys = set(index.always).union(*(ids for v in index.by_gram.values() for lit, ids in v if lit in text))
    words = set(text.split(" "))
    return {
        n
        for n in keys
        if 0 <= n < index.clauses
        and index.needs.get(n, frozenset()) <= keys
        and (n not in index.phrases or any(ws <= words for ws in index.phrases[n]))
    }


@pytest.mark.parametrize("kind", ["plain", "collapsed"])
def test_candidates_read_word_by_word_are_those_of_every_literal(kind: str) -> None:
    r = rules()
    patterns = getattr(r, kind)
    index = patterns.index
    assert index.needs and index.phrases  # both kinds of check are there
    texts = [row[3] for name in ("tune", "writers_tune") for row in read_labelled(DATA / f"{name}.tsv")]
    extra = [" ik  wil dood ", " wil dood", "ik wil dood ", " ik\twil dood ", " _past_ ", " ", "", "   "]

    def check(form: str) -> None:
        expected = _plain_candidates(index, form)
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


def test_phrase_groups_say_what_the_word_sets_say() -> None:
    """A text holds every word of one of the sets exactly when it holds a word of each group (_groups), on
    random families of word sets and every set of their words."""
    rng = random.Random(14)
    vocabulary = "abcdefg"
    for _ in range(300):
        sets = [frozenset(rng.sample(vocabulary, rng.randint(1, 3))) for _ in range(rng.randint(1, 5))]
        groups = _groups(tuple(sets))
        for size in range(len(vocabulary) + 1):
            for words in map(frozenset, itertools.combinations(vocabulary, size)):
                expected = any(s <= words for s in sets)
                assert all(not g.isdisjoint(words) for g in groups) == expected, (sets, groups, words)
    assert _groups((frozenset("a"), frozenset("bc"))) == (frozenset("ab"), frozenset("ac"))


def test_words_are_learned_again_when_the_cache_is_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text of more new words than the cache holds, and texts after it: the same candidates."""
    monkeypatch.setattr(regex_anchors, "WORD_CACHE", 5)
    index = rules().plain.index
    index.masks.clear()
    index.found.clear()
    texts = [row[3] for row in read_labelled(DATA / "tune.tsv")][:200]
    most = 5  # words remembered at most: the cache's size, or all those of one text
    for text in texts:
        norm = normalise(text)
        most = max(most, len(set(norm.split(" "))))
        assert index.candidates(norm) == _plain_candidates(index, norm), text
        assert len(index.masks) <= most
    index.masks.clear()
    index.found.clear()


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


def assert_matches_as_written(pattern: str, texts: list[str]) -> None:
    """compile_grouped(pattern) finds what re.compile(pattern) finds (span and groups) in each text, from
    every start."""
    written, joined = re.compile(pattern), compile_grouped(pattern)
    for text in texts:
        for start in range(len(text)):
            a, b = written.search(text, start), joined.search(text, start)
            assert (a and a.span()) == (b and b.span()), (pattern, text, start)
            assert (a and a.groups()) == (b and b.groups()), (pattern, text, start)


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
        assert compile_grouped(pattern).pattern == pattern
        assert_matches_as_written(pattern, texts)


def test_leading_branches_and_look_behinds_written_out_match_as_written() -> None:
    """A branch or an optional part at an alternative's start written out, a repeated character's first one
    read before its loop, and look-behinds moved after a branch's first letters: the same match from every
    start, also where a look-behind or the order decides."""
    cases = [
        "(?:(?:zie|ziet|see) (?:\\w+ ){0,2}x|zo|(?:had|heeft) y)",  # a branch first: written out
        "(?:ik denk dat )?(?:ik|i) (?:het|it) doe",  # an optional part first
        "(?:(?:ab)?a|a)b?",  # with and without it: the first that fits wins
        "(?<!geen )(?<!no )(?:tril\\w*|beef|(?:zie|see) x|[0-9]+ y|(?:a )?z)",
        "x (?:\\w+ ){0,3}(?<!niet )(?:wil|wou|(?:zie|z) x)",  # look-behinds after a stretch
        "(?<=ik )(?:wil|zie)",  # a look-behind that must hold
        "(?:a|b)?c",
        "(?:(?:a|)b)",  # an alternative that matches nothing
        "(?:[0-9]+|een) x|[1-9][0-9]|\\w+ y",  # a repeated character first: one read before the loop
        "a{2,5}b|ab|a{1,2}",
    ]
    texts = [
        " ik zie een x zo had y heeft y ziet x ",
        " ik denk dat ik het doe i it doe ",
        " ab aab abb b a aba abab abaa ",
        " geen tril no beef tril zie x see x no see x 12 y a z z ",
        " x geen wil x een niet zie x x a b wil x z x ",
        " ik wil jij zie ik zie ",
        " ac bc c abc ",
        " 12 x een x 7 x 99 zz y aaab aaaaaab aab ab a ",
    ]
    for pattern in cases:
        assert_matches_as_written(pattern, texts)


def test_every_phrase_pattern_compiled_grouped_matches_as_written() -> None:
    """Every pattern of the phrase file in both shapes, as the detector compiles it (branches joined by first
    letter, leading branches written out, look-behinds moved) and as re.compile reads it: the same match in
    normalised and canonical tune texts, from the start and after each match's start."""
    with (ROOT / "content" / "crisis.toml").open("rb") as fh:
        patterns = _all_patterns(tomllib.load(fh))
    sources = sorted({_compile(shape(p)) for p in patterns for shape in (str, collapse)})
    rows = [row[3] for name in ("tune", "writers_tune") for row in read_labelled(DATA / f"{name}.tsv")]
    texts = [normalise(text) for text in rows[::23]]
    texts += [rules().canonical(t) for t in texts] + [collapse(t) for t in texts]
    for source in sources:
        written, grouped = re.compile(source), compile_grouped(source)
        for text in texts:
            pos = 0
            while True:
                a, b = written.search(text, pos), grouped.search(text, pos)
                assert (a and a.span()) == (b and b.span()), (source, text, pos)
                if a is None:
                    break
                pos = a.start() + 1


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


def _numbers(candidates: Candidates) -> frozenset[int]:
    """The pattern numbers of candidates grouped by rule."""
    return frozenset(n for mine in candidates.values() for n in mine)


@pytest.mark.parametrize("kind", ["plain", "collapsed"])
def test_every_pattern_that_matches_a_text_is_a_candidate(kind: str) -> None:
    """Soundness of the index on the phrase file: for texts as the detector reads them (and their stripped
    form, with the candidates PatternSet.stripped gives it), every pattern that matches is a candidate."""
    r = rules()
    patterns = getattr(r, kind)
    rows = [row[3] for name in ("tune", "writers_tune") for row in read_labelled(DATA / f"{name}.tsv")]
    every = [(n, rule.patterns[n]) for rule in _every_rule(patterns) for n in sorted(rule.ids)]
    shape = collapse if kind == "collapsed" else str
    checked = 0
    for text in rows[::7]:
        norm = shape(r.canonical(normalise(text)))
        stripped, candidates = patterns.stripped(norm)
        for form, found in dict.fromkeys(
            [(norm, frozenset(patterns.index.candidates(norm))), (stripped, _numbers(candidates))]
        ):
            for n, pattern in every:
                if n not in found and pattern.search(form):
                    raise AssertionError((pattern.pattern, form))
            checked += 1
    assert checked > 1000
