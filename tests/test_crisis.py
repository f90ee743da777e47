"""The crisis check: normalisation, the labelled evaluation set, and urgent help in the middle of a flow."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path

import pytest

from conversations.crisis import collapse, crisis_category, deobfuscate, is_crisis, load_rules, normalise
from conversations.engine import Engine
from conversations.types import Input
from tests.conftest import ROOT

CHAT = 5150


@cache
def eval_module():  # type: ignore[no-untyped-def]
    """bench/crisis_eval.py, imported from its path (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("crisis_eval", ROOT / "bench" / "crisis_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_normalise() -> None:
    assert normalise("ZELFMOOOORD!!") == " zelfmoord "
    assert normalise("Ik wíl   dóód") == " ik wil dood "
    assert normalise("I’m gonna") == " im gonna "
    assert normalise("m'n leven") == " mn leven "
    assert normalise("zelf\u200bmoord") == " zelfmoord "
    assert collapse(" diiie kill ") == " die kil "
    assert deobfuscate("zelfm00rd") == " zelfmoord "
    assert deobfuscate("Z E L F M O O R D") == " zelfmoord "
    assert deobfuscate("ik ben 40 jaar") == " ik ben 40 jaar "


def test_evaluation_set_meets_targets() -> None:
    bench = eval_module()
    rows = bench.load(bench.EVAL_SET)
    assert len(rows) >= 80
    positives = sum(1 for label, _ in rows if label)
    assert positives >= 40 and len(rows) - positives >= 40
    score = bench.score(rows)
    assert score.recall == 1.0, score.missed
    assert score.fp_rate <= 0.05, score.alarmed


def test_eval_script_prints_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert eval_module().main(["crisis_eval.py"]) == 0
    out = capsys.readouterr().out
    assert "recall:" in out and "false-positive rate:" in out and "targets met" in out


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Ik wil dood", "suicide"),
        ("ik wil mezelf iets aandoen", "suicide"),
        ("I've been cutting myself", "self_harm"),
        ("hij heeft een overdosis", "overdose"),
        ("mijn man bedreigt me", "danger"),
        ("Ik ga dood van het lachen", None),
        ("overdosis koffie", None),
        ("dodelijk saai", None),
    ],
)
def test_categories(text: str, category: str | None) -> None:
    assert crisis_category(text) == category


def test_bad_phrase_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "crisis.toml"
    bad.write_text('[signals]\nsuicide = ["("]\nself_harm = ["x"]\noverdose = ["y"]\ndanger = ["z"]\n')
    with pytest.raises(ValueError, match="bad pattern"):
        load_rules(bad)
    bad.write_text('[signals]\nsuicide = ["x"]\n')
    with pytest.raises(ValueError, match="self_harm"):
        load_rules(bad)


def ids(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.id for b in reply.buttons()]


async def test_crisis_in_the_middle_of_which_group(engine: Engine) -> None:
    await engine.handle(CHAT, Input.of_text("/start"))
    await engine.handle(CHAT, Input.of_button("w:start"))
    asked = await engine.handle(CHAT, Input.of_button("w:a:who:self"))
    assert "w:a:what:alcohol" in ids(asked)

    urgent = await engine.handle(CHAT, Input.of_text("ik wil er niet meer zijn"))
    text = "\n".join(m.text for m in urgent.messages)
    assert "113" in text and "112" in text and "huisarts" in text
    assert "h:back" in ids(urgent)

    back = await engine.handle(CHAT, Input.of_button("h:back"))
    assert "w:a:what:alcohol" in ids(back), "the same question comes back"
    after = await engine.handle(CHAT, Input.of_button("w:a:what:alcohol"))
    assert "w:a:young:yes" in ids(after), "and the flow goes on"


async def test_crisis_in_english(engine: Engine) -> None:
    await engine.handle(CHAT, Input.of_text("/start", language_hint="en"))
    urgent = await engine.handle(CHAT, Input.of_text("I want to diiiie"))
    text = "\n".join(m.text for m in urgent.messages)
    assert "113" in text and "112" in text


def test_messages_are_not_changed_by_detection() -> None:
    assert is_crisis("ZELFMOOOORD") and not is_crisis("zelfhulpgroep")


def test_our_own_texts_are_no_crisis_signal() -> None:
    """A person who quotes the bot back (topics, profiles, questions) does not get urgent help by mistake."""
    from content import LANGUAGES
    from content.i18n import messages
    from content.loader import fellowships

    flagged = [
        f"{lang}:{key}"
        for lang in LANGUAGES
        for key, text in messages(lang).items()
        if not key.startswith(("urgent.", "print.poster.urgent")) and is_crisis(text)  # help texts
    ]
    flagged += [
        f"{pid}.{name}"
        for pid, f in fellowships().items()
        for lang in LANGUAGES
        for name, text in f.texts[lang].items()
        if is_crisis(text)
    ]
    assert not flagged
