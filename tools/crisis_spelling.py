"""Write content/crisis_spelling.json: the rule words typos are corrected towards, and real words to keep.

Usage: .venv/bin/pip install -e '.[train]' && .venv/bin/python tools/crisis_spelling.py

Rule words are the literal words of content/crisis.toml (conversations.spelling.pattern_words). Real words
come from wordfreq's Dutch and English lists (a tool-time dependency only): each real word one typo away from
a rule word is kept as written, so 'staat' never becomes 'slaat'. Run again after editing crisis.toml (a test
checks that the rule words are current).
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from wordfreq import top_n_list, zipf_frequency  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content import CONTENT_DIR  # noqa: E402
from conversations.crisis import SPELLED, normalise  # noqa: E402
from conversations.spelling import (  # noqa: E402
    MIN_TARGET,
    Speller,
    deletions,
    pattern_stems,
    pattern_words,
    speller_to_json,
)

OUT = CONTENT_DIR / "crisis_spelling.json"
ABOUT = "rule words and the real words near them, written by tools/crisis_spelling.py from crisis.toml"
LIST_SIZE = 300_000  # words per language from wordfreq
MIN_ZIPF_COMPLETION = 1.0  # completions of a rule's word beginning may be rarer: they start right anyway
RARE_ZIPF = 3.3  # kept words rarer than this may still be read as a typo when nothing else matched
MIN_ZIPF = 2.5  # rarer "words" in the lists are mostly typos themselves ("peopel", "kindren")


def rule_patterns(path: Path) -> list[str]:
    """Every pattern of a crisis phrase file."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    out: list[str] = []
    for section in ("urgent", "cues"):
        for patterns in data.get(section, {}).values():
            out += patterns
    for section in SPELLED:
        out += data.get(section, {}).get("patterns", [])
    return out


def real_words(min_zipf: float = MIN_ZIPF) -> set[str]:
    """Dutch and English words common enough to be real, normalised like messages."""
    out: set[str] = set()
    for lang in ("nl", "en"):
        for word in top_n_list(lang, LIST_SIZE):
            if zipf_frequency(word, lang) < min_zipf:
                break
            out.update(w for w in normalise(word).split() if w.isalpha())
    return out


def choose_targets(words: set[str], stems: set[str], real: set[str], rare: set[str]) -> frozenset[str]:
    """Rule words, less the misspellings written into rules on purpose ('levn' beside 'leven'), plus the
    real words a rule's word beginning stands for ('hallucinaties' for 'hallucin')."""
    spelled = {w for w in words if w in real or w in stems}
    misspelled = {w for w in words - spelled if any(Speller(tuple(spelled), frozenset()).candidates(w))}
    completions = {w for w in rare for s in stems if w.startswith(s) and len(w) >= MIN_TARGET}
    return frozenset((words - misspelled) | completions)


def main() -> int:
    patterns = rule_patterns(CONTENT_DIR / "crisis.toml")
    words = pattern_words(patterns)
    real = real_words()
    chosen = choose_targets(words, pattern_stems(patterns), real, real_words(MIN_ZIPF_COMPLETION))
    targets = tuple(sorted(chosen, key=lambda w: (-max(zipf_frequency(w, "nl"), zipf_frequency(w, "en")), w)))
    probe = Speller(targets, frozenset())
    near = {d for t in targets for d in deletions(t)} | chosen
    keep = frozenset(w for w in real - chosen if (w in near or deletions(w) & near) and probe.candidates(w))
    rare = frozenset(w for w in keep if max(zipf_frequency(w, "nl"), zipf_frequency(w, "en")) < RARE_ZIPF)
    OUT.write_text(speller_to_json(Speller(targets, keep, rare), ABOUT, words), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(targets)} rule words, {len(keep)} real words kept", end="")
    print(f" ({len(rare)} rare)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
