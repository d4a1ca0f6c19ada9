"""Load config.toml, apply environment overrides and validate every key."""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "config.toml"

# Every known key with its type and default: the single source of truth for validation.
SCHEMA: dict[str, dict[str, tuple[type, Any]]] = {
    "app": {
        "env": (str, "development"),
        "secret_key": (str, ""),
        "name": (str, "admin_app"),
        "api_per_page": (int, 20),
        "api_max_per_page": (int, 100),
        "api_rate_limit": (int, 600),
        "api_rate_window_seconds": (int, 60),
    },
    "database": {
        "url": (str, "sqlite:///admin_app.db"),
        "pool_size": (int, 10),
        "max_overflow": (int, 5),
        "pool_timeout": (int, 10),
        "pool_recycle": (int, 1800),
        "pool_pre_ping": (bool, True),
        "echo": (bool, False),
        "connect_timeout": (int, 5),
        "statement_timeout_ms": (int, 30_000),
        "cli_statement_timeout_ms": (int, 0),
        "lock_timeout_ms": (int, 5_000),
        "idle_in_transaction_timeout_ms": (int, 60_000),
        "random_page_cost": (float, 1.1),
        "jit": (bool, False),
    },
    "server": {
        "host": (str, "127.0.0.1"),
        "port": (int, 8080),
        "threads": (int, 8),
        "connection_limit": (int, 100),
        "proxy_hops": (int, 0),
        "max_body_bytes": (int, 1_048_576),
        "channel_timeout": (int, 120),
        "shutdown_grace_seconds": (int, 30),
    },
    "security": {
        "session_minutes": (int, 480),
        "session_max_minutes": (int, 720),
        "secure_cookies": (bool, False),
        "allow_insecure_cookies": (bool, False),
        "require_2fa_for_admins": (bool, False),
        "min_password_length": (int, 10),
        "signin_account_limit": (int, 5),
        "signin_address_limit": (int, 8),
        "signin_window_minutes": (int, 15),
        "signin_lock_seconds": (int, 30),
        "signin_lock_max_seconds": (int, 900),
    },
    "lists": {
        "count_threshold": (int, 10_000),
        "max_offset_rows": (int, 10_000),
        "export_max_rows": (int, 0),
    },
    "trash": {"purge_after_days": (int, 30)},
    "audit": {"retention_days": (int, 365)},
}
SHORT_ENV_NAMES = {
    "SECRET_KEY": ("app", "secret_key"),
    "HOST": ("server", "host"),
    "PORT": ("server", "port"),
    "THREADS": ("server", "threads"),
}
ENVIRONMENTS = ("development", "production")
SETTINGS_KEY = "admin_app.settings"


class ConfigError(click.ClickException):
    """A setting is unknown, of the wrong type, or unusable; the message names it.

    A ClickException, so the ``flask`` command line prints it as one line and exits non-zero.
    """

    exit_code = 2


Settings = dict[str, dict[str, Any]]


def load_settings(
    path: Path | None = None,
    *,
    environ: dict[str, str] | None = None,
    overrides: Settings | None = None,
) -> Settings:
    """Return validated settings: defaults, then the TOML file, then env, then overrides."""
    settings = {section: {k: d for k, (_, d) in keys.items()} for section, keys in SCHEMA.items()}
    _merge(settings, _read_toml(path or DEFAULT_PATH), source="config.toml")
    _merge(settings, _from_environ(os.environ if environ is None else environ), source="env")
    _merge(settings, overrides or {}, source="overrides")
    _check_values(settings)
    settings["database"]["url"] = normalise_database_url(settings["database"]["url"])
    return settings


def _read_toml(path: Path) -> Settings:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: not valid TOML ({exc})") from exc


def _from_environ(environ: Any) -> Settings:
    found: Settings = {}
    for section, keys in SCHEMA.items():
        for key in keys:
            name = f"{section}_{key}".upper()
            if name in environ:
                found.setdefault(section, {})[key] = _parse_env(name, environ[name], section, key)
    for name, (section, key) in SHORT_ENV_NAMES.items():
        if name in environ:
            found.setdefault(section, {})[key] = _parse_env(name, environ[name], section, key)
    return found


