"""The one place that assembles the conversation side: the flows in use and the unprompted-message sources.

Nothing registers itself by being imported. `bot/` (the Telegram application, the terminal chat) builds its
Engine and its Sender from `assemble()`. To add a flow: write its module, add an instance to `flows()`;
to add an outgoing source (reminders, broadcasts, ...): add an instance to `sources()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from content.loader import load_all
from conversations.broadcast_source import BroadcastSource
from conversations.crisis import rules
from conversations.expiry_source import ExpiryQuestions
from conversations.flows.base import Flow
from conversations.flows.card import CardFlow
from conversations.flows.learn import LearnFlow
from conversations.flows.menu import MenuFlow
from conversations.flows.near import NearFlow
from conversations.flows.pro import ProFlow
from conversations.flows.settings import SettingsFlow
from conversations.flows.support import SupportFlow
from conversations.flows.trial import TrialFlow
from conversations.flows.urgent import UrgentFlow
from conversations.flows.welcome import WelcomeFlow
from conversations.flows.which import WhichFlow
from conversations.outgoing import OutgoingSource
from conversations.reminders import TrialReminders
from conversations.welcome_source import WelcomeMessages


def flows() -> tuple[Flow[Any], ...]:
    """Every flow the engine routes to (the menu first)."""
    return (
        MenuFlow(),
        SettingsFlow(),
        UrgentFlow(),
        LearnFlow(),
        WhichFlow(),
        NearFlow(),
        CardFlow(),
        TrialFlow(),
        SupportFlow(),
        ProFlow(),
        WelcomeFlow(),
    )


def sources() -> tuple[OutgoingSource, ...]:
    """Every durable queue of unprompted messages the sender drains."""
    return (TrialReminders(), BroadcastSource(), ExpiryQuestions(), WelcomeMessages())


def check_content() -> None:
    """Validate guidance content and crisis phrases, so a bad edit stops start-up with a ContentError."""
    load_all()
    rules()


@dataclass(frozen=True, slots=True)
class Assembly:
    """What the conversation side is made of."""

    flows: tuple[Flow[Any], ...]
    sources: tuple[OutgoingSource, ...]


def assemble() -> Assembly:
    """Check the content and put the flows and sources together."""
    check_content()
    return Assembly(flows=flows(), sources=sources())
