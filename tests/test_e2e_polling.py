"""The real Application in long-polling mode against the fake Bot API, over real HTTP on 127.0.0.1."""

from __future__ import annotations

from conversations.context import Services
from conversations.deeplinks import DEEP_LINKS
from storage.referrals import referral_counts
from tests.fakebotapi import FakeBotAPI
from tests.tgharness import running_bot, turn

CHAT = 4242


async def test_start_sets_profile_and_shows_menu(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake):
        fake.command(CHAT, "start")
        await turn(fake)
        assert fake.calls_of("deleteWebhook"), "polling starts by removing any webhook"
        assert set(fake.commands) == {f"all_private_chats:{lang}" for lang in ("nl", "en", "")}
        assert [c["command"] for c in fake.commands["all_private_chats:en"]][:2] == ["start", "menu"]
        assert fake.descriptions["nl"] and fake.short_descriptions["en"]
        texts = fake.texts(CHAT)
        assert len(texts) == 1, "the welcome and the menu are one message"
        ids = [b["callback_data"] for b in fake.buttons(CHAT)]
        assert "l:start" in ids and "h:show" in ids
        sent = fake.calls_of("sendMessage", chat_id=CHAT)
        assert all(c.params["parse_mode"] == "HTML" for c in sent)
    assert services.settings.bot_username == fake.username


async def test_scenario_menu_learn_which_near_card_trial(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake):
        fake.command(CHAT, "start")
        await turn(fake)
        for data in ("l:start", "w:start", "n:start"):
            before = len(fake.sent(CHAT))
            if any(b["callback_data"] == data for b in fake.buttons(CHAT)):
                fake.press(CHAT, data)
            else:
                fake.callback(CHAT, data)
            await turn(fake)
            assert fake.calls_of("answerCallbackQuery"), "every press is answered"
            assert len(fake.sent(CHAT)) > before, f"{data} got an answer"
        # near me: a shared location always gets an answer (meetings, or a kind word and the menu)
        before = len(fake.sent(CHAT))
        fake.location(CHAT, 52.0907, 5.1214)
        await turn(fake)
        assert len(fake.sent(CHAT)) > before
        for data in ("c:start", "t:start"):
            before = len(fake.sent(CHAT))
            fake.callback(CHAT, data)
            await turn(fake)
            assert len(fake.sent(CHAT)) > before
        assert not [c for c in fake.calls if c.status >= 400 and c.method != "getUpdates"]


async def test_restart_keeps_the_conversation(services: Services) -> None:
    async with FakeBotAPI() as fake:
        async with running_bot(services, fake):
            fake.command(CHAT, "start")
            await turn(fake)
            before = len(fake.texts(CHAT))
            fake.press(CHAT, "l:start")
            await turn(fake)
            learn_texts = fake.texts(CHAT)[before:]
        row = await services.users.get(services.keys.pseudonym(CHAT))
        assert row is not None and row.state["flow"] == "learn"
        fake.reset()
        async with running_bot(services, fake):
            fake.media(CHAT, "sticker")
            await turn(fake)
            said = "\n\n".join(fake.texts(CHAT))
            assert "stickers" in said.split("\n\n")[0]
            assert said.endswith("\n\n".join(learn_texts)), "after a restart the same screen comes back"
        row = await services.users.get(services.keys.pseudonym(CHAT))
        assert row is not None and row.state["flow"] == "learn"


async def test_deep_link_opens_its_flow_and_counts_a_tag(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake):
        fake.command(CHAT, "start", "naasten")
        await turn(fake)
        row = await services.users.get(services.keys.pseudonym(CHAT))
        assert row is not None and row.state["flow"] == DEEP_LINKS["naasten"][0]
        fake.command(CHAT + 1, "start", "kliniek_utrecht")
        fake.command(CHAT + 2, "start", "kliniek_utrecht")
        fake.command(CHAT + 3, "start", "not a valid tag!")
        await turn(fake)
        counts = await referral_counts(services.db)
        assert [(tag, n) for tag, _, n in counts] == [("kliniek_utrecht", 2)]
        assert fake.texts(CHAT + 3), "an invalid payload still gets the welcome"


