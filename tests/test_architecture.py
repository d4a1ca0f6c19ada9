"""The layers import downwards only, the code stays small, and every console view is secured.

Each unit of ``admin_app`` (a package or a top-level module) lists the units it may import;
services and the layers below them never import web code.
"""

from __future__ import annotations

import ast
import shutil
import statistics
from pathlib import Path

import pytest

from admin_app.admin.base import SecureModelView
from admin_app.admin.views.content import ContentView
from admin_app.admin.views.trash import TrashModelView
from admin_app.soft_delete import is_soft_deletable

PACKAGE = Path(__file__).resolve().parent.parent / "admin_app"
# Below the web layer, bottom first. Each may import only the units listed for it.
BELOW_WEB: dict[str, set[str]] = {
    "config": set(),
    "columns": set(),
    "pool": set(),
    "serving": set(),
    "production": {"config"},
    "soft_delete": {"columns"},
    "extensions": {"soft_delete"},
    "database": {"config", "extensions", "pool"},
    "models": {"columns", "extensions", "soft_delete"},
    "audit": {"columns", "extensions", "models", "soft_delete"},
    "trash": {"audit", "columns", "extensions", "models", "soft_delete"},
    "undo": {"audit", "models", "soft_delete", "trash"},
}
LOWER = set(BELOW_WEB)
MAY_IMPORT: dict[str, set[str]] = {
    **BELOW_WEB,
    # The web layer and the command line: anything below; the web units share auth.
    "auth": LOWER,
    "cli": LOWER,
    "web": LOWER | {"auth"},
    "health": LOWER | {"auth"},
    "api": LOWER | {"auth"},
    "admin": LOWER | {"auth"},
    # create_app wires everything.
    "__init__": LOWER | {"auth", "cli", "web", "health", "api", "admin"},
}
WEB_LIBRARIES = ("flask_login", "flask_admin", "flask_wtf", "wtforms")
REQUEST_GLOBALS = {"request", "g", "session", "current_user"}
# extensions.py only creates the unbound extension objects, the login manager among them.
WEB_FREE = LOWER - {"extensions"}


def unit_of(path: Path, root: Path) -> str:
    parts = path.relative_to(root).parts
    return "__init__" if parts == ("__init__.py",) else parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def _imported_units(module: str, names: list[str]) -> set[str]:
    if module == "admin_app":
        return set(names)
    return {module.split(".")[1]} if module.startswith("admin_app.") else set()


def violations(root: Path) -> list[str]:
    """Every import in the package under ``root`` that breaks a layer contract."""
    found = []
    for path in sorted(root.rglob("*.py")):
        unit, where = unit_of(path, root), path.relative_to(root)
        allowed = MAY_IMPORT.get(unit)
        if allowed is None:
            found.append(f"{where}: {unit} has no layer contract")
            continue
        for module, names in _imports(path):
            for target in _imported_units(module, names) - {unit} - allowed:
                found.append(f"{where}: {unit} imports {target}")
            if unit in WEB_FREE and module.startswith(WEB_LIBRARIES):
                found.append(f"{where}: {unit} imports web library {module}")
            if unit in WEB_FREE and module == "flask" and REQUEST_GLOBALS & set(names):
                found.append(f"{where}: {unit} imports request globals {sorted(names)}")
    return found


def test_every_import_points_down():
    assert violations(PACKAGE) == []


@pytest.mark.parametrize(
    ("path", "line", "expected"),
    [
        ("pool/collector.py", "import flask_login", "pool imports web library flask_login"),
        ("audit/changes.py", "from flask_admin import expose", "audit imports web library"),
        ("trash/service.py", "from flask import request", "trash imports request globals"),
        ("soft_delete/mixin.py", "from flask_wtf import FlaskForm", "soft_delete imports web"),
        ("models/posts.py", "from admin_app.trash import purge", "models imports trash"),
        ("models/tasks.py", "from admin_app import audit", "models imports audit"),
        ("models/users.py", "import admin_app.pool.collector", "models imports pool"),
        ("audit/context.py", "from admin_app.auth import roles", "audit imports auth"),
        ("pool/server.py", "from admin_app.models import Post", "pool imports models"),
        ("database.py", "from admin_app.admin import base", "database imports admin"),
    ],
)
def test_the_guard_catches_an_upward_import(tmp_path, path, line, expected):
    copy = tmp_path / "admin_app"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / path
    target.write_text(target.read_text() + f"\n{line}\n")
    found = violations(copy)
    assert any(expected in problem for problem in found), found


def _functions(path: Path) -> list[tuple[str, int]]:
    return [
        (
            f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}",
            node.end_lineno - node.lineno + 1,
        )
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def test_no_function_is_longer_than_40_lines():
    long = [
        f"{name}: {lines}"
        for path in PACKAGE.rglob("*.py")
        for name, lines in _functions(path)
        if lines > 40
    ]
    assert long == []


def test_modules_stay_small():
    sizes = [len(path.read_text().splitlines()) for path in PACKAGE.rglob("*.py")]
    assert statistics.median(sizes) <= 100
    assert max(sizes) <= 400


def test_every_console_view_refuses_anonymous_visitors(migrated_app):
    console = migrated_app.extensions["admin_app.console"]
    assert len(console._views) > 10
    with migrated_app.test_request_context("/admin/"):
        open_views = [type(view).__name__ for view in console._views if view.is_accessible()]
    assert open_views == []


def test_every_model_view_builds_on_the_secure_base(migrated_app):
    console = migrated_app.extensions["admin_app.console"]
    model_views = [view for view in console._views if hasattr(view, "model")]
    assert model_views
    for view in model_views:
        assert isinstance(view, SecureModelView), type(view).__name__


def test_soft_deletable_models_are_shown_by_content_or_trash_views(migrated_app):
    console = migrated_app.extensions["admin_app.console"]
    for view in console._views:
        if hasattr(view, "model") and is_soft_deletable(view.model):
            assert isinstance(view, ContentView | TrashModelView), type(view).__name__


def test_every_mapped_model_is_audited(migrated_app):
    from admin_app.audit import is_audited
    from admin_app.extensions import db
    from admin_app.models import AuditEntry, BulkJob

    # Bookkeeping, not records: a bulk job's work is audited row by row.
    mapped = {mapper.class_ for mapper in db.Model.registry.mappers} - {AuditEntry, BulkJob}
    assert mapped
    assert [cls.__name__ for cls in mapped if not is_audited(cls)] == []
