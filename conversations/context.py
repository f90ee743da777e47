"""What a flow gets to work with: the person's pseudonym, language, flow state and the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from content.i18n import Translator, translator
from conversations.clock import Clock
from storage.broadcasts import DEFAULT_LEASE
from storage.db import Database
from storage.keys import KeyRing
from storage.users import UserStore


@dataclass(slots=True)
class Settings:
    """Run-time switches that flows need to know about."""

    demo_allowed: bool = True
    bot_username: str = "EersteStapBot"
    outbox_lease: timedelta = DEFAULT_LEASE  # how long a claim on a broadcast message holds
    welcome_timeout: timedelta = timedelta(hours=6)  # nobody accepted this long before the meeting: closed


@dataclass(slots=True)
class Services:
    """Shared services: the database, keys, clock and settings."""

    db: Database
    keys: KeyRing
    clock: Clock
    settings: Settings = field(default_factory=Settings)

    @property
    def users(self) -> UserStore:
        return UserStore(self.db, self.keys)


@dataclass(slots=True)
class Context:
    """One turn of one conversation. chat_id lives only in memory, never in state."""

    user_key: str
    lang: str
    state: dict[str, Any]
    services: Services
    now: datetime
    chat_id: int | None = None

    @property
    def t(self) -> Translator:
        return translator(self.lang)

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def flow(self) -> str:
        return str(self.state.get("flow", "menu"))

    @property
    def step(self) -> str:
        return str(self.state.get("step", ""))

    @property
    def data(self) -> dict[str, Any]:
        """The current flow's own small, serialisable data."""
        data = self.state.get("data")
        if not isinstance(data, dict):
            data = self.state["data"] = {}
        return data

    async def remember_chat(self) -> None:
        """Keep this chat's sealed id so unprompted messages (reminders, changes) can reach it."""
        if self.chat_id is not None:
            await self.services.users.remember_chat(self.user_key, self.chat_id, self.now)
