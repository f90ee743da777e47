"""Write or extend a gettext catalog from a Python dict of key → text (a helper for authors)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def write_catalog(path: Path, lang: str, texts: dict[str, str]) -> None:
    """Merge texts into the .po file at path (creating it), keeping keys sorted."""
    catalog = Catalog(locale=lang, domain=path.stem, project="eerstestap", charset="utf-8")
    if path.exists():
        with path.open("rb") as fh:
            old = read_po(fh, locale=lang)
        for msg in old:
            if msg.id:
                catalog.add(msg.id, msg.string)
    for key, text in texts.items():
        existing = catalog.get(key)
        if existing is not None:  # Catalog.add keeps an existing message's text
            existing.string = text
        else:
            catalog.add(key, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True, omit_header=False)


if __name__ == "__main__":
    sys.exit("import write_catalog from this module")
