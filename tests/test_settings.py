"""The one settings object: defaults, one clear sentence and exit 2 for every malformed value, the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import DEFAULT_BASE_URL, DOCS, Config, ConfigError, load_config, load_env_file, markdown_table
from tests.conftest import ROOT, TEST_SECRET, cli_env, run_cli

GOOD = {"TELEGRAM_BOT_TOKEN": "123456:AAE-abc_def"}

# One malformed value for every setting (the test below checks that none is missing).
MALFORMED = [
    ("TELEGRAM_BOT_TOKEN", "nonsense"),
    ("TELEGRAM_BASE_URL", "ftp://x"),
    ("EERSTESTAP_DB", "{tmp}"),  # a directory
    ("XDG_DATA_HOME", "relative/dir"),
    ("XDG_RUNTIME_DIR", "relative/run"),
    ("EERSTESTAP_SECRET_KEY", "too-short"),
    ("EERSTESTAP_KEY_FILE", "{tmp}"),
    ("EERSTESTAP_ALLOW_DEMO", "maybe"),
    ("EERSTESTAP_WEBHOOK_URL", "bot.example.org"),
    ("EERSTESTAP_WEBHOOK_SECRET", "has spaces"),
    ("EERSTESTAP_LISTEN", "not a host"),
    ("EERSTESTAP_PORT", "99999"),
    ("EERSTESTAP_PORT", "http"),
    ("EERSTESTAP_GLOBAL_RATE", "fast"),
    ("EERSTESTAP_GLOBAL_RATE", "nan"),
    ("EERSTESTAP_CHAT_INTERVAL", "-1"),
    ("EERSTESTAP_SWEEP_SECONDS", "0"),
    ("EERSTESTAP_POLL_INTERVAL", "soon"),
    ("EERSTESTAP_DROP_PENDING", "2"),
    ("EERSTESTAP_BOT_USERNAME", "no spaces please"),
    ("EERSTESTAP_SEND_WORKERS", "abc"),
    ("EERSTESTAP_SEND_WORKERS", "0"),
    ("EERSTESTAP_FEEDS", "{tmp}"),
    ("EERSTESTAP_OUTBOX_LEASE", "1m"),
    ("EERSTESTAP_WELCOME_TIMEOUT", "6h"),
    ("EERSTESTAP_WELCOME_TIMEOUT", "0"),
    ("EERSTESTAP_TILE_URL", "https://tiles.example.org/tile.png"),
    ("EERSTESTAP_LEAFLET_DIR", "node_modules/leaflet/dist"),
]
SECRET_SETTINGS = {"TELEGRAM_BOT_TOKEN", "EERSTESTAP_SECRET_KEY", "EERSTESTAP_WEBHOOK_SECRET"}


def test_every_setting_has_a_malformed_case() -> None:
    assert {name for name, _ in MALFORMED} == set(DOCS)


@pytest.mark.parametrize(("name", "value"), MALFORMED)
def test_a_malformed_setting_stops_start_up_with_one_sentence(
    name: str, value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for var in DOCS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", GOOD["TELEGRAM_BOT_TOKEN"])
    monkeypatch.setenv(name, value.format(tmp=tmp_path))
    monkeypatch.chdir(tmp_path)  # no .env of the checkout; the default database would land here
    db = [] if name == "EERSTESTAP_DB" else ["--db", str(tmp_path / "bot.db")]
    code = main(["run", *db, "--env-file", str(tmp_path / "none.env")])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"eerstestap run: {name} must be "), err
    assert "Traceback" not in err and "pydantic" not in err.lower()
    if name in SECRET_SETTINGS:
        assert value not in err, "a secret is never echoed"
    else:
        assert repr(value.format(tmp=tmp_path)) in err, "the sentence says what it got"
    assert not (tmp_path / "bot.db").exists(), "nothing was started"


def test_send_workers_abc_through_the_real_command(tmp_path: Path) -> None:
    env = cli_env(TELEGRAM_BOT_TOKEN="123:abc", EERSTESTAP_SEND_WORKERS="abc")
    out = run_cli("run", "--db", str(tmp_path / "x.db"), "--env-file", str(tmp_path / "none.env"), env=env)
    assert out.returncode == 2
    assert out.stderr == (
        "eerstestap run: EERSTESTAP_SEND_WORKERS must be a whole number from 1 to 1000 (got 'abc')\n"
    )
    out = run_cli("purge", "--db", str(tmp_path / "x.db"), env=cli_env(EERSTESTAP_PORT="0"))
    assert out.returncode == 2 and out.stderr.startswith("eerstestap purge: EERSTESTAP_PORT must be")


def test_a_malformed_option_names_the_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--webhook-url", "bot.example.org", "--env-file", str(tmp_path / "none.env")])
    assert code == 2 and "--webhook-url must be a full URL" in capsys.readouterr().err


def test_defaults_and_derived_values() -> None:
    cfg = load_config(GOOD)
    assert cfg.base_url == DEFAULT_BASE_URL and not cfg.webhook and cfg.global_rate == 30.0
    assert cfg.send_workers == 1 and cfg.outbox_lease == 60.0 and cfg.port == 8443
    assert cfg.listen == "127.0.0.1" and cfg.poll_interval == 0.0 and len(cfg.secret_token) >= 32
    assert load_config(GOOD).secret_token != cfg.secret_token, "generated at each start"
    local = load_config({**GOOD, "TELEGRAM_BASE_URL": "http://127.0.0.1:8081"})
    assert local.base_url == "http://127.0.0.1:8081/bot" and local.poll_interval == 0.05
    hook = load_config(
        {**GOOD, "EERSTESTAP_WEBHOOK_SECRET": "abc-DEF_1", "EERSTESTAP_ALLOW_DEMO": "yes"},
        overrides={"EERSTESTAP_WEBHOOK_URL": "https://x.org/tg", "EERSTESTAP_PORT": 8444},
    )
    assert hook.webhook and hook.webhook_path == "tg" and hook.secret_token == "abc-DEF_1"
    assert hook.listen == "127.0.0.1" and hook.port == 8444 and hook.allow_demo
    empty = load_config({**GOOD, "EERSTESTAP_GLOBAL_RATE": "", "EERSTESTAP_ALLOW_DEMO": " "})
    assert empty.global_rate == 30.0 and not empty.allow_demo, "an empty variable counts as not set"
    assert load_config({"XDG_DATA_HOME": "/srv/data"}).db_path == Path("/srv/data/eerstestap/eerstestap.db")
    assert load_config({"EERSTESTAP_DB": "/srv/x.db"}).db_path == Path("/srv/x.db")
    assert load_config({"EERSTESTAP_BOT_USERNAME": "@EersteStapBot"}).bot_username == "EersteStapBot"


def test_secrets_stay_out_of_the_repr() -> None:
    cfg = load_config({**GOOD, "EERSTESTAP_SECRET_KEY": TEST_SECRET, "EERSTESTAP_WEBHOOK_SECRET": "geheim"})
    assert GOOD["TELEGRAM_BOT_TOKEN"] not in repr(cfg) and TEST_SECRET not in repr(cfg)
    assert "geheim" not in repr(cfg)


def test_env_file_fills_in_what_the_environment_does_not_set(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(
        '# comment\nexport TELEGRAM_BOT_TOKEN="1:ab"\nEERSTESTAP_ALLOW_DEMO=1 # yes\n'
        "EERSTESTAP_PORT=9000\nOTHER=x\n"
    )
    cfg = load_config({"EERSTESTAP_PORT": "9001"}, env_file=path)
    assert cfg.token == "1:ab" and cfg.allow_demo and cfg.port == 9001, "variables already set win"
    env = {"KEEP": "old"}
    path.write_text("KEEP=new\nADDED=1\n")
    assert load_env_file(path, env) == 1 and env == {"KEEP": "old", "ADDED": "1"}
    path.write_text("not a setting\n")
    with pytest.raises(ConfigError, match=":1: expected KEY=VALUE"):
        load_config({}, env_file=path)


def test_env_file_through_the_command(tmp_path: Path) -> None:
    env_file = tmp_path / "bot.env"
    env_file.write_text("EERSTESTAP_SEND_WORKERS=many\n")
    out = run_cli("run", "--env-file", str(env_file), env=cli_env(TELEGRAM_BOT_TOKEN="123:abc"))
    assert out.returncode == 2 and "EERSTESTAP_SEND_WORKERS must be a whole number" in out.stderr


def test_config_by_field_name_for_tests_and_benches() -> None:
    cfg = Config(token="1:ab", base_url="http://127.0.0.1:1/bot", allow_demo=True)
    assert cfg.allow_demo and cfg.poll_interval == 0.05


def test_readme_settings_table_is_generated_from_the_settings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- settings:start -->\n(.*?)<!-- settings:end -->", readme, re.S)
    assert match, "README.md lost its settings table markers"
    assert match.group(1) == markdown_table(), "regenerate with: python tools/settings_table.py"
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", match.group(1), re.M))
    assert documented == set(DOCS)


ENV_READERS = {
    "bot/config.py",
    "bot/cli.py",
}  # the settings object, and the command line that hands it the environment


def test_only_the_settings_read_the_environment() -> None:
    """Every other module gets its settings passed down (os.environ / os.getenv appear nowhere else)."""
    readers = set()
    for package in ("bot", "conversations", "storage", "content", "site_builder", "printables"):
        for path in (ROOT / package).rglob("*.py"):
            if re.search(r"os\.environ|os\.getenv|getenv\(", path.read_text(encoding="utf-8")):
                readers.add(path.relative_to(ROOT).as_posix())
    assert readers == ENV_READERS
