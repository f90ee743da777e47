"""The waiting-room poster: what the bot does, free and anonymous, a QR code, the link, and urgent help."""

from __future__ import annotations

from content.i18n import Translator
from printables.sheet import ACCENT, MUTED, Sheet

# Deep-link words a poster may open, with the headline that fits that moment of care.
POSTER_FLOWS = ("menu", "wachtlijst", "wat", "welke", "buurt", "naasten", "intake", "nazorg")


def headline_key(flow: str | None) -> str:
    """The poster's headline for a moment of care (intake, waiting list, aftercare, relatives)."""
    return (
        f"print.poster.head.{flow}"
        if flow in ("wachtlijst", "intake", "nazorg", "naasten")
        else ("print.poster.head.default")
    )


def poster_pdf(t: Translator, url: str, flow: str | None = None) -> bytes:
    """An A4 poster as PDF bytes."""
    sheet = Sheet(t.t("print.poster.title"), t.lang)
    sheet.add_page()
    sheet.para(t.t("print.poster.brand"), 16, bold=True, colour=ACCENT, align="C", gap=6)
    sheet.para(t.t(headline_key(flow)), 30, bold=True, align="C", gap=6)
    sheet.para(t.t("print.poster.what"), 15, align="C", gap=4)
    sheet.para(t.t("print.poster.free"), 15, bold=True, align="C", gap=8)
    sheet.qr(url, 80)
    sheet.para(t.t("print.poster.scan"), 14, align="C", gap=2)
    sheet.para(url, 12, colour=ACCENT, align="C", gap=10)
    sheet.para(t.t("print.poster.urgent"), 14, bold=True, align="C", gap=2)
    sheet.para(t.t("print.poster.urgent_more"), 11, colour=MUTED, align="C", gap=2)
    return sheet.output_bytes()