def _parse_env(name: str, raw: str, section: str, key: str) -> Any:
    kind = SCHEMA[section][key][0]
    if kind is bool:
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name}: expected true or false, got {raw!r}")
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{name}: expected a whole number, got {raw!r}") from None
    if kind is float:
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"{name}: expected a number, got {raw!r}") from None
    return raw


def _merge(settings: Settings, incoming: Settings, *, source: str) -> None:
    for section, values in incoming.items():
        if section not in SCHEMA:
            raise ConfigError(f"{source}: unknown section [{section}]")
        if not isinstance(values, dict):
            raise ConfigError(f"{source}: [{section}] must be a table")
        for key, value in values.items():
            if key not in SCHEMA[section]:
                raise ConfigError(f"{source}: unknown key {section}.{key}")
            _check_type(section, key, value, source)
            settings[section][key] = value


def _check_type(section: str, key: str, value: Any, source: str) -> None:
    kind = SCHEMA[section][key][0]
    # bool is a subclass of int: "port = true" must not pass as a number. A float key takes
    # a whole number too ("random_page_cost = 4").
    kinds = (int, float) if kind is float else kind
    wrong = isinstance(value, bool) != (kind is bool) or not isinstance(value, kinds)
    if wrong:
        raise ConfigError(
            f"{source}: {section}.{key} must be {kind.__name__}, got {type(value).__name__}"
        )


def _check_values(settings: Settings) -> None:
    if settings["app"]["env"] not in ENVIRONMENTS:
        raise ConfigError(f"app.env must be one of {', '.join(ENVIRONMENTS)}")
    positive = [("database", "pool_size"), ("server", "port"), ("server", "threads")]
    positive += [("server", "max_body_bytes")]
    positive += [("app", "api_per_page"), ("app", "api_max_per_page")]
    positive += [("app", "api_rate_limit"), ("app", "api_rate_window_seconds")]
    for section, key in positive:
        if settings[section][key] < 1:
            raise ConfigError(f"{section}.{key} must be at least 1")
    for key in ("statement_timeout_ms", "cli_statement_timeout_ms", "lock_timeout_ms"):
        if settings["database"][key] < 0:
            raise ConfigError(f"database.{key} must be 0 (no limit) or more")
    if not settings["database"]["random_page_cost"] > 0:
        raise ConfigError("database.random_page_cost must be more than 0")
    if settings["database"]["idle_in_transaction_timeout_ms"] < 0:
        raise ConfigError("database.idle_in_transaction_timeout_ms must be 0 (no limit) or more")
    if (
        settings["server"]["channel_timeout"] < 1
        or settings["server"]["shutdown_grace_seconds"] < 0
    ):
        raise ConfigError(
            "server.channel_timeout must be at least 1, shutdown_grace_seconds 0 or more"
        )
    if settings["database"]["max_overflow"] < -1:
        raise ConfigError("database.max_overflow must be -1 (unlimited) or more")


def normalise_database_url(url: str) -> str:
    """Point postgres URLs at psycopg2, which we ship (SQLAlchemy 2.1 defaults to psycopg 3)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg2://" + url[len(prefix) :]
    try:
        make_url(url).get_dialect().import_dbapi()
    except ArgumentError:
        raise ConfigError(f"database.url is not a database URL: {mask_url(url)}") from None
    except (NoSuchModuleError, ImportError):
        raise ConfigError(
            f"database.url: no driver installed for {mask_url(url)}; use sqlite:// or postgresql://"
        ) from None
    return url


def mask_url(url: str) -> str:
    """Return the URL with its password hidden, safe to print or log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def resolve_secret_key(settings: Settings, instance_path: Path) -> str:
    """Return the configured key; in development create one once under instance/."""
    key = settings["app"]["secret_key"]
    if key:
        return str(key)
    if settings["app"]["env"] == "production":
        raise ConfigError("app.secret_key (SECRET_KEY) is required when app.env is production")
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def settings_of(app: Any) -> Settings:
    """The validated settings an app was built with."""
    return app.extensions[SETTINGS_KEY]  # type: ignore[no-any-return]
