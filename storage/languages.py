"""Which language a meeting is held in, as far as the directory says: yes, no, or unknown.

Most real meetings carry no language code (237 of 245 CA meetings in the Dutch snapshot). A language
filter therefore keeps meetings of unknown language (the listing marks them) and reads the type codes and
the name too: "Bilingual meeting", "English step-meeting" or a NEEN code count as English.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from storage.meeting import Meeting

Match = Literal["yes", "unknown", "no"]
TYPE_CODES: dict[str, tuple[str, ...]] = {"en": ("EN", "ENG", "NEEN"), "nl": ("NL", "NEEN")}
NAME_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("english", "engels", "international"),
    "nl": ("nederlands", "dutch"),
}
BILINGUAL_WORDS = ("bilingual", "bi-lingual", "bi lingual", "tweetalig", "twee talig", "twee-talig")
BILINGUAL = ("nl", "en")  # a bilingual meeting in the Netherlands is Dutch and English


def _words(lang: str) -> tuple[str, ...]:
    return NAME_WORDS.get(lang, ()) + (BILINGUAL_WORDS if lang in BILINGUAL else ())


def language_match(meeting: Meeting, lang: str) -> Match:
    """Whether a meeting is held in `lang`: the code, a type code or the name says so; or unknown."""
    if meeting.language == lang:
        return "yes"
    if any(code in meeting.types for code in TYPE_CODES.get(lang, ())):
        return "yes"
    name = (meeting.name or "").casefold()
    if any(word in name for word in _words(lang)):
        return "yes"
    return "unknown" if meeting.language is None else "no"


def language_sql(lang: str) -> tuple[str, list[Any]]:
    """A WHERE fragment (starting with ' AND ') keeping meetings in `lang` or of unknown language."""
    parts = ["m.language = ?", "m.language IS NULL"]
    params: list[Any] = [lang]
    for code in TYPE_CODES.get(lang, ()):
        parts.append("instr(m.types, ?) > 0")
        params.append(json.dumps(code))
    for word in _words(lang):
        parts.append("lower(m.name) LIKE ?")  # ASCII words: lower() and LIKE agree
        params.append(f"%{word}%")
    return " AND (" + " OR ".join(parts) + ")", params
