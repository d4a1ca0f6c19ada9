"""Layers import downwards only, and every console view is secured."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from admin_app.admin.base import SecureModelView

PACKAGE = Path(__file__).resolve().parent.parent / "admin_app"
WEB_ONLY = (
    "flask_login",
    "flask_admin",
    "flask_wtf",
    "admin_app.admin",
    "admin_app.api",
    "admin_app.auth",
    "admin_app.cli",
    "admin_app.web",
)
# Below the web layer: no web imports, and no Flask request globals. (extensions.py is exempt:
# it only creates the unbound extension objects, the login manager and CSRF among them.)
LOWER_LAYERS = ["models", "trash", "soft_delete", "columns.py", "config.py", "database.py"]
REQUEST_GLOBALS = {"request", "g", "session", "current_user"}


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def _files(layer: str) -> list[Path]:
    target = PACKAGE / layer
    return sorted(target.rglob("*.py")) if target.is_dir() else [target]


@pytest.mark.parametrize("layer", LOWER_LAYERS)
def test_lower_layers_never_reach_up_to_the_web(layer):
    offences = []
    for path in _files(layer):
        for module, names in _imports(path):
            if module.startswith(WEB_ONLY):
                offences.append(f"{path.name} imports {module}")
            if module == "flask" and REQUEST_GLOBALS & set(names):
                offences.append(f"{path.name} imports request globals {names}")
    assert offences == []


def test_models_never_import_services():
    for path in _files("models"):
        for module, _ in _imports(path):
            assert not module.startswith(("admin_app.trash", "seeds")), f"{path.name}: {module}"


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


def test_every_mapped_model_is_audited(migrated_app):
    from admin_app.audit import is_audited
    from admin_app.extensions import db
    from admin_app.models import AuditEntry

    mapped = {mapper.class_ for mapper in db.Model.registry.mappers} - {AuditEntry}
    assert mapped
    assert [cls.__name__ for cls in mapped if not is_audited(cls)] == []
