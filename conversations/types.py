"""Transport-free values that go into and come out of a conversation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

InputKind = Literal["text", "button", "location", "command"]


@dataclass(frozen=True, slots=True)
class Input:
    """One thing a person did: typed text, pressed a button, shared a location or sent a command."""

    kind: InputKind
    text: str = ""
    button: str = ""
    command: str = ""
    args: str = ""
    lat: float | None = None
    lon: float | None = None
    language_hint: str | None = None

    @classmethod
    def of_text(cls, text: str, language_hint: str | None = None) -> Input:
        """Typed text; a leading slash makes it a command."""
        stripped = text.strip()
        if stripped.startswith("/") and len(stripped) > 1:
            head, _, rest = stripped[1:].partition(" ")
            name = head.split("@", 1)[0].lower()
            return cls(kind="command", command=name, args=rest.strip(), language_hint=language_hint)
        return cls(kind="text", text=text, language_hint=language_hint)

    @classmethod
    def of_button(cls, button_id: str, language_hint: str | None = None) -> Input:
        """A pressed button, by its opaque id."""
        return cls(kind="button", button=button_id, language_hint=language_hint)

    @classmethod
    def of_location(cls, lat: float, lon: float, language_hint: str | None = None) -> Input:
        """A shared location."""
        return cls(kind="location", lat=lat, lon=lon, language_hint=language_hint)


@dataclass(frozen=True, slots=True)
class Button:
    """A button: a label in the person's language and a short opaque id (well under 64 bytes)."""

    label: str
    id: str = ""
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Pin:
    """A place on the map, sent as a venue/location message."""

    lat: float
    lon: float
    title: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """A file to send, such as an .ics calendar."""

    filename: str
    data: bytes
    mime_type: str = "application/octet-stream"


@dataclass(slots=True)
class Message:
    """One chat message: plain text (never markup), rows of buttons, optionally a pin or a file."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    pin: Pin | None = None
    document: Document | None = None


@dataclass(slots=True)
class Reply:
    """What to say back: one or more messages."""

    messages: list[Message] = field(default_factory=list)
    request_location: bool = False
    edit: bool = False
    erased: bool = False
    resume: bool = False  # the engine adds the current step's screen after these messages

    def add(self, text: str, buttons: list[list[Button]] | None = None, **kw: object) -> Reply:
        """Append a message and return self, for chaining."""
        self.messages.append(Message(text=text, buttons=buttons or [], **kw))  # type: ignore[arg-type]
        return self

    def extend(self, other: Reply) -> Reply:
        """Append another reply's messages (and its flags) to this one."""
        self.messages.extend(other.messages)
        self.request_location = self.request_location or other.request_location
        self.erased = self.erased or other.erased
        return self

    def buttons(self) -> list[Button]:
        """Every button in every message, in order."""
        return [b for m in self.messages for row in m.buttons for b in row]


@dataclass(slots=True)
class Outgoing:
    """A message the bot sends unprompted (reminder, check-in, broadcast) to one pseudonymous user."""

    user_key: str
    reply: Reply
    kind: str
    ref: str = ""
