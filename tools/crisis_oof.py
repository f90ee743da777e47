"""Estimate the crisis detector on messages it was not tuned on, using the tune part only.

Usage: .venv/bin/python tools/crisis_oof.py [--folds 5] [--perturb SEED] [--errors]
       .venv/bin/python tools/crisis_oof.py --by-writer [--shipped-thresholds] [--errors]

Group k-fold over the tune part: the model is refitted without each fold's groups, and the whole detector
(rules + that model) is scored on the fold. The rules were written on the tune part, so this still flatters
them; `--perturb SEED` re-varies the tune groups' phrasings with a new seed (new typos, chat spelling,
framings) to see how the rules hold up on spelling they were not written for. Never reads the held-out part.

`--by-writer` leaves one writer out instead (the first writer = tune.tsv; a, b, c, ... = the prefix of the
group ids in writers_tune.tsv): the model is trained without writer X, its thresholds chosen on the other
writers' held-out scores, and the detector scored on X. This is the honest proxy for a new writer as far as
the model goes; the rules were written from every writer's errors, so they are still in sample.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from operator import attrgetter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import crisis_eval_set as es  # noqa: E402
import crisis_train as tr  # noqa: E402
from sklearn.model_selection import GroupKFold  # type: ignore[import-untyped]  # noqa: E402

from conversations.crisis import CrisisRules, Detector, detector, load_rules, read_labelled, rules  # noqa: E402
from conversations.crisis_model import LinearModel, Scored  # noqa: E402
from conversations.spelling import load_speller  # noqa: E402

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
            c["c=u"] += v.urgent
            if v.urgent:
                errors.append(f"concern -> urgent/{v.category}: {text}   [{v.why}]")
    return c


def show(name: str, c: Counter[str]) -> None:
    u, b, k = c["urgent"] or 1, c["none"] or 1, c["concern"] or 1
    print(
        f"{name}: urgent>=concern {c['u>=c'] / u:.1%}  urgent {c['u=u'] / u:.1%}  kind {c['kind'] / u:.1%}  "
        f"concern>=concern {c['c>=c'] / k:.1%}  concern urgent {c['c=u'] / k:.1%}  "
        f"benign urgent {c['b=u'] / b:.1%}  "
        f"benign>=concern {c['b>=c'] / b:.1%}"
        f"  ({c['urgent']} urgent, {c['concern']} concern, {c['none']} benign)"
    )


def model_alone(model: LinearModel, texts: list[str], levels: list[str], cats: list[str | None]) -> str:
    """The model's own figures on texts (cleaned as it reads them), without rules or cue words."""
    scores = [model.score(t) for t in texts]
    urgent = [s for s, lv in zip(scores, levels, strict=True) if lv == "urgent"] or [None]
    benign = [s for s, lv in zip(scores, levels, strict=True) if lv == "none"] or [None]
    kinds = [
        model.category(t, scored=s)[0] == c
        for t, s, lv, c in zip(texts, scores, levels, cats, strict=True)
        if lv == "urgent"
    ]

    def share(rows: list[Scored | None], at: float, pick: Callable[[Scored], float]) -> str:
        return f"{sum(s is not None and pick(s) >= at for s in rows) / len(rows):.1%}"

    tu, tc = model.urgent_threshold, model.concern_threshold
    return (
        f"model alone: urgent {share(urgent, tu, attrgetter('urgent'))}, >=concern "
        f"{share(urgent, tc, attrgetter('any'))}, kind {sum(kinds) / (len(kinds) or 1):.1%}; "
        f"benign urgent {share(benign, tu, attrgetter('urgent'))}, "
        f">=concern {share(benign, tc, attrgetter('any'))}  (thresholds {tu:.3f} / {tc:.3f})"
    )


def by_writer(
    errors: list[str],
    shipped_thresholds: bool,
    crisis_rules: CrisisRules | None = None,
    only: frozenset[str] = frozenset(),
) -> None:
    """Leave one writer out: the model trained without writer X (thresholds chosen on the other writers'
    held-out scores), the whole detector scored on X's tune messages. The rules stay in sample, unless
    `crisis_rules` are rules written before X's messages were seen (then X is unseen by both halves).
    `only`: the writers to leave out (all when empty)."""
    r = crisis_rules or rules()
    tune = tr.tune_rows()
    texts, levels, cats, groups = tr.dataset(r)
    writers = [tr.writer_of(g) for g in groups]
    p_urgent, p_any, _kind, models = tr.out_of_writer(texts, levels, cats, groups)
    shipped = detector().model
    new: Counter[str] = Counter()
    for writer, model in models.items():
        mine = [i for i, w in enumerate(writers) if w == writer and i < len(tune)]
        if not mine or (only and writer not in only):
            continue  # the bot's own texts: always trained on
        if shipped_thresholds:
            t = (shipped.urgent_threshold, shipped.concern_threshold, shipped.sure_threshold)
        else:
            others = [i for i, w in enumerate(writers) if w != writer]
            t = tr.choose_thresholds(p_urgent, p_any, levels, groups, others)
        model = replace(model, urgent_threshold=t[0], concern_threshold=t[1], sure_threshold=t[2])
        c = figures(Detector(r, model), [tune[i] for i in mine], errors)
        show(f"writer {writer} left out", c)
        alone = model_alone(
            model, [texts[i] for i in mine], [levels[i] for i in mine], [cats[i] for i in mine]
        )
        print(f"    {alone}")
        if writer != "first":
            new += c
    show("the other writers, each left out in turn", new)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--perturb", type=int, default=0)
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--by-writer", action="store_true", help="leave one writer out (not group folds)")
    parser.add_argument("--shipped-thresholds", action="store_true", help="with --by-writer")
    parser.add_argument("--writers", default="", help="with --by-writer: only these, e.g. 'd,e'")
    parser.add_argument(
        "--rules", type=Path, help="with --by-writer: a crisis.toml written before those writers were seen"
    )
    parser.add_argument("--speller", type=Path, help="with --rules: its crisis_spelling.json")
    args = parser.parse_args(argv[1:])
    errors: list[str] = []
    if args.by_writer:
        crisis_rules = None
        if args.rules:
            speller = load_speller(args.speller) if args.speller else None
            crisis_rules = load_rules(args.rules, speller)
        only = frozenset(w for w in args.writers.split(",") if w)
        by_writer(errors, args.shipped_thresholds, crisis_rules, only)
    elif args.perturb:
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