async def test_group_is_told_once_and_channel_posts_are_ignored(services: Services) -> None:
    async with FakeBotAPI() as fake, running_bot(services, fake):
        fake.text(-100123, "hallo bot", kind="supergroup", from_id=7)
        fake.text(-100123, "nog eens", kind="supergroup", from_id=8)
        fake.channel_post(-100999, "nieuws")
        await turn(fake)
        assert len(fake.sent(-100123)) == 1
        assert "privé" in fake.texts(-100123)[0]
        assert fake.sent(-100999) == []
        rows = await services.db.fetchall("SELECT group_key FROM group_notices")
        assert len(rows) == 1 and "100123" not in rows[0][0]


def first_button(fake: FakeBotAPI, chat_id: int, prefix: str) -> str:
    """The callback data of the first button of the last keyboard that starts with `prefix`."""
    ids = [b["callback_data"] for b in fake.buttons(chat_id) if "callback_data" in b]
    return next(i for i in ids if i.startswith(prefix))


async def test_which_near_card_pin_calendar_trial_and_its_reminder(services: Services) -> None:
    from bot.demo_directory import load_demo_directory
    from storage.trials import TrialStore

    await load_demo_directory(services)
    async with FakeBotAPI() as fake, running_bot(services, fake) as adapter:
        fake.command(CHAT, "start")
        await turn(fake)
        fake.press(CHAT, "w:start")  # which group fits: answer with the first option until it suggests
        await turn(fake)
        for _ in range(6):
            options = [
                b["callback_data"] for b in fake.buttons(CHAT) if b.get("callback_data", "").startswith("w:")
            ]
            if not options:
                break
            fake.press(CHAT, options[0])
            await turn(fake)
        fake.callback(CHAT, "n:start")
        await turn(fake)
        markups = [c.params.get("reply_markup") or {} for c in fake.sent(CHAT)]
        keyboards = [m for m in markups if "keyboard" in m]
        assert keyboards and keyboards[-1]["keyboard"][0][0]["request_location"] is True
        fake.location(CHAT, 52.0907, 5.1214)
        await turn(fake)
        fake.press(CHAT, first_button(fake, CHAT, "c:"))
        await turn(fake)
        venues = fake.calls_of("sendVenue", chat_id=CHAT) + fake.calls_of("sendLocation", chat_id=CHAT)
        assert venues or any("online" in t.lower() for t in fake.texts(CHAT)[-2:])
        trial = first_button(fake, CHAT, "t:start:")
        fake.press(CHAT, first_button(fake, CHAT, "c:ics:"))
        await turn(fake)
        doc = fake.calls_of("sendDocument", chat_id=CHAT)[-1].params["document"]
        assert doc["filename"].endswith(".ics") and doc["size"] > 100
        fake.callback(CHAT, trial)
        await turn(fake)
        fake.press(CHAT, first_button(fake, CHAT, "t:new:"))
        await turn(fake)
        key = services.keys.pseudonym(CHAT)
        assert await TrialStore(services.db).open_trial(key) is not None, "the trial has started"
        assert [f"{c.method} {c.status}" for c in fake.calls if c.status >= 400] == []
        # Its first reminder comes through the real sender once the (fixed) clock reaches it.
        assert adapter.sender is not None and adapter.scheduler is not None
        due = await adapter.sender.next_due_at()
        assert due is not None
        services.clock.set(due)  # type: ignore[attr-defined]
        before = len(fake.sent(CHAT))
        adapter.scheduler.poke(0.0)
        await fake.wait_for("sendMessage", count=1, since=len(fake.calls), chat_id=CHAT, within=10)
        assert len(fake.sent(CHAT)) > before
