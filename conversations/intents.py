"""A small intent matcher for free text that no question asked for: which screen a person most likely wants.

Intents: relatives, which group fits, meetings near a place, a trial, privacy, urgent help. Anything else
gets a kind answer with the menu and 'Hulp nu' (never only "I don't understand"). Also a guess of the
language of a first message, so a person who writes English before /start is answered in English.
"""

from __future__ import annotations

import re

from conversations.buttons import button_id
from conversations.crisis import normalise
from conversations.places import resolve
from storage.postcodes import parse_postcode

# (intent, pattern on normalised text); the first that matches wins.
INTENTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("urgent", r" (hulp nu|help nu|help now|nood|noodgeval|emergency|crisis|113|112) "),
        (
            "relatives",
            r" (mijn|mn|m n) (man|vrouw|partner|vriend|vriendin|zoon|dochter|vader|moeder|broer|zus"
            r"|kind|kinderen)"
            r" (\w+ ){0,2}(drinkt|gebruikt|blowt|gokt|snuift|is verslaafd)"
            r"| (familie|naaste|naasten|al ?anon|alateen|lsovd) "
            r"| my (husband|wife|partner|boyfriend|girlfriend|son|daughter|dad|father|mum|mom|mother"
            r"|brother|sister)"
            r" (\w+ ){0,2}(drinks|uses|gambles|is addicted)| (family|relatives?) ",
        ),
        (
            "which",
            r" (welke groep|welke past|groep voor mij|past bij mij|which group|what group|group for me) ",
        ),
        (
            "near",
            r" (meetings?|bijeenkomst\w*|groep|groepen) (in|bij|rond|near|around)"
            r" (?P<place>[a-z][a-z ]{1,40}?) ?$",
        ),
        ("near", r" (in de buurt|bij mij in de buurt|dichtbij|near me|nearby|close to me) "),
        ("trial", r" (proef|uitproberen|zes meetings|6 meetings|trial|try a meeting|six meetings) "),
        (
            "privacy",
            r" (privacy|anoniem|anonymous|gegevens|bewaren jullie|wat bewaar|what do you (store|keep)"
            r"|my data) ",
        ),
    )
)
TARGETS = {
    "urgent": button_id("h", "show"),
    "relatives": button_id("l", "start", "relatives"),
    "which": button_id("w", "start"),
    "near": button_id("n", "start"),
    "trial": button_id("t", "start"),
    "privacy": button_id("s", "privacy"),
}

_EN = frozenset("i you the is are my what where how can do does want need help please hello hi".split())
_NL = frozenset(
    "ik je jij de het een is zijn mijn wat waar hoe kan wil heb hulp alsjeblieft hallo hoi niet".split()
)


def match_intent(text: str) -> tuple[str, str] | None:
    """(intent, place or '') for a free text, or None. A bare town or postcode means 'meetings there'."""
    norm = normalise(text)
    for name, pattern in INTENTS:
        found = pattern.search(norm)
        if found:
            place = found.groupdict().get("place") or ""
            return name, place.strip()
    if just_a_place(text):
        return "near", text.strip()
    return None


def just_a_place(text: str) -> bool:
    """Whether a short text is only a Dutch postcode or the exact name of a town ('Utrecht', '3511 AB').

    Close spellings do not count here ('hallo' is not Hall): outside a question only an exact name is
    taken as a search. The near-me screen then asks which one if several towns share the name.
    """
    words = normalise(text).split()
    if not words or len(words) > 4 or len(text) > 40 or words[0] in _NL | _EN:
        return False
    if parse_postcode(text.strip()) is not None:
        return True
    match = resolve(" ".join(words))
    return bool(match.places) and not match.guessed


def guess_language(text: str) -> str | None:
    """'en' or 'nl' when the words of a text clearly point one way, else None."""
    words = normalise(text).split()
    en = sum(w in _EN for w in words)
    nl = sum(w in _NL for w in words)
    if en > nl:
        return "en"
    if nl > en:
        return "nl"
    return None
