"""Fixtures: one migrated database per engine and worker, an app per engine, clean rows per test."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from admin_app import create_app
from admin_app.audit import pruning
from admin_app.extensions import db
from admin_app.models import AuditEntry, Operator, Role, counts
from admin_app.trash import TrashBatch, soft_delete

ENGINES = ("sqlite", "postgresql")
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "correct horse battery"
# Settings production accepts: a strong key and cookies for HTTPS only.
PRODUCTION = {
    "app": {"env": "production", "secret_key": "3f9c1a7e5b2d8064c1e9a3f7b5d2086e4c1a9f3b"},
    "security": {"secure_cookies": True},
}


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def postgres_url(label: str = "") -> str:
    """Create a fresh database for this worker; fail under CI, skip elsewhere, if PG is down."""
    name = f"admin_app_test_{label}{os.environ.get('TEST_DB_SUFFIX', '')}{_worker()}"
    admin_url = PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg2://", 1)
    try:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    except OperationalError as exc:
        message = f"PostgreSQL is needed at {PG_ADMIN_URL}: {exc.orig}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def database_url(engine_name: str, tmp_dir: Path) -> str:
    if engine_name == "sqlite":
        return f"sqlite:///{tmp_dir / 'test.db'}"
    return postgres_url()


def make_app(url: str, **sections: dict[str, Any]) -> Flask:
    overrides: dict[str, dict[str, Any]] = {
        "app": {"secret_key": "test-secret-key", "env": "development"},
        "database": {"url": url, "pool_size": 5, "max_overflow": 5},
    }
    for section, values in sections.items():
        overrides.setdefault(section, {}).update(values)
    return create_app(overrides)


class FreshContextClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The ``app`` fixture keeps an app context pushed for the whole test; a plain test client
    reuses it, so ``g`` (where Flask-Login caches the signed-in user) and ``db.session``
    would carry over from one request to the next and hide sign-out and role bugs.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session", params=ENGINES)
def migrated_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """An app on a freshly migrated database, one per engine (and xdist worker)."""
    url = database_url(request.param, tmp_path_factory.mktemp(request.param))
    app = make_app(url)
    app.test_client_class = FreshContextClient
    with app.app_context():
        upgrade()
    return app


# Tables whose planner statistics still count rows (a test ran ANALYZE on loaded data).
STALE_STATISTICS = text(
    "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > 0 "
    "AND relnamespace = 'public'::regnamespace"
)


def _clear(app: Flask) -> None:
    with app.app_context(), db.engine.begin() as connection, pruning(connection):
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        if connection.dialect.name == "postgresql":
            # Left as they were, a later test's list would estimate thousands of rows that
            # are gone, and show "about 2,700" where it made 45.
            for name in connection.execute(STALE_STATISTICS).scalars():
                connection.execute(text(f'ANALYZE "{name}"'))
    counts.invalidate()


@pytest.fixture
def app(migrated_app: Flask) -> Iterator[Flask]:
    """The engine's app inside an app context; every row is gone again after the test."""
    with migrated_app.app_context():
        yield migrated_app
        db.session.rollback()
        db.session.remove()
    _clear(migrated_app)


@pytest.fixture
def session(app: Flask) -> Any:
    return db.session


@pytest.fixture
def dialect(app: Flask) -> str:
    return str(db.engine.dialect.name)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def make_operator(username: str, role: Role, password: str = PASSWORD) -> Operator:
    operator = Operator(username=username, role=role.value)
    operator.set_password(password)
    db.session.add(operator)
    db.session.commit()
    return operator


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    token = csrf_token(client)
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


@pytest.fixture
def as_role(client: FlaskClient) -> Any:
    """``as_role(Role.EDITOR)`` signs the client in as a fresh operator with that role."""

    def sign_in_as(role: Role) -> Operator:
        operator = make_operator(f"{role.value}-op", role)
        response = sign_in(client, operator.username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return operator

    return sign_in_as


class AuditLog:
    """The committed audit trail, as a test reads it."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def entries(self, after: Any = frozenset(), **where: Any) -> list[AuditEntry]:
        """Committed entries matching ``where``, oldest first, leaving out the ids in ``after``."""
        self.session.rollback()  # read what was committed, nothing pending
        stmt = select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)
        return [entry for entry in self.session.scalars(stmt) if entry.id not in after]

    def seen(self) -> set[Any]:
        """Commit, then the ids of every entry so far: pass them as ``after`` later."""
        self.session.commit()
        return set(self.session.scalars(select(AuditEntry.id)))


@pytest.fixture
def audit_log(session: Any) -> AuditLog:
    return AuditLog(session)


@pytest.fixture
def trash(session: Any) -> Any:
    """``trash(*records)`` moves them (and what they own) to the trash in one committed batch."""

    def move(*records: Any) -> TrashBatch:
        batch = soft_delete(session, records)
        session.commit()
        return batch

    return move
