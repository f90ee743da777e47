"""The one settings object: every environment variable the bot reads, validated once at start-up.

`load_config` reads the environment (and a .env file, where variables already set win) plus the command
line's overrides, and either returns a `Config` or raises `ConfigError` with one sentence that names the
variable and what it accepts. Nothing else in the code reads the environment; `Config` is passed down.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlparse

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from storage.keys import KeyError_, parse_secret

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{2,}$")
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
USERNAME_RE = re.compile(r"^@?[A-Za-z0-9_]{3,32}$")
HOST_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$")
ENV_LINE_RE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


class ConfigError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True, slots=True)
class Doc:
    """How one setting is documented: what it accepts (for errors), its default and what it does."""

    accepts: str
    default: str
    what: str
    secret: bool = False  # never echo the value in an error


def _flag(value: object) -> object:
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE:
            return True
        if word in FALSE:
            return False
        raise ValueError("not a flag")
    return value


def _token(value: object) -> object:
    if isinstance(value, str) and not TOKEN_RE.match(value.strip()):
        raise ValueError("malformed token")
    return value.strip() if isinstance(value, str) else value


def _http_url(value: object) -> object:
    if isinstance(value, str):
        parsed = urlparse(value.strip())
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError("not an http(s) URL")
        return value.strip()
    return value


def _tile_url(value: object) -> object:
    value = _http_url(value)
    if isinstance(value, str) and not all(part in value for part in ("{z}", "{x}", "{y}")):
        raise ValueError("no {z}/{x}/{y}")
    return value


def _base_url(value: object) -> object:
    value = _http_url(value)
    if isinstance(value, str) and not value.endswith("/bot"):
        return value.rstrip("/") + "/bot"
    return value


def _webhook_secret(value: object) -> object:
    if isinstance(value, str) and not SECRET_RE.match(value.strip()):
        raise ValueError("bad secret token")
    return value.strip() if isinstance(value, str) else value


def _secret_key(value: object) -> object:
    if isinstance(value, str):
        try:
            parse_secret(value)
        except KeyError_:
            raise ValueError("secret too short") from None
    return value


def _host(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        try:
            ipaddress.ip_address(value)
        except ValueError:
            if not HOST_RE.match(value):
                raise ValueError("not a host") from None
    return value


def _username(value: object) -> object:
    if isinstance(value, str):
        if not USERNAME_RE.match(value.strip()):
            raise ValueError("not a username")
        return value.strip().lstrip("@")
    return value


def _file_path(value: object) -> object:
    if isinstance(value, str | Path) and Path(value).is_dir():
        raise ValueError("a directory")
    return value


def _dir_path(value: object) -> object:
    if isinstance(value, str | Path) and (not Path(value).is_absolute() or Path(value).is_file()):
        raise ValueError("not a directory path")
    return value


DOCS: dict[str, Doc] = {}  # variable -> documentation, filled by `setting` as Config is defined


def setting(env: str, default: Any, doc: Doc, **constraints: Any) -> Any:
    """A field read from the environment variable `env` (a callable default is called at each start)."""
    DOCS[env] = doc
    common: dict[str, Any] = {"alias": env, "description": doc.what, "repr": not doc.secret, **constraints}
    if callable(default):
        return Field(default_factory=default, **common)
    return Field(default, **common)


Flag = Annotated[bool, BeforeValidator(_flag)]
Seconds = Annotated[float, Field(allow_inf_nan=False)]


class Config(BaseModel):
    """Every setting, validated; defaults that depend on other settings are filled in after validation."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    token: Annotated[str | None, BeforeValidator(_token)] = setting(
        "TELEGRAM_BOT_TOKEN",
        None,
        Doc(
            "the token from @BotFather, such as 123456789:AAE-abc_def",
            "(required by `run`)",
            "the token from @BotFather",
            secret=True,
        ),
    )
    base_url: Annotated[str, BeforeValidator(_base_url)] = setting(
        "TELEGRAM_BASE_URL",
        DEFAULT_BASE_URL,
        Doc(
            "an http(s) URL such as http://127.0.0.1:8081/bot",
            f"`{DEFAULT_BASE_URL}`",
            "Bot API root; the token is appended. Point it at a local Bot API server or an emulator, "
            "e.g. `http://127.0.0.1:8081/bot`",
        ),
    )
    db: Annotated[Path | None, BeforeValidator(_file_path)] = setting(
        "EERSTESTAP_DB",
        None,
        Doc(
            "the path of a file, not a directory",
            "`eerstestap.db` in the data directory",
            "the SQLite file; same as `--db`",
        ),
    )
    data_home: Annotated[Path | None, BeforeValidator(_dir_path)] = setting(
        "XDG_DATA_HOME",
        None,
        Doc(
            "an absolute directory path",
            "`~/.local/share`",
            "the data directory is `$XDG_DATA_HOME/eerstestap` (where the default database lives)",
        ),
    )
    runtime_dir: Annotated[Path | None, BeforeValidator(_dir_path)] = setting(
        "XDG_RUNTIME_DIR",
        None,
        Doc(
            "an absolute directory path",
            "(none: the data directory)",
            "calendar files of `eerstestap chat` go to `$XDG_RUNTIME_DIR/eerstestap-files` (mode 0700)",
        ),
    )
    secret_key: Annotated[str | None, BeforeValidator(_secret_key)] = setting(
        "EERSTESTAP_SECRET_KEY",
        None,
        Doc(
            "at least 32 random bytes as hex or base64 (python3 -c 'import secrets; "
            "print(secrets.token_hex(32))')",
            "(none: the key file)",
            "the secret for pseudonyms and sealed chat ids (see Privacy and keys)",
            secret=True,
        ),
    )
    key_file: Annotated[Path | None, BeforeValidator(_file_path)] = setting(
        "EERSTESTAP_KEY_FILE",
        None,
        Doc(
            "the path of a file, not a directory",
            "`<db>.key` beside the database",
            "file holding the secret when `EERSTESTAP_SECRET_KEY` is not set; created (mode 0600) if absent",
        ),
    )
    allow_demo: Flag = setting(
        "EERSTESTAP_ALLOW_DEMO",
        False,
        Doc("1 or 0", "`0`", "`1` runs on the demo directory; same as `--allow-demo`"),
    )
    webhook_url: Annotated[str | None, BeforeValidator(_http_url)] = setting(
        "EERSTESTAP_WEBHOOK_URL",
        None,
        Doc(
            "a full URL such as https://bot.example.org/telegram",
            "(none: polling)",
            "public URL for webhook mode; same as `--webhook-url`",
        ),
    )
    secret_token: Annotated[str, BeforeValidator(_webhook_secret)] = setting(
        "EERSTESTAP_WEBHOOK_SECRET",
        lambda: secrets.token_urlsafe(32),
        Doc(
            "1 to 256 characters from A-Z, a-z, 0-9, _ and -",
            "generated at each start",
            "secret token Telegram sends with every webhook call (`A-Z a-z 0-9 _ -`)",
            secret=True,
        ),
    )
    listen: Annotated[str, BeforeValidator(_host)] = setting(
        "EERSTESTAP_LISTEN",
        "127.0.0.1",
        Doc(
            "an IP address or host name such as 127.0.0.1",
            "`127.0.0.1`",
            "address the webhook server listens on (only the proxy in front should reach it); "
            "same as `--listen`",
        ),
    )
    port: int = setting(
        "EERSTESTAP_PORT",
        8443,
        Doc("a port number from 1 to 65535", "`8443`", "port of the webhook server; same as `--port`"),
        ge=1,
        le=65535,
    )
    global_rate: Seconds = setting(
        "EERSTESTAP_GLOBAL_RATE",
        30.0,
        Doc("a number from 0.1 to 10000", "`30`", "unprompted messages per second, all chats together"),
        ge=0.1,
        le=10000,
    )
    chat_interval: Seconds = setting(
        "EERSTESTAP_CHAT_INTERVAL",
        1.0,
        Doc("a number of seconds from 0 to 60", "`1`", "seconds between two unprompted messages to one chat"),
        ge=0,
        le=60,
    )
    sweep_interval: Seconds = setting(
        "EERSTESTAP_SWEEP_SECONDS",
        30.0,
        Doc(
            "a number of seconds from 0.05 to 3600",
            "`30`",
            "how often the sender sweeps for due reminders and broadcasts it missed",
        ),
        ge=0.05,
        le=3600,
    )
    poll_interval: Seconds = setting(
        "EERSTESTAP_POLL_INTERVAL",
        0.0,
        Doc(
            "a number of seconds from 0 to 60", "`0` (`0.05` off Telegram)", "pause between getUpdates calls"
        ),
        ge=0,
        le=60,
    )
    drop_pending: Flag = setting(
        "EERSTESTAP_DROP_PENDING",
        False,
        Doc("1 or 0", "`0`", "`1` drops updates that arrived while the bot was down"),
    )
    bot_username: Annotated[str | None, BeforeValidator(_username)] = setting(
        "EERSTESTAP_BOT_USERNAME",
        None,
        Doc(
            "a Telegram username of 3 to 32 characters from A-Z, a-z, 0-9 and _",
            "from getMe",
            "the bot's username, for `eerstestap link` without a token",
        ),
    )
    send_workers: int = setting(
        "EERSTESTAP_SEND_WORKERS",
        1,
        Doc(
            "a whole number from 1 to 1000",
            "`1`",
            "unprompted messages in flight at once; also the most duplicates a crash can cause",
        ),
        ge=1,
        le=1000,
    )
    feeds: Annotated[Path | None, BeforeValidator(_file_path)] = setting(
        "EERSTESTAP_FEEDS",
        None,
        Doc(
            "the path of a file, not a directory",
            "(none)",
            "the feeds file of `eerstestap directory sync`, synced daily by `run` too; same as `--feeds`",
        ),
    )
    tile_url: Annotated[str | None, BeforeValidator(_tile_url)] = setting(
        "EERSTESTAP_TILE_URL",
        None,
        Doc(
            "an http(s) URL with {z}, {x} and {y}",
            "OpenStreetMap's tiles",
            "map tiles of `eerstestap site build --map`; the only outside address the site may load",
        ),
    )
    leaflet_dir: Annotated[Path | None, BeforeValidator(_dir_path)] = setting(
        "EERSTESTAP_LEAFLET_DIR",
        None,
        Doc(
            "the absolute path of a folder",
            "found in node_modules",
            "Leaflet's `dist/` folder, copied into the site by `site build --map`",
        ),
    )
    outbox_lease: Seconds = setting(
        "EERSTESTAP_OUTBOX_LEASE",
        60.0,
        Doc(
            "a number of seconds from 0.1 to 86400",
            "`60`",
            "how long a sender's claim on a broadcast message holds before another process may take it over",
        ),
        ge=0.1,
        le=86400,
    )

    welcome_timeout: Seconds = setting(
        "EERSTESTAP_WELCOME_TIMEOUT",
        6.0,
        Doc(
            "a number of hours from 1 to 72",
            "`6`",
            "a welcome request nobody accepted this many hours before the meeting is closed, and the "
            "newcomer told kindly",
        ),
        ge=1,
        le=72,
    )

    @model_validator(mode="before")
    @classmethod
    def _dependent_defaults(cls, data: Any) -> Any:
        """Poll a little slower off Telegram."""
        if not isinstance(data, dict):
            return data

        def given(name: str) -> Any:
            field = cls.model_fields[name]
            return data.get(field.alias, data.get(name)) if field.alias else data.get(name)

        data = dict(data)
        if given("poll_interval") is None:
            base = given("base_url")
            try:
                on_telegram = base is None or _base_url(base) == DEFAULT_BASE_URL
            except ValueError:
                on_telegram = True  # the field's own check reports it
            data["poll_interval"] = 0.0 if on_telegram else 0.05
        return data

    @property
    def webhook(self) -> bool:
        """Webhook mode (a public URL is set) rather than long polling."""
        return self.webhook_url is not None

    @property
    def webhook_path(self) -> str:
        """The path part of the webhook URL, which the local server answers on."""
        return urlparse(self.webhook_url).path.strip("/") if self.webhook_url else ""

    @property
    def data_dir(self) -> Path:
        """$XDG_DATA_HOME/eerstestap, else ~/.local/share/eerstestap."""
        return (self.data_home or Path.home() / ".local" / "share") / "eerstestap"

    @property
    def db_path(self) -> Path:
        """EERSTESTAP_DB (or --db), else eerstestap.db in the data directory."""
        return self.db or self.data_dir / "eerstestap.db"


def documented() -> list[tuple[str, Doc]]:
    """(variable, documentation) of every setting, in declaration order."""
    return [(f.alias, DOCS[f.alias]) for f in Config.model_fields.values() if f.alias is not None]


def markdown_table() -> str:
    """The README's settings table, generated from `Config`."""
    lines = ["| variable | default | what |", "| --- | --- | --- |"]
    lines += [f"| `{env}` | {doc.default} | {doc.what} |" for env, doc in documented()]
    return "\n".join(lines) + "\n"


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (none if it does not exist); a malformed line is a ConfigError."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
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
        values[key] = value
    return values


def load_env_file(path: Path, environ: MutableMapping[str, str]) -> int:
    """Copy a .env file's variables into `environ` where they are not set yet; how many were added."""
    added = 0
    for key, value in read_env_file(path).items():
        if key not in environ:
            environ[key] = value
            added += 1
    return added


def _sentence(exc: ValidationError, raw: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """One sentence for the first bad value: the variable (or option), what it accepts, what it got."""
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error["loc"] else ""
    field = Config.model_fields.get(name)
    env = field.alias if field is not None and field.alias else name
    doc = DOCS.get(env)
    if doc is None:
        return f"{env}: {error['msg']}"
    label = labels.get(env, env)
    got = "" if doc.secret else f" (got {raw.get(env)!r})"
    return f"{label} must be {doc.accepts}{got}"


def load_config(
    environ: Mapping[str, str] | None = None,
    *,
    env_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    options: Mapping[str, str] | None = None,
) -> Config:
    """The settings from the environment, then the .env file, with `overrides` (by variable) on top.

    `options` names the command-line option behind an override, so an error names what the person typed.
    An empty variable counts as not set. Raises ConfigError with one sentence.
    """
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    if env_file is not None:
        raw.update({k: v for k, v in read_env_file(env_file).items() if k in DOCS})
    raw.update({k: v for k, v in environ.items() if k in DOCS})
    raw = {k: v for k, v in raw.items() if not (isinstance(v, str) and not v.strip())}
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    unknown = sorted(set(given) - set(DOCS))
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]}")
    raw.update(given)
    labels = {k: v for k, v in (options or {}).items() if k in given}
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_sentence(exc, raw, labels)) from None


def require_token(config: Config) -> str:
    """The bot token, or a ConfigError that says how to get one."""
    if not config.token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and set "
            "TELEGRAM_BOT_TOKEN=123456:ABC... in the environment or in a .env file"
        )
    return config.token
