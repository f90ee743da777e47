"""Data of Eerste Stap: texts per language, fellowship profiles, crisis signposting, catalogs."""

from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
