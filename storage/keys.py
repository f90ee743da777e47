"""Pseudonyms (keyed HMAC of the chat id) and sealed chat ids (AEAD), with keys from outside the database."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ENV_SECRET = "EERSTESTAP_SECRET_KEY"
ENV_KEY_FILE = "EERSTESTAP_KEY_FILE"
MIN_SECRET_BYTES = 32
PSEUDONYMS_KEPT = 2_048  # chat id -> pseudonym of the chats first seen last, in memory (forgotten on erase)


class KeyError_(ValueError):
    """The secret key is missing or malformed."""


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"eerstestap-v1", info=purpose).derive(secret)


class KeyRing:
    """Derives a pseudonym key and an encryption key from one secret."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise KeyError_(f"the secret key must be at least {MIN_SECRET_BYTES} bytes")
        self._hmac_key = _derive(secret, b"pseudonym")
        self._aead = AESGCM(_derive(secret, b"chat-id-seal"))
        self._text_aead = AESGCM(_derive(secret, b"short-text-seal"))
        self.check_value = hmac.new(_derive(secret, b"key-check"), b"eerstestap", hashlib.sha256).hexdigest()
        self._pseudonyms: dict[int, str] = {}  # a chat's every update needs it; an HMAC costs ~30 µs cold
        self._chats: dict[str, int] = {}  # the same, the other way (to forget a pseudonym's chat)

    def pseudonym(self, chat_id: int) -> str:
        """The stable pseudonym of a chat: hex HMAC-SHA256 of its id (kept for the last chats first seen)."""
        chat = int(chat_id)
        key = self._pseudonyms.get(chat)
        if key is None:
            key = hmac.digest(self._hmac_key, str(chat).encode(), "sha256").hex()
            if len(self._pseudonyms) >= PSEUDONYMS_KEPT:  # the oldest goes
                self._chats.pop(self._pseudonyms.pop(next(iter(self._pseudonyms))), None)
            self._pseudonyms[chat] = key
            self._chats[key] = chat
        return key

    def forget(self, user_key: str) -> None:
        """Drop a pseudonym's chat id from memory (the person is erased)."""
        chat = self._chats.pop(user_key, None)
        if chat is not None:
            self._pseudonyms.pop(chat, None)

    def tag(self, purpose: str, value: str) -> str:
        """A keyed digest for other values that must not be stored in the clear (e.g. invite codes)."""
        return hmac.new(self._hmac_key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    def seal(self, chat_id: int, user_key: str) -> bytes:
        """Encrypt a chat id, bound to its pseudonym."""
        nonce = secrets.token_bytes(12)
        return nonce + self._aead.encrypt(nonce, str(int(chat_id)).encode(), user_key.encode())

    def unseal(self, box: bytes, user_key: str) -> int:
        """Decrypt a sealed chat id (raises if it was tampered with or sealed for another pseudonym)."""
        return int(self._aead.decrypt(box[:12], box[12:], user_key.encode()).decode())

    def seal_text(self, text: str, bound: str) -> bytes:
        """Encrypt a short text (a nickname, a relayed message) bound to what it belongs to."""
        nonce = secrets.token_bytes(12)
        return nonce + self._text_aead.encrypt(nonce, text.encode(), f"text:{bound}".encode())

    def unseal_text(self, box: bytes, bound: str) -> str:
        """Decrypt a sealed short text (raises if tampered with or sealed for something else)."""
        return self._text_aead.decrypt(box[:12], box[12:], f"text:{bound}".encode()).decode()


def decode_key(text: str) -> bytes | None:
    """At least 32 bytes given as hex or base64, or None."""
    for decode in (bytes.fromhex, lambda s: base64.b64decode(s, validate=True)):
        try:
            raw = decode(text)
        except ValueError:
            continue
        if len(raw) >= MIN_SECRET_BYTES:
            return raw
    return None


def parse_secret(text: str) -> bytes:
    """A secret given as base64 or hex of at least 32 bytes, or as a passphrase of at least 32 characters."""
    text = text.strip()
    raw = decode_key(text)
    if raw is not None:
        return raw
    if len(text.encode()) >= MIN_SECRET_BYTES:
        return text.encode()
    raise KeyError_(
        f"{ENV_SECRET} is too short: give at least 32 random bytes as hex or base64 "
        "(for example: python -c 'import secrets; print(secrets.token_hex(32))')"
    )


def key_file_for(db_path: Path) -> Path:
    """The key file that sits beside (never inside) a database file."""
    return db_path.with_name(db_path.name + ".key")


def key_file_path(db_path: Path, key_file: Path | None = None) -> tuple[Path, str]:
    """Where the key file is, and the variable that names it (for messages that say what to fix)."""
    if key_file is not None:
        return key_file, ENV_KEY_FILE
    return key_file_for(db_path), f"{ENV_KEY_FILE} (default: beside the database)"


def read_key_file(path: Path, variable: str) -> KeyRing:
    """A key from a file that only its owner can read; every problem is one sentence naming `variable`."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise KeyError_(f"the key file {path} is a directory, not a key file: check {variable}")
        if stat.S_IMODE(info.st_mode) & 0o077:
            raise KeyError_(
                f"the key file {path} can be read by others (mode {stat.S_IMODE(info.st_mode):o}): "
                f"run chmod 600 {path} ({variable})"
            )
        text = path.read_text(encoding="ascii").strip()
    except KeyError_:
        raise
    except (OSError, UnicodeError) as exc:
        raise KeyError_(f"cannot read the key file {path} ({type(exc).__name__}): check {variable}") from None
    raw = decode_key(text)
    if raw is not None:
        return KeyRing(raw)
    raise KeyError_(
        f"the key file {path} is damaged or empty (it must hold 32 or more bytes as hex or base64): "
        f"restore it from the backup of {variable}"
    )


def load_keyring(
    db_path: Path, *, create: bool = True, secret: str | None = None, key_file: Path | None = None
) -> KeyRing:
    """Keys from the secret, else the key file, else a key file beside the database.

    The caller passes what the settings hold; this module reads no environment. A key file is generated
    only when `create` is set and there is none (never for a database that already has users).
    """
    if secret:
        return KeyRing(parse_secret(secret))
    path, variable = key_file_path(db_path, key_file)
    if not path.exists() and not path.is_symlink():
        if not create:
            raise KeyError_(
                f"no secret key: the key file {path} is missing; restore it, or set {ENV_SECRET} "
                f"or {ENV_KEY_FILE}"
            )
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    return read_key_file(path, variable)
