"""Split messages from other writers into a tune half and a held-out half, by group, before anyone tunes.

Usage: python tools/crisis_writers_split.py FILE [FILE ...] [--tune-only FILE ...]

Each FILE has the evaluation set's columns (group, level, category, lang, text) and comes from a writer who
never saw the detector's rules. A group (one situation in a few wordings) goes wholly to one half, chosen by
a hash of its id, so the split does not depend on the order or on what the detector makes of the messages.
Files after --tune-only go wholly to the tune half (a writer asked for training text only).
Writes tests/data/crisis/writers_tune.tsv and writers_heldout.tsv (the held-out half is never tuned on).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from conversations.crisis import read_labelled  # noqa: E402

DATA = ROOT / "tests" / "data" / "crisis"
HELDOUT_SHARE = 0.5
HEADER = "# group\tlevel\tcategory\tlang\ttext   (other writers; split by tools/crisis_writers_split.py)\n"


def part_of(group: str) -> str:
    """'heldout' for about half of the groups, 'tune' for the rest; fixed by the group id alone."""
    digest = hashlib.sha256(f"writers:{group}".encode()).digest()
    return "heldout" if int.from_bytes(digest[:4], "big") / 2**32 < HELDOUT_SHARE else "tune"


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    lines: dict[str, list[str]] = {"tune": [], "heldout": []}
    split = argv[: argv.index("--tune-only")] if "--tune-only" in argv else argv
    tune_only = argv[len(split) + 1 :]
    for name in [*split, *tune_only]:
        path = Path(name)
        read_labelled(path)  # refuses a malformed file before anything is written
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                group = line.split("\t", 1)[0]
                lines["tune" if name in tune_only else part_of(group)].append(line + "\n")
    for part, rows in lines.items():
        (DATA / f"writers_{part}.tsv").write_text(HEADER + "".join(rows), encoding="utf-8")
        groups = {r.split("\t", 1)[0] for r in rows}
        print(f"writers_{part}.tsv: {len(rows)} messages in {len(groups)} groups")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
