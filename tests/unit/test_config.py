"""Settings: defaults, config.toml, environment overrides, validation, secrets, start-up errors."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from admin_app.config import (
    ROOT,
    SCHEMA,
    ConfigError,
    load_settings,
    mask_url,
    normalise_database_url,
    resolve_secret_key,
)
from admin_app.database import warn_if_pool_small

PG_URL = "postgresql+psycopg2://bob:s3cret@db.example:5432/office"
UNREACHABLE = "postgresql://bob:s3cret@127.0.0.1:1/nowhere"


@pytest.fixture
def no_file(tmp_path: Path) -> Path:
    return tmp_path / "absent.toml"


def _toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _load(path: Path, **environ: str) -> dict[str, dict[str, Any]]:
    return load_settings(path, environ=environ)


# --- defaults and the file ----------------------------------------------------------------


def test_defaults_without_a_file_or_environment(no_file):
    settings = _load(no_file)
    assert settings["app"]["env"] == "development"
    assert settings["database"]["url"] == "sqlite:///admin_app.db"
    assert settings["database"]["pool_size"] == 10
    assert settings["database"]["pool_pre_ping"] is True
    assert settings["server"] == {
        "host": "127.0.0.1",
        "port": 8080,
        "threads": 8,
        "connection_limit": 100,
        "proxy_hops": 0,
        "max_body_bytes": 1_048_576,
        "channel_timeout": 120,
        "shutdown_grace_seconds": 30,
    }
    assert settings["trash"]["purge_after_days"] == 30
    assert settings["audit"]["retention_days"] == 365


def test_shipped_config_toml_is_valid_and_covers_every_key():
    settings = load_settings(ROOT / "config.toml", environ={})
    assert {section: set(keys) for section, keys in settings.items()} == {
        section: set(keys) for section, keys in SCHEMA.items()
    }
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    for section, keys in SCHEMA.items():
        assert f"[{section}]" in text
        for key in keys:
            assert f"\n{key} = " in text, f"{section}.{key} is not in config.toml"


def test_values_from_the_toml_file(tmp_path):
    path = _toml(
        tmp_path,
        """
