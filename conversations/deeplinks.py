"""Deep links (t.me/<bot>?start=<payload>): which flow a /start payload opens, and poster referral tags."""

from __future__ import annotations

# Deep-link payloads (t.me/<bot>?start=<payload>) that open a flow: payload or prefix → (flow, argument).
DEEP_LINKS: dict[str, tuple[str, str]] = {
    "menu": ("menu", ""),
    "hulp": ("urgent", ""),
    "wat": ("learn", ""),
    "wachtlijst": ("learn", "waitlist"),
    "naasten": ("learn", "relatives"),
    "welke": ("which", ""),
    "buurt": ("near", ""),
    "proef": ("trial", ""),
    "intake": ("learn", "what"),  # a professional's link for the intake
    "nazorg": ("learn", "treatment"),  # ... and for discharge and aftercare
    "hulpverlener": ("pro", ""),
}
DEEP_LINK_PREFIXES: dict[str, str] = {"meeting_": "card", "proef_": "trial"}


def resolve_deep_link(payload: str) -> tuple[str, str] | None:
    """The flow and argument a deep-link payload opens, or None if it is only a referral tag."""
    if payload in DEEP_LINKS:
        return DEEP_LINKS[payload]
    for prefix, flow in DEEP_LINK_PREFIXES.items():
        if payload.startswith(prefix) and len(payload) > len(prefix):
            return flow, payload[len(prefix) :]
    return None


TAG_SEPARATOR = "--"  # a payload "<flow>--<tag>" opens a flow and counts a poster's referral tag


def split_payload(payload: str) -> tuple[tuple[str, str] | None, str | None]:
    """A /start payload as (flow to open or None, referral tag to count or None)."""
    target = resolve_deep_link(payload)
    if target is not None:
        return target, None
    head, sep, tag = payload.partition(TAG_SEPARATOR)
    if sep and tag:
        target = resolve_deep_link(head)
        if target is not None:
            return target, tag
    return None, payload or None
