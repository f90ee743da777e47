"""Score the crisis detector on the held-out part of the evaluation set, and its cost per message.

Usage: python bench/crisis_eval.py [--part heldout|writers|tune|all] [--errors] [FILE]
(exit status 1 when a target is missed)

Two held-out parts, each split by group before anything was tuned on its other half, are scored by default:
- heldout: tests/data/crisis/heldout.tsv, written (by tools/crisis_eval_set.py) by the writer of tune.tsv;
- writers: tests/data/crisis/writers_heldout.tsv, written by other writers who never saw the rules
  (split from writers_tune.tsv by tools/crisis_writers_split.py).
Rules and model are tuned on the tune part (tune.tsv + writers_tune.tsv) only. `--errors` lists the wrong
answers: use it on the tune part when tuning, never to tune on held-out messages.
The cost per message is the best of 3 passes (caches warm; the target); the line after it is one first pass
in a fresh process (every word new to the detector's caches, as many are to a running bot).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from conversations.crisis import assess, read_labelled  # noqa: E402

DATA = ROOT / "tests" / "data" / "crisis"
_SHARED = os.environ.get("EERSTESTAP_SHARED_DIR")
SOURCES = (
    Path(_SHARED) / "sources"
    if _SHARED
    else next(
        (
            p / "shared" / "sources"
            for p in (ROOT.parent, ROOT.parent.parent)
            if (p / "shared" / "sources").is_dir()
        ),
        ROOT.parent / "shared" / "sources",
    )
)  # $EERSTESTAP_SHARED_DIR, else ../shared beside the repo (or beside a worktree folder)
# name: (target, at least?)
TARGETS = {
    "urgent flagged >= concern": (0.99, True),
    "urgent flagged urgent": (0.93, True),
    "benign flagged urgent": (0.02, False),
    "benign flagged >= concern": (0.08, False),
    "urgent kind right": (0.90, True),
    "source sentences urgent": (0.005, False),
    "cost per message (ms)": (0.2, False),
}


@dataclass
class Score:
    """Counts over labelled messages."""

    counts: dict[str, list[int]] = field(default_factory=dict)  # figure -> [hits, total]
    errors: list[str] = field(default_factory=list)

    def add(self, figure: str, hit: bool) -> None:
        pair = self.counts.setdefault(figure, [0, 0])
        pair[0] += hit
        pair[1] += 1

    def rate(self, figure: str) -> float:
        hits, total = self.counts.get(figure, [0, 0])
        return hits / total if total else 0.0


def score(rows: list[tuple[str, str, str | None, str]]) -> Score:
    """Run the detector over labelled rows."""
    result = Score()
    for _group, level, category, text in rows:
        v = assess(text)
        if level == "urgent":
            result.add("urgent flagged >= concern", v.level != "none")
            result.add("urgent flagged urgent", v.urgent)
            result.add("urgent kind right", v.category == category)
            wrong = not v.urgent or v.category != category
        elif level == "concern":
            result.add("concern flagged >= concern", v.level != "none")
            result.add("concern flagged urgent", v.urgent)
            wrong = v.level != "concern"
        else:
            result.add("benign flagged urgent", v.urgent)
            result.add("benign flagged >= concern", v.level != "none")
            wrong = v.level != "none"
        if wrong:
            result.errors.append(
                f"{level}/{category or '-'} -> {v.level}/{v.category or '-'}: {text}   [{v.why}]"
            )
    return result


def source_sentences(folder: Path) -> list[str]:
    """Sentences of the (unlabelled) source documents: texts about addiction, none of them a cry for help."""
    sentences = []
    for path in sorted(folder.glob("*.txt")):
        if path.name == "README.md":
            continue
        text = re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))
        sentences += [s for s in re.split(r"(?<=[.!?])\s+", text) if 20 < len(s) < 400]
    return sentences


def cost_ms(texts: list[str], rounds: int = 3) -> float:
    """Mean CPU milliseconds per message, best of a few rounds (CPU time: other processes do not count)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for text in texts:
            assess(text)
        best = min(best, (time.process_time() - start) / len(texts))
    return best * 1000