[app]
name = "Newsroom"
[database]
url = "postgresql://u@db/office"
pool_size = 3
echo = true
[server]
port = 9000
[trash]
purge_after_days = 7
""",
    )
    settings = _load(path)
    assert settings["app"]["name"] == "Newsroom"
    assert settings["database"]["pool_size"] == 3
    assert settings["database"]["echo"] is True
    assert settings["server"]["port"] == 9000
    assert settings["trash"]["purge_after_days"] == 7
    assert settings["database"]["url"] == "postgresql+psycopg2://u@db/office"
    # Keys the file leaves out keep their defaults.
    assert settings["server"]["threads"] == 8


# --- environment --------------------------------------------------------------------------


def test_environment_beats_the_file_and_overrides_beat_the_environment(tmp_path):
    path = _toml(tmp_path, "[server]\nport = 9000\nthreads = 4\n")
    settings = load_settings(
        path, environ={"PORT": "9100", "THREADS": "6"}, overrides={"server": {"threads": 2}}
    )
    assert settings["server"]["port"] == 9100
    assert settings["server"]["threads"] == 2


def test_short_environment_names(no_file):
    settings = _load(
        no_file,
        DATABASE_URL="postgres://u:p@db/office",
        SECRET_KEY="from-env",
        HOST="0.0.0.0",  # noqa: S104 - a value under test, nothing binds to it
        PORT="8181",
        THREADS="16",
    )
    assert settings["database"]["url"] == "postgresql+psycopg2://u:p@db/office"
    assert settings["app"]["secret_key"] == "from-env"
    assert settings["server"]["host"] == "0.0.0.0"  # noqa: S104
    assert settings["server"]["port"] == 8181
    assert settings["server"]["threads"] == 16


def test_section_key_environment_names_are_typed(no_file):
    settings = _load(
        no_file,
        DATABASE_POOL_SIZE="7",
        DATABASE_POOL_PRE_PING="off",
        DATABASE_ECHO="yes",
        SERVER_CONNECTION_LIMIT="250",
        SECURITY_SECURE_COOKIES="true",
        APP_NAME="Desk",
        AUDIT_RETENTION_DAYS="30",
        DATABASE_RANDOM_PAGE_COST="1.5",
    )
    assert settings["database"]["random_page_cost"] == 1.5
    assert settings["database"]["pool_size"] == 7
    assert isinstance(settings["database"]["pool_size"], int)
    assert settings["database"]["pool_pre_ping"] is False
    assert settings["database"]["echo"] is True
    assert settings["server"]["connection_limit"] == 250
    assert settings["security"]["secure_cookies"] is True
    assert settings["app"]["name"] == "Desk"
    assert settings["audit"]["retention_days"] == 30


def test_unrelated_environment_variables_are_ignored(no_file):
    settings = _load(no_file, PATH="/usr/bin", APP_BOGUS="1", DATABASE="x")
    assert settings == _load(no_file)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "eighty"),
        ("THREADS", "4.5"),
        ("DATABASE_POOL_SIZE", "many"),
        ("DATABASE_ECHO", "maybe"),
        ("SECURITY_SECURE_COOKIES", "2"),
        ("DATABASE_RANDOM_PAGE_COST", "cheap"),
    ],
)
def test_bad_environment_value_names_the_variable(no_file, name, value):
    with pytest.raises(ConfigError, match=name) as caught:
        _load(no_file, **{name: value})
    assert value in caught.value.message


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"DATABASE_POOL_SIZE": "0"}, "database.pool_size"),
        ({"PORT": "0"}, "server.port"),
        ({"THREADS": "-1"}, "server.threads"),
        ({"APP_ENV": "staging"}, "app.env"),
        ({"DATABASE_URL": "not a url"}, "database.url"),
        ({"DATABASE_RANDOM_PAGE_COST": "0"}, "database.random_page_cost"),
    ],
)
def test_unusable_values_name_the_setting(no_file, environ, named):
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        _load(no_file, **environ)


# --- file validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[database]\npoolsize = 3\n", "database.poolsize"),
        ("[server]\nworkers = 3\n", "server.workers"),
        ("[bogus]\nx = 1\n", "bogus"),
        ('[server]\nport = "8080"\n', "server.port"),
        ("[server]\nport = true\n", "server.port"),
        ("[database]\npool_pre_ping = 1\n", "database.pool_pre_ping"),
        ("[database]\npool_size = 2.5\n", "database.pool_size"),
        ("[app]\nname = 3\n", "app.name"),
        ('[database]\nrandom_page_cost = "low"\n', "database.random_page_cost"),
        ("[database]\njit = 1\n", "database.jit"),
        ("server = 1\n", "server"),
    ],
)
def test_bad_toml_names_the_setting(tmp_path, text, named):
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        _load(_toml(tmp_path, text))


def test_broken_toml_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        _load(_toml(tmp_path, "[server\nport = 1\n"))


# --- database URLs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+psycopg2://u:p@h:5432/db"),
        ("postgresql://u:p@h/db", "postgresql+psycopg2://u:p@h/db"),
        ("postgresql+psycopg2://u:p@h/db", "postgresql+psycopg2://u:p@h/db"),
        ("sqlite:///admin_app.db", "sqlite:///admin_app.db"),
    ],
)
def test_postgres_urls_are_pointed_at_psycopg2(no_file, url, expected):
    assert normalise_database_url(url) == expected
    assert _load(no_file, DATABASE_URL=url)["database"]["url"] == expected


def test_mask_url_hides_the_password():
    masked = mask_url(PG_URL)
    assert "s3cret" not in masked
    assert "bob" in masked
    assert "db.example" in masked
    assert "office" in masked


def test_mask_url_hides_an_encoded_password():
    masked = mask_url("postgresql://bob:p%40ss%3Aword@db/office")
    assert "p%40ss" not in masked
    assert "p@ss" not in masked


def test_mask_url_of_garbage_shows_nothing_of_it():
    assert "s3cret" not in mask_url("::bob:s3cret::")


def test_bad_url_error_does_not_leak_the_password(no_file):
    with pytest.raises(ConfigError) as caught:
        _load(no_file, DATABASE_URL="bob:s3cret@db.example")
    assert "s3cret" not in caught.value.message


# --- secret key ---------------------------------------------------------------------------


def _settings(no_file: Path, **app: Any) -> dict[str, dict[str, Any]]:
    return load_settings(no_file, environ={}, overrides={"app": app})


def test_development_secret_key_is_generated_once_and_reused(no_file, tmp_path):
    instance = tmp_path / "instance"
    settings = _settings(no_file)
    first = resolve_secret_key(settings, instance)
    assert len(first) >= 32
    key_file = instance / "secret_key"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert resolve_secret_key(settings, instance) == first
    assert resolve_secret_key(_settings(no_file), instance) == first


def test_configured_secret_key_wins_and_writes_nothing(no_file, tmp_path):
    instance = tmp_path / "instance"
    assert resolve_secret_key(_settings(no_file, secret_key="given"), instance) == "given"
    assert not (instance / "secret_key").exists()


def test_production_without_a_secret_key_refuses_to_start(no_file, tmp_path):
    instance = tmp_path / "instance"
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        resolve_secret_key(_settings(no_file, env="production"), instance)
    assert not (instance / "secret_key").exists()
    key = resolve_secret_key(_settings(no_file, env="production", secret_key="k" * 40), instance)
    assert key == "k" * 40


# --- pool sizing --------------------------------------------------------------------------


def _pool(no_file: Path, url: str, pool_size: int, max_overflow: int, threads: int) -> Any:
    settings = load_settings(
        no_file,
        environ={},
        overrides={
            "database": {"url": url, "pool_size": pool_size, "max_overflow": max_overflow},
            "server": {"threads": threads},
        },
    )
    return warn_if_pool_small(settings)


def test_pool_smaller_than_threads_warns(no_file):
    warning = _pool(no_file, "postgresql://u@h/db", 2, 1, 8)
    assert warning is not None
    assert "3" in warning
    assert "8" in warning


@pytest.mark.parametrize(
    ("url", "pool_size", "max_overflow", "threads"),
    [
        ("postgresql://u@h/db", 5, 3, 8),
        ("postgresql://u@h/db", 10, 5, 8),
        ("postgresql://u@h/db", 1, -1, 64),
        ("sqlite:///x.db", 10, 5, 8),
    ],
)
def test_pool_large_enough_does_not_warn(no_file, url, pool_size, max_overflow, threads):
    assert _pool(no_file, url, pool_size, max_overflow, threads) is None


# --- start-up errors, as a user sees them -------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    names = {f"{section}_{key}".upper() for section, keys in SCHEMA.items() for key in keys}
    names |= {"SECRET_KEY", "HOST", "PORT", "THREADS", "FLASK_APP"}
    env = {name: value for name, value in os.environ.items() if name not in names}
    env.update(extra)
    return env


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), cwd=ROOT, env=_env(**env), capture_output=True, text=True, timeout=60
    )


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


FLASK = str(Path(sys.executable).with_name("flask"))


def test_flask_command_on_unreachable_database_says_so_in_one_masked_line():
    result = _run(FLASK, "--app", "admin_app", "seed", "demo", DATABASE_URL=UNREACHABLE)
    assert result.returncode != 0
    lines = _lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert "s3cret" not in result.stderr + result.stdout
    assert "postgresql+psycopg2://bob:***@127.0.0.1:1/nowhere" in lines[0]
    assert "unreachable" in lines[0]


def test_run_py_on_unreachable_database_exits_2_with_one_line():
    result = _run(sys.executable, "run.py", DATABASE_URL=UNREACHABLE)
    assert result.returncode == 2
    lines = _lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert "bob:***@127.0.0.1:1/nowhere" in lines[0]
    assert "s3cret" not in result.stderr + result.stdout


def test_run_py_with_a_bad_setting_exits_2_naming_it():
    result = _run(sys.executable, "run.py", THREADS="lots")
    assert result.returncode == 2
    assert _lines(result.stderr) == ["admin_app: THREADS: expected a whole number, got 'lots'"]


def test_run_py_with_an_unsupported_database_exits_2_with_one_line():
    # A MySQL URL (driver not shipped) is a bad config like any other: one line, no traceback.
    result = _run(sys.executable, "run.py", DATABASE_URL="mysql://bob:s3cret@127.0.0.1:1/x")
    assert result.returncode == 2, result.stderr[-500:]
    lines = _lines(result.stderr)
    assert len(lines) == 1, result.stderr[-500:]
    assert "s3cret" not in result.stderr
