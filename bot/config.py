"""Configuration of `eerstestap run`: environment variables (and an optional .env file), checked up front."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{2,}$")
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
ENV_LINE_RE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(slots=True)
class BotConfig:
    """Everything the Telegram side needs to start."""

    token: str
    base_url: str = DEFAULT_BASE_URL
    webhook_url: str | None = None
    listen: str = "127.0.0.1"
    port: int = 8443
    webhook_path: str = ""
    secret_token: str = ""
    allow_demo: bool = False
    global_rate: float = 30.0
    chat_interval: float = 1.0
    sweep_interval: float = 30.0
    bot_username: str | None = None
    drop_pending: bool = False
    poll_interval: float = 0.0

    @property
    def webhook(self) -> bool:
        return self.webhook_url is not None


def load_env_file(path: Path, environ: MutableMapping[str, str] = os.environ) -> int:
    """Read KEY=VALUE lines from a .env file into the environment (existing variables win)."""
    if not path.is_file():
        return 0
    count = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = ENV_LINE_RE.match(line)
        if not m:
            raise ConfigError(f"{path}:{number}: expected KEY=VALUE")
        key, value = m.group(1), m.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        if key not in environ:
            environ[key] = value
            count += 1
    return count


def _flag(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ConfigError(f"{name} must be 1 or 0 (got {raw!r})")


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number (got {raw!r})") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low:g} and {high:g} (got {raw!r})")
    return value


def check_token(token: str | None) -> str:
    """The bot token from @BotFather, or a clear error."""
    if not token or not token.strip():
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and set "
            "TELEGRAM_BOT_TOKEN=123456:ABC... in the environment or in a .env file"
        )
    token = token.strip()
    if not TOKEN_RE.match(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN looks malformed: it should look like 123456789:AAE-abc_def...")
    return token


def check_base_url(url: str | None) -> str:
    """TELEGRAM_BASE_URL: the Bot API root that the token is appended to, ending in '/bot'."""
    if not url or not url.strip():
        return DEFAULT_BASE_URL
    url = url.strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(
            f"TELEGRAM_BASE_URL must be an http(s) URL such as http://127.0.0.1:8081/bot (got {url!r})"
        )
    if not url.endswith("/bot"):
        url = url.rstrip("/") + "/bot"
    return url


def check_webhook_url(url: str) -> str:
    """The public URL Telegram posts updates to."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(
            f"--webhook-url must be a full URL such as https://bot.example.org/telegram (got {url!r})"
        )
    return url


def from_env(
    env: Mapping[str, str] = os.environ,
    *,
    webhook_url: str | None = None,
    listen: str | None = None,
    port: int | None = None,
    allow_demo: bool = False,
) -> BotConfig:
    """Build the configuration from the environment and command-line options; raise ConfigError."""
    token = check_token(env.get("TELEGRAM_BOT_TOKEN"))
    base_url = check_base_url(env.get("TELEGRAM_BASE_URL"))
    webhook_url = webhook_url or env.get("EERSTESTAP_WEBHOOK_URL") or None
    secret = env.get("EERSTESTAP_WEBHOOK_SECRET", "").strip()
    if secret and not SECRET_RE.match(secret):
        raise ConfigError(
            "EERSTESTAP_WEBHOOK_SECRET may only hold A-Z, a-z, 0-9, _ and - (1 to 256 characters)"
        )
    raw_port = port if port is not None else env.get("EERSTESTAP_PORT") or 8443
    try:
        port_value = int(raw_port)
    except ValueError:
        raise ConfigError(f"EERSTESTAP_PORT must be a port number (got {raw_port!r})") from None
    if not 0 < port_value < 65536:
        raise ConfigError(f"the port must be between 1 and 65535 (got {port_value})")
    path = ""
    if webhook_url:
        webhook_url = check_webhook_url(webhook_url)
        path = urlparse(webhook_url).path.strip("/")
    username = (env.get("EERSTESTAP_BOT_USERNAME") or "").strip().lstrip("@") or None
    return BotConfig(
        token=token,
        base_url=base_url,
        webhook_url=webhook_url,
        listen=listen or env.get("EERSTESTAP_LISTEN") or "127.0.0.1",
        port=port_value,
        webhook_path=path,
        secret_token=secret or secrets.token_urlsafe(32),
        allow_demo=allow_demo or _flag(env, "EERSTESTAP_ALLOW_DEMO"),
        global_rate=_number(env, "EERSTESTAP_GLOBAL_RATE", 30.0, 0.1, 10000),
        chat_interval=_number(env, "EERSTESTAP_CHAT_INTERVAL", 1.0, 0.0, 60),
        sweep_interval=_number(env, "EERSTESTAP_SWEEP_SECONDS", 30.0, 0.05, 3600),
        bot_username=username,
        drop_pending=_flag(env, "EERSTESTAP_DROP_PENDING"),
        poll_interval=_number(
            env, "EERSTESTAP_POLL_INTERVAL", 0.0 if base_url == DEFAULT_BASE_URL else 0.05, 0.0, 60
        ),
    )
