"""Write content/crisis_literals.json: each pattern of content/crisis.toml as compiled (as written and with
repeated letters collapsed) → its required clauses: lists of literals, any match holding one of each
(conversations.regex_anchors).

Usage: .venv/bin/python tools/crisis_literals.py

The detector reads this table at start instead of parsing every pattern twice, and compiles a pattern only
when a text first makes it a candidate (crisis13). Every pattern is compiled here, so a bad one stops this
tool; a pattern missing from the table is compiled and read at load. Run again after editing crisis.toml (a
test fails while the table is not current).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content import CONTENT_DIR  # noqa: E402
from conversations.crisis import literal_table  # noqa: E402

OUT = CONTENT_DIR / "crisis_literals.json"
ABOUT = (
    "required clauses of each compiled pattern (a match holds a literal of each), written by"
    " tools/crisis_literals.py from crisis.toml"
)


def main() -> None:
    table = literal_table(CONTENT_DIR / "crisis.toml")
    text = json.dumps({"about": ABOUT, "clauses": table}, ensure_ascii=False, indent=0)
    OUT.write_text(text + "\n", encoding="utf-8")
    print(f"{OUT.name}: {len(table)} patterns")


if __name__ == "__main__":
    main()
