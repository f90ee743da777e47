"""Memory of the crisis detector, part by part, as `eerstestap run` pays it (issue 13: peak RSS).

Each part is loaded in a fresh interpreter that has already imported `bot.app` (the bot's own imports),
once without tracemalloc (RSS kept and the growth of the peak) and once with it (Python heap kept and
its transient peak). The last rows are what a compact in-memory form of the same model would hold: a
feature → row index dict with the weights in `array('d')` rows, or one dict of complex numbers (both
level weights, as the scoring sums them) with the kind weights in rows; built from the JSON, or read
line by line from a feature-per-line text form so no parsed JSON tree is ever held.

    python bench/crisis_memory.py [PART ...]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import gc, json, resource, sys
from array import array
from pathlib import Path
sys.path.insert(0, ".")
import bot.app  # the run's own imports first: what follows is the detector's
from content import CONTENT_DIR
from conversations import crisis, crisis_model, spelling

part, traced, LINES = sys.argv[1], sys.argv[2] == "1", Path(sys.argv[3])
SPELLING, MODEL = CONTENT_DIR / "crisis_spelling.json", CONTENT_DIR / "crisis_model.json"


def lines_file(path):
    # The same weights, one feature a line ("feature<TAB>urgent concern[<TAB>kind weights]"), written by
    # its own interpreter before the measurements, so no parsed JSON was ever in the measuring process.
    raw = json.loads(MODEL.read_text(encoding="utf-8"))
    level, kinds = raw["level_weights"], raw["category_weights"]
    out = []
    for f in sorted(level.keys() | kinds.keys()):
        row = f + "\t" + " ".join(map(repr, level.get(f, (0.0, 0.0))))
        out.append(row + ("\t" + " ".join(map(repr, kinds[f])) if f in kinds else ""))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def rows_from_json():
    raw = json.loads(MODEL.read_text(encoding="utf-8"))
    index, level, kind_index, kinds = {}, array("d"), {}, array("d")
    for f, v in raw.pop("level_weights").items():
        index[f] = len(index)
        level.extend(v)
    for f, v in raw.pop("category_weights").items():
        kind_index[f] = len(kind_index)
        kinds.extend(v)
    return index, level, kind_index, kinds


def rows_from_lines(path):
    index, level, kind_index, kinds = {}, array("d"), {}, array("d")
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            f, pair, *rest = line.rstrip("\n").split("\t")
            index[f] = len(index)
            level.extend(map(float, pair.split()))
            if rest:
                kind_index[f] = len(kind_index)
                kinds.extend(map(float, rest[0].split()))
    return index, level, kind_index, kinds


def complex_from_lines(path):
    both, kind_index, kinds = {}, {}, array("d")
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            f, pair, *rest = line.rstrip("\n").split("\t")
            urgent, concern = pair.split()
            both[f] = complex(float(urgent), float(concern))
            if rest:
                kind_index[f] = len(kind_index)
                kinds.extend(map(float, rest[0].split()))
    return both, kind_index, kinds


PARTS = {
    "spelling lists (load_speller)": lambda: spelling.load_speller(SPELLING),
    "rules: toml + compiled regexes, spelling given": lambda: crisis.load_rules(
        CONTENT_DIR / "crisis.toml", SPELLER
    ),
    "rules with spelling lists (crisis.rules)": lambda: crisis.rules(),
    "model file: json.loads alone": lambda: json.loads(MODEL.read_text(encoding="utf-8")),
    "model: load_model (today's form)": lambda: crisis_model.load_model(MODEL),
    "detector: rules + model (crisis.detector)": lambda: crisis.detector(),
    "compact: index dicts + array('d') rows, from JSON": rows_from_json,
    "compact: index dicts + array('d') rows, line by line": lambda: rows_from_lines(LINES),
    "compact: complex dict + kind rows, line by line": lambda: complex_from_lines(LINES),
}
if part == "prepare":
    lines_file(LINES)
    raise SystemExit(0)
name = next(n for n in PARTS if n.startswith(part))
SPELLER = spelling.load_speller(SPELLING) if name.startswith("rules: toml") else None


def rss():
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024


def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


gc.collect()
if traced:
    import tracemalloc
    tracemalloc.start()
rss0, peak0 = rss(), peak()
kept = PARTS[name]()
gc.collect()
if traced:
    now, top = tracemalloc.get_traced_memory()
    print(name, now / 2**20, top / 2**20, sep="|")
else:
    print(name, rss() - rss0, max(0.0, peak() - peak0), sep="|")
"""

PARTS = (
    "spelling",
    "rules: toml",
    "rules with",
    "model file",
    "model: load_model",
    "detector",
    "compact: index dicts + array('d') rows, from JSON",
    "compact: index dicts + array('d') rows, line",
    "compact: complex",
)


def measure(part: str, traced: bool, lines: Path) -> tuple[str, float, float]:
    """The part's full name and two figures in MB, from a fresh interpreter (see CHILD)."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, part, "1" if traced else "0", str(lines)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{part}: {done.stderr.strip().splitlines()[-1]}")
    name, a, b = done.stdout.strip().split("|")
    return name, float(a), float(b)


def main() -> int:
    parts = sys.argv[1:] or PARTS
    with tempfile.TemporaryDirectory() as tmp:
        lines = Path(tmp) / "model.tsv"
        subprocess.run([sys.executable, "-c", CHILD, "prepare", "0", str(lines)], cwd=ROOT, check=True)
        table(parts, lines)
    return 0


def table(parts: Sequence[str], lines: Path) -> None:
    """Print one row per part."""
    print("each part in a fresh interpreter after `import bot.app`; MB")
    print(f"{'part':54s} {'RSS kept':>9s} {'peak grew':>10s} {'heap kept':>10s} {'heap peak':>10s}")
    for part in parts:
        name, kept, grew = measure(part, False, lines)
        _, heap, heap_peak = measure(part, True, lines)
        print(f"{name[:54]:54s} {kept:9.1f} {grew:10.1f} {heap:10.2f} {heap_peak:10.2f}")


if __name__ == "__main__":
    raise SystemExit(main())
