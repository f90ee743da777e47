"""What is kept: the which-group answers only while the questions need them; the privacy screen says so;
/stop tells that the chat itself stays on the phone, and how to delete it there."""

from __future__ import annotations

from content.i18n import translator
from conversations.context import Services
from conversations.engine import Engine
from conversations.types import Input
from tests.directory_helpers import stored_state, text

CHAT = 4242
NL = translator("nl")


async def test_the_which_answers_are_gone_once_the_outcome_is_shown(
    engine: Engine, services: Services
) -> None:
    await engine.handle(CHAT, Input.of_button("w:start"))
    await engine.handle(CHAT, Input.of_button("w:a:who:self"))
    during = await stored_state(services, CHAT)
    assert '"who": "self"' in during  # the next question depends on it
    await engine.handle(CHAT, Input.of_button("w:a:what:cocaine"))
    await engine.handle(CHAT, Input.of_button("w:a:psych:yes"))
    result = await engine.handle(CHAT, Input.of_button("w:done"))
    assert NL.t("which.result.intro") in text(result)
    kept = await stored_state(services, CHAT)
    assert '"answers": {}' in kept
    for answer in ("who", "self", "cocaine", "psych", "why."):
        assert answer not in kept, kept
    again = text(await engine.resume(CHAT))  # a restart shows the same groups, from what is kept
    assert NL.t("which.reason.kept") in again
    for line in text(result).splitlines():
        if line.startswith("1. "):
            assert line.split(":")[0] in again


async def test_the_privacy_screen_lists_what_is_kept(engine: Engine) -> None:
    shown = text(await engine.handle(CHAT, Input.of_text("/privacy")))
    assert "je antwoorden, tot je de uitkomst ziet" in shown
    assert "versleutelde code" in shown


async def test_stop_says_the_chat_stays_on_the_phone(engine: Engine) -> None:
    await engine.handle(CHAT, Input.of_text("/start"))
    bye = text(await engine.handle(CHAT, Input.of_text("/stop")))
    assert "staat nog wel op je telefoon" in bye and "Verwijderen" in bye
    en = translator("en").t("stop.done")
    assert "still on your phone" in en and "Delete" in en
