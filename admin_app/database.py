"""The engine from settings, its pool and the pool's monitor, SQLite pragmas, reachability."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from admin_app.config import ConfigError, Settings, mask_url
from admin_app.extensions import db, migrate
from admin_app.pool import PoolMonitor, TimedQueuePool, application_name, pool_capacity

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_MONITOR_KEY = "admin_app.pool_monitor"


def engine_options(
    settings: Settings, instance_path: Path, *, cli: bool = False
) -> tuple[str, dict[str, Any]]:
    """Return the URL and create_engine keywords the settings ask for (``cli``: the command
    line's statement timeout rather than the web's)."""
    cfg = settings["database"]
    url = make_url(cfg["url"])
    options: dict[str, Any] = {"echo": cfg["echo"], "pool_pre_ping": cfg["pool_pre_ping"]}
    pooled = {
        "poolclass": TimedQueuePool,  # QueuePool plus checkout wait timing
        "pool_size": cfg["pool_size"],
        "max_overflow": cfg["max_overflow"],
        "pool_timeout": cfg["pool_timeout"],
        "pool_recycle": cfg["pool_recycle"],
    }
    if url.get_backend_name() == "sqlite":
        url = _sqlite_under_instance(url, instance_path)
        options["connect_args"] = {"timeout": 15}
        if url.database and url.database != ":memory:":
            options.update(pooled)  # files use a QueuePool in SQLAlchemy 2.x too
        return url.render_as_string(hide_password=False), options
    options.update(pooled)
    if url.get_backend_name() == "postgresql":
        options["connect_args"] = {
            "connect_timeout": cfg["connect_timeout"],
            "application_name": application_name(),
            "options": session_limits(cfg, cli=cli),
        }
    return url.render_as_string(hide_password=False), options


def session_limits(cfg: dict[str, Any], *, cli: bool) -> str:
    """PostgreSQL settings every connection starts with: limits, and how the planner costs.

    Statement, lock and idle limits: one slow statement or forgotten transaction then fails
    alone instead of stalling every request queued behind its locks (0 leaves a limit off).
    The planner: ``random_page_cost`` near 1 says what a console's hot pages are, cached,
    so a correlated lookup walks an index instead of scanning the table once per row (a
    full export ran 3x faster at 1M posts); JIT compiling costs ~100-200 ms a statement,
    longer than a console's statements run, so it is off unless configured.
    """
    statement = cfg["cli_statement_timeout_ms"] if cli else cfg["statement_timeout_ms"]
    limits = {
        "statement_timeout": statement,
        "lock_timeout": cfg["lock_timeout_ms"],
        "idle_in_transaction_session_timeout": cfg["idle_in_transaction_timeout_ms"],
    }
    options = [f"-c {name}={int(value)}" for name, value in limits.items()]
    options.append(f"-c random_page_cost={float(cfg['random_page_cost'])}")
    options.append(f"-c jit={'on' if cfg['jit'] else 'off'}")
    return " ".join(options)


def _sqlite_under_instance(url: Any, instance_path: Path) -> Any:
    name = url.database
    if not name or name == ":memory:" or name.startswith("file:") or Path(name).is_absolute():
        return url
    instance_path.mkdir(parents=True, exist_ok=True)
    return url.set(database=str(instance_path / name))


def init_app(app: Flask, settings: Settings) -> None:
    """Bind the database and migrations to the app; install the SQLite pragmas and the
    pool monitor."""
    # The flask command line builds the app inside a click context; waitress and tests do not.
    cli = click.get_current_context(silent=True) is not None
    url, options = engine_options(settings, Path(app.instance_path), cli=cli)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    # Registered after Flask-SQLAlchemy's, so it runs first (teardowns run in reverse).
    app.teardown_appcontext(_release_session)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
        threads = settings["server"]["threads"]
        app.extensions[_MONITOR_KEY] = PoolMonitor(db.engine, threads=threads)


def _release_session(error: BaseException | None) -> None:
    """End the request's session; a connection the database already dropped is let go.

    Closing rolls back, and a rollback on a connection the server closed raises: after the
    request's answer (a 503) is made, so it must not turn into a 500 on the way out.
    """
    try:
        db.session.remove()
    except DBAPIError as fault:
        if not is_database_fault(fault):
            raise
        db.session.registry.clear()  # the broken session goes; its connection was invalidated


def pool_monitor(app: Flask | None = None) -> PoolMonitor:
    """The monitor of the app's pool (the current app's by default)."""
    return (app or current_app).extensions[_MONITOR_KEY]  # type: ignore[no-any-return]


def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def check_reachable(engine: Engine) -> None:
    """Raise ConfigError naming the (masked) URL when the database does not answer."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise ConfigError(
            f"database {mask_url(str(engine.url))} is unreachable: {reason}"
        ) from None


def warn_if_pool_small(settings: Settings) -> str | None:
    """Say so when waitress threads could wait for connections; return the warning."""
    cfg, threads = settings["database"], settings["server"]["threads"]
    capacity = pool_capacity(cfg["pool_size"], cfg["max_overflow"])
    if cfg["max_overflow"] == -1 or capacity >= threads:
        return None
    message = (
        f"database pool capacity {capacity} (pool_size {cfg['pool_size']} + max_overflow "
        f"{cfg['max_overflow']}) is below server.threads {threads}: requests will queue for "
        "connections under load"
    )
    log.warning(message)
    return message


def is_database_fault(error: BaseException) -> bool:
    """Whether ``error`` says the database (or the way to it) failed, not the request.

    A full pool, a lost or refused connection, a cancelled statement or a lock wait given up.
    """
    if isinstance(error, PoolTimeout | OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated
