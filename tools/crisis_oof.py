"""Estimate the crisis detector on messages it was not tuned on, using the tune part only.

Usage: .venv/bin/python tools/crisis_oof.py [--folds 5] [--perturb SEED] [--errors]

Group k-fold over the tune part: the model is refitted without each fold's groups, and the whole detector
(rules + that model) is scored on the fold. The rules were written on the tune part, so this still flatters
them; `--perturb SEED` re-varies the tune groups' phrasings with a new seed (new typos, chat spelling,
framings) to see how the rules hold up on spelling they were not written for. Never reads the held-out part.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import crisis_eval_set as es  # noqa: E402
import crisis_train as tr  # noqa: E402
from sklearn.model_selection import GroupKFold  # type: ignore[import-untyped]  # noqa: E402

from conversations.crisis import Detector, detector, read_labelled, rules  # noqa: E402

Row = tuple[str, str, str | None, str]


def perturbed(seed: int) -> list[Row]:
    """Fresh variants of the tune groups only (never a held-out group)."""
    rng = random.Random(seed)
    out: list[Row] = []
    for n, group in enumerate(es.GROUPS):
        if n < es.TUNE_ONLY_FROM and es.part_of(group.gid) != "tune":
            continue
        for text in es.variants_of(group, rng):
            out.append((group.gid, group.level, None if group.category == "-" else group.category, text))
    return out


def figures(det: Detector, rows: list[Row], errors: list[str]) -> Counter[str]:
    """Counts for the bench figures."""
    c: Counter[str] = Counter()
    for _g, level, category, text in rows:
        v = det.assess(text)
        c[level] += 1
        if level == "urgent":
            c["u>=c"] += v.level != "none"
            c["u=u"] += v.urgent
            c["kind"] += v.category == category
            if not v.urgent or v.category != category:
                errors.append(f"{level}/{category} -> {v.level}/{v.category}: {text}   [{v.why}]")
        elif level == "none":
            c["b=u"] += v.urgent
            c["b>=c"] += v.level != "none"
            if v.level != "none":
                errors.append(f"none -> {v.level}/{v.category}: {text}   [{v.why}]")
        else:
            c["c>=c"] += v.level != "none"
    return c


def show(name: str, c: Counter[str]) -> None:
    u, b, k = c["urgent"] or 1, c["none"] or 1, c["concern"] or 1
    print(
        f"{name}: urgent>=concern {c['u>=c'] / u:.1%}  urgent {c['u=u'] / u:.1%}  kind {c['kind'] / u:.1%}  "
        f"concern>=concern {c['c>=c'] / k:.1%}  benign urgent {c['b=u'] / b:.1%}  "
        f"benign>=concern {c['b>=c'] / b:.1%}"
        f"  ({c['urgent']} urgent, {c['concern']} concern, {c['none']} benign)"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--perturb", type=int, default=0)
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args(argv[1:])
    errors: list[str] = []
    if args.perturb:
        show(
            f"perturbed tune (seed {args.perturb}), shipped model",
            figures(detector(), perturbed(args.perturb), errors),
        )
    else:
        tune = tr.tune_rows()
        texts, levels, cats, groups = tr.dataset()
        shipped = detector().model
        n_tune = len(tune)
        n_first = len(read_labelled(tr.TUNE_FILES[0]))  # the first writer's rows come first
        total: Counter[str] = Counter()
        others: Counter[str] = Counter()
        for train, test in GroupKFold(n_splits=args.folds).split(texts, groups=groups):
            model = tr.fit([texts[i] for i in train], [levels[i] for i in train], [cats[i] for i in train])
            model = replace(
                model,
                urgent_threshold=shipped.urgent_threshold,
                concern_threshold=shipped.concern_threshold,
                sure_threshold=shipped.sure_threshold,
            )
            det = Detector(rules(), model)
            total += figures(det, [tune[i] for i in test if i < n_first], errors)
            others += figures(det, [tune[i] for i in test if n_first <= i < n_tune], errors)
        show(f"tune, {args.folds}-fold by group (model out of fold, rules in sample), all", total + others)
        show("  of which the first writer (tune.tsv)", total)
        show("  of which the other writers (writers_tune.tsv)", others)
    if args.errors:
        print("\n".join(f"  {e}" for e in errors))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
