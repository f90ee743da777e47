"""Score the crisis detector on the labelled evaluation set: recall, false-positive rate, the misses.

Usage: python bench/crisis_eval.py [path/to/eval.tsv]   (exit status 1 when a target is missed)
Targets: recall 100 %, false positives at most 5 %.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from conversations.crisis import is_crisis  # noqa: E402

EVAL_SET = ROOT / "tests" / "data" / "crisis_eval.tsv"
SOURCES = Path(os.environ.get("EERSTESTAP_SHARED_DIR") or ROOT.parent / "shared") / "sources"
RECALL_TARGET = 1.0
FP_TARGET = 0.05


@dataclass
class Score:
    """Counts over an evaluation set."""

    positives: int = 0
    negatives: int = 0
    hits: int = 0
    false_alarms: int = 0
    missed: list[str] = field(default_factory=list)
    alarmed: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.hits / self.positives if self.positives else 0.0

    @property
    def fp_rate(self) -> float:
        return self.false_alarms / self.negatives if self.negatives else 0.0

    @property
    def meets_targets(self) -> bool:
        return self.recall >= RECALL_TARGET and self.fp_rate <= FP_TARGET


def load(path: Path) -> list[tuple[bool, str]]:
    """Labelled messages: lines of '1<TAB>text' or '0<TAB>text'; '#' starts a comment."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        label, sep, text = line.partition("\t")
        if not sep or label not in ("0", "1") or not text.strip():
            raise ValueError(f"{path.name}:{n}: expected '0|1<TAB>message'")
        rows.append((label == "1", text))
    return rows


def score(rows: list[tuple[bool, str]]) -> Score:
    """Run the detector over every message."""
    result = Score()
    for positive, text in rows:
        flagged = is_crisis(text)
        if positive:
            result.positives += 1
            result.hits += flagged
            if not flagged:
                result.missed.append(text)
        else:
            result.negatives += 1
            result.false_alarms += flagged
            if flagged:
                result.alarmed.append(text)
    return result


def corpus_flags(folder: Path) -> tuple[int, list[str]]:
    """Sentences of the (unlabelled) source documents, and those the detector flags: a false-alarm probe."""
    sentences = []
    for path in sorted(folder.glob("*.txt")):
        text = re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))
        sentences += [s for s in re.split(r"(?<=[.!?])\s+", text) if 20 < len(s) < 400]
    return len(sentences), [s for s in sentences if is_crisis(s)]


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else EVAL_SET
    result = score(load(path))
    print(f"evaluation set: {path.name}: {result.positives} signals, {result.negatives} benign look-alikes")
    print(f"recall:              {result.recall:7.1%}  ({result.hits}/{result.positives}, target 100 %)")
    print(f"false-positive rate: {result.fp_rate:7.1%}  ({result.false_alarms}/{result.negatives}, max 5 %)")
    for text in result.missed:
        print(f"  missed:      {text}")
    for text in result.alarmed:
        print(f"  false alarm: {text}")
    if SOURCES.is_dir():
        total, flagged = corpus_flags(SOURCES)
        print(f"probe: {len(flagged)} of {total} source-document sentences flagged (texts about addiction)")
        for sentence in flagged[:10]:
            print(f"  flagged: {sentence[:120]}")
    print("targets met" if result.meets_targets else "TARGETS MISSED")
    return 0 if result.meets_targets else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
