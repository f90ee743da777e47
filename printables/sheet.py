"""An A4 page with fpdf2: the built-in Helvetica in Windows-1252 (every Dutch letter) and vector QR codes.

fpdf2 is pure Python and small, draws SVG (so segno's QR code stays sharp) and needs no system fonts,
which keeps the Docker image and CI free of font packages.
"""

from __future__ import annotations

import io
import unicodedata

import segno
from fpdf import FPDF

ENCODING = "windows-1252"
SUBSTITUTES = {"→": "->", "←": "<-", "▶": ">", "◀": "<", "✓": "v", "⏱": "", "\u00a0": " ", "\u202f": " "}
INK = (20, 20, 20)
MUTED = (70, 70, 70)
ACCENT = (0, 84, 125)


def printable(text: str) -> str:
    """Text the built-in fonts can draw: Dutch letters stay, other symbols become plain ones."""
    out = []
    for ch in text:
        ch = SUBSTITUTES.get(ch, ch)
        try:
            ch.encode(ENCODING)
        except UnicodeEncodeError:
            ch = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode() or "?"
        out.append(ch)
    return "".join(out)


def qr_svg(url: str) -> io.BytesIO:
    """A QR code for a link as SVG (error correction M, quiet zone of four modules)."""
    code = segno.make(url, error="m")
    side = code.symbol_size(border=4)[0]
    buf = io.BytesIO()
    code.save(buf, kind="svg", border=4, xmldecl=False, svgns=True)
    svg = buf.getvalue().replace(b"<svg ", f'<svg viewBox="0 0 {side} {side}" '.encode(), 1)
    return io.BytesIO(svg)


class Sheet(FPDF):
    """An A4 portrait page with our fonts, colours and plain-text helpers."""

    def __init__(self, title: str, lang: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.core_fonts_encoding = ENCODING
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(printable(title))
        self.set_lang(lang)
        self.set_creator("Eerste Stap")
        self.set_text_color(*INK)

    def para(self, text: str, size: float, *, bold: bool = False, colour: tuple[int, int, int] = INK,
             align: str = "L", gap: float = 2.0, width: float = 0) -> None:  # fmt: skip
        """A paragraph across the page width (or `width` mm)."""
        self.set_font("Helvetica", "B" if bold else "", size)
        self.set_text_color(*colour)
        self.multi_cell(width, size * 0.45, printable(text), align=align, new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)

    def rows(self, rows: list[tuple[str, ...]], widths: tuple[float, ...], size: float = 9.5) -> None:
        """A borderless table of plain-text rows, each column `widths` mm wide, zebra-striped."""
        self.set_font("Helvetica", "", size)
        self.set_text_color(*INK)
        with self.table(
            col_widths=widths, width=sum(widths), align="LEFT", first_row_as_headings=False,
            borders_layout="NONE", cell_fill_color=(240, 244, 247), cell_fill_mode="ROWS",
            line_height=size * 0.48, padding=(0.6, 1.2), text_align="LEFT",
        ) as table:  # fmt: skip
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(printable(value))
        self.ln(2)

    def qr(self, url: str, size: float, *, x: float | None = None) -> None:
        """A QR code of `size` mm, centred unless x is given, then move below it."""
        left = (self.w - size) / 2 if x is None else x
        top = self.get_y()
        self.image(qr_svg(url), x=left, y=top, w=size, h=size)
        self.set_y(top + size + 2)

    def output_bytes(self) -> bytes:
        """The finished PDF."""
        return bytes(self.output())