# One pass over the texts in a fresh interpreter, the detector loaded first (not timed): every word is new
# to its caches, as many are to a running bot.
_FIRST_PASS = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from conversations.crisis import assess
assess("x")
texts = json.load(sys.stdin)
start = time.process_time()
for text in texts:
    assess(text)
print((time.process_time() - start) / len(texts) * 1000)
"""


def first_pass_ms(texts: list[str]) -> float:
    """Mean CPU milliseconds per message of a first pass in a fresh process (cold caches)."""
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_PASS, str(ROOT)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


PARTS = {
    "heldout": ("heldout",),  # same writer as the tune part, split by group before tuning
    "writers": ("writers_heldout",),  # other writers who never saw the rules, split by group before tuning
    "tune": ("tune", "writers_tune"),
    "all": ("tune", "writers_tune", "heldout", "writers_heldout"),
}


def rows_of(part: str, file: Path | None) -> list[tuple[str, str, str | None, str]]:
    """The labelled rows to score (a part's files that exist)."""
    if file is not None:
        return read_labelled(file)
    paths = [DATA / f"{name}.tsv" for name in PARTS[part]]
    return [row for path in paths if path.exists() for row in read_labelled(path)]


def report(
    label: str, rows: list[tuple[str, str, str | None, str]], extra: dict[str, float], errors: bool
) -> list[str]:
    """Print one part's figures against the targets; the names of the missed ones."""
    result = score(rows)
    levels = [r[1] for r in rows]
    print(
        f"crisis evaluation, {label}: {len(rows)} messages "
        f"({levels.count('urgent')} urgent, {levels.count('concern')} concern, {levels.count('none')} benign)"
    )
    figures = {name: result.rate(name) for name in result.counts} | extra
    missed = []
    for name, value in figures.items():
        target = TARGETS.get(name)
        shown = f"{value:7.3f}" if name.startswith("cost") else f"{value:7.2%}"
        if target is None:
            print(f"{name:28s} {shown}")
            continue
        goal, at_least = target
        ok = value >= goal if at_least else value <= goal
        goal_shown = f"{goal:g}" if name.startswith("cost") else f"{goal:.1%}"
        print(
            f"{name:28s} {shown}   target {'>=' if at_least else '<='} {goal_shown}"
            f"  {'ok' if ok else 'MISSED'}"
        )
        if not ok:
            missed.append(f"{name} ({label})")
    if errors:
        for line in result.errors:
            print(f"  {line}")
    return missed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=(*PARTS, "heldout+writers"), default="heldout+writers")
    parser.add_argument("--errors", action="store_true", help="list wrong answers (tune part only)")
    parser.add_argument("file", nargs="?", type=Path)
    args = parser.parse_args(argv[1:])
    extra: dict[str, float] = {}
    if SOURCES.is_dir():
        sentences = source_sentences(SOURCES)
        flagged = [s for s in sentences if assess(s).urgent]
        extra["source sentences urgent"] = len(flagged) / len(sentences)
        print(f"source documents: {len(flagged)} of {len(sentences)} sentences flagged urgent")
        for sentence in flagged[:10]:
            print(f"  flagged: {sentence[:140]}")
    else:
        print(f"source documents: skipped ({SOURCES} is absent)")
    parts = [args.part] if args.file or args.part != "heldout+writers" else ["heldout", "writers"]
    missed: list[str] = []
    for part in parts:
        rows = rows_of(part, args.file)
        if not rows:
            print(f"crisis evaluation, {part}: no messages (file absent)")
            continue
        texts = [r[3] for r in rows]
        figures = extra | {
            "cost per message (ms)": cost_ms(texts),
            "cost first pass, fresh (ms)": first_pass_ms(texts),  # no target: the one above is the target
        }
        missed += report(str(args.file or part), rows, figures, args.errors)
    print("targets met" if not missed else f"TARGETS MISSED: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
