"""Done-when checks of the guidance issue: scripted terminal chats through `eerstestap chat`.

Buttons are pressed by typing their label, as a person in the terminal can; the first suggestion is the
line that starts with '1. '.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from content.i18n import translator
from content.loader import fellowships
from tests.conftest import run_cli

NL, EN = translator("nl"), translator("en")
NL_WHICH, EN_WHICH = NL.t("menu.btn.which"), EN.t("menu.btn.which")

# name, language, lines typed after /start, first suggestion, programs that must also be listed
CHATS: list[tuple[str, str, list[str], str, list[str]]] = [
    (
        "partner_drinks",
        "nl",
        [NL_WHICH, NL.t("which.opt.who.partner"), "Alcohol", "Laat mijn suggesties zien"],
        "ALANON",
        [],
    ),
    (
        "parent_of_drug_user",
        "nl",
        [NL_WHICH, NL.t("which.opt.who.child"), "Drugs", "Laat mijn suggesties zien"],
        "LSOVD",
        [],
    ),
    ("i_gamble", "en", [EN_WHICH, "I gamble", "Show my suggestions"], "AGOG", []),
    ("cocaine", "nl", [NL_WHICH, "Voor mezelf", "Cocaïne", "Laat mijn suggesties zien"], "CA", ["NA"]),
    (
        "young_parent_drinks",
        "nl",
        [NL_WHICH, NL.t("which.opt.who.parent"), "Alcohol", "Ja", "Laat mijn suggesties zien"],
        "ALATEEN",
        [],
    ),
    (
        "alcohol_not_12_step",
        "nl",
        [
            NL_WHICH,
            "Voor mezelf",
            "Alcohol",
            "Zeg ik liever niet",
            "Liever niet",
            "Laat mijn suggesties zien",
        ],
        "NON12",
        [],
    ),
]


def suggestions(output: str) -> list[str]:
    """The names of the suggested groups, in order."""
    return re.findall(r"^\d\. (.+)$", output, flags=re.M)


def program_of(name: str, lang: str) -> str:
    return next(pid for pid, f in fellowships().items() if f.text(lang, "name") == name)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Run every scripted chat once (in parallel: each is its own process and database)."""
    base: Path = tmp_path_factory.mktemp("guidance")

    def chat(item: tuple[str, str, list[str], str, list[str]]) -> tuple[str, str]:
        name, lang, lines, *_ = item
        stdin = "\n".join(["/start", *lines]) + "\n"
        proc = run_cli("chat", "--db", str(base / f"{name}.db"), "--lang", lang, stdin=stdin)
        assert proc.returncode == 0, proc.stderr
        return name, proc.stdout

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(pool.map(chat, CHATS))


@pytest.mark.parametrize(("name", "lang", "lines", "first", "also"), CHATS, ids=[c[0] for c in CHATS])
def test_first_suggestion(
    outputs: dict[str, str], name: str, lang: str, lines: list[str], first: str, also: list[str]
) -> None:
    found = [program_of(n, lang) for n in suggestions(outputs[name])]
    assert found, outputs[name]
    if first == "NON12":
        assert not fellowships()[found[0]].twelve_step
        assert found[0] in ("SMART", "BV")
    else:
        assert found[0] == first
    assert set(also) <= set(found)


def test_suggestions_offer_the_next_steps(outputs: dict[str, str]) -> None:
    out = outputs["partner_drinks"]
    assert "Meer over Al-Anon" in out and "Meetings van Al-Anon" in out and "Proef: 6 keer Al-Anon" in out


def test_learn_topics_and_profiles_in_the_terminal(tmp_path: Path) -> None:
    stdin = "/start\nVoor naasten\nVertel meer\nVertel meer\nAl-Anon Familiegroepen\n"
    proc = run_cli("chat", "--db", str(tmp_path / "l.db"), "--lang", "nl", stdin=stdin)
    assert proc.returncode == 0, proc.stderr
    assert "Er zijn groepen voor partners, ouders, kinderen en vrienden." in proc.stdout
    assert "Website: www.al-anon.nl" in proc.stdout
    assert "niet kunnen controleren" in proc.stdout, "old contact data is said to be unverified"
