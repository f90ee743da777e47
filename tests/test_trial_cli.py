"""Done-when of the trial issue: a scripted terminal chat from a demo meeting's card to '1 van 6'."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from conftest import run_cli

NOW = "2026-03-24T12:00"  # a Tuesday noon, Amsterdam time: before the evening's demo meetings
LISTED = re.compile(
    r"^(\d+)\. vandaag (\d\d):(\d\d) · [^·]+ · [A-Za-z -]+ · (.+?)(?: \(voorbeeld\))?$", re.MULTILINE
)


def chat(db: Path, lines: list[str]) -> str:
    result = run_cli("chat", "--db", str(db), "--now", NOW, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def wait_arg(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60}h{minutes % 60}m"


def test_terminal_trial_from_card_to_first_progress(tmp_path: Path):
    search = ["/menu", "Meetings bij mij in de buurt", "/location 52.09 5.12"]
    # A first run only reads the (deterministic) list, to pick a demo meeting later that day.
    listing = chat(tmp_path / "look.db", search)
    later = [m for m in LISTED.finditer(listing) if int(m.group(2)) >= 16]
    assert later, listing
    pick = later[0]
    label, hour, minute = f"{pick.group(1)}. {pick.group(4)}", int(pick.group(2)), int(pick.group(3))
    noon = datetime.fromisoformat(NOW)
    start = noon.replace(hour=hour, minute=minute)
    to_reminder = wait_arg(start - timedelta(hours=2) - noon + timedelta(minutes=5))
    steps = [
        label,
        "Probeer deze meeting 6 keer",
        "2 uur van tevoren",
        f"/wait {to_reminder}",
        "/wait 4h",
        "ja",
    ]
    out = chat(tmp_path / "chat.db", search + steps)
    started = out.index("Je proef is begonnen")
    reminder = out.index(f"{hour:02d}:{minute:02d} — je meeting")
    checkin = out.index("Ben je gegaan?")
    progress = out.index("Dat was 1 van 6.")
    assert started < reminder < checkin < progress
    first_line = out[out.rfind("\n", 0, reminder) + 1 : out.index("\n", reminder)]
    assert re.match(r"^(Vanavond|Vanmiddag) \d\d:\d\d — je meeting$", first_line)
    assert "voorbeeld" in out[reminder : reminder + 300]  # demo meetings say so in every message
