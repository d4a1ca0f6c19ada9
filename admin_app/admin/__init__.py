"""The Flask-Admin console: one secure base view, a view per model, the dashboard."""

from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from admin_app.admin import clock, errors, menu_cache, static_urls
from admin_app.admin.views.account import AccountView
from admin_app.admin.views.audit import AuditView
from admin_app.admin.views.content import CONTENT_VIEWS
from admin_app.admin.views.dashboard import DashboardView
from admin_app.admin.views.operators import OperatorView
from admin_app.admin.views.pool import PoolView
from admin_app.admin.views.preferences import PreferencesView
from admin_app.admin.views.recycle_bin import RecycleBinView
from admin_app.admin.views.trash import trash_view_for
from admin_app.auth import load_operator_outside_the_pool
from admin_app.extensions import db
from admin_app.models import AuditEntry
from admin_app.models.naming import entity_type


def init_app(app: Flask) -> None:
    console = Admin(
        app,
        name=app.config["APP_NAME"],
        index_view=DashboardView(name="Dashboard", url="/admin", endpoint="admin"),
        theme=Bootstrap4Theme(base_template="admin/console.html", fluid=True),
    )
    for view_class in CONTENT_VIEWS:
        console.add_view(view_class(view_class.model_class, db, category="Content"))
    console.add_view(RecycleBinView(name="Recycle bin", category="Trash", endpoint="trash"))
    for view_class in CONTENT_VIEWS:
        name = entity_type(view_class.model_class)
        trash_view = trash_view_for(view_class)
        console.add_view(
            trash_view(
                trash_view.model_class,
                db,
                name=f"{name.title()}s",
                category="Trash",
                endpoint=f"{name}_trash",
                url=f"/admin/{name}-trash",
            )
        )
    console.add_view(
        AuditView(AuditEntry, db, name="Audit trail", category="Audit", endpoint="audit")
    )
    console.add_view(PoolView(name="Connection pool", category="System", endpoint="pool"))
    console.add_view(OperatorView(OperatorView.model_class, db, category="System"))
    console.add_view(PreferencesView(name="Preferences", endpoint="preferences"))
    console.add_view(AccountView(name="Your account", endpoint="account", url="/admin/account"))
    # The panel must answer while the app's pool is exhausted, its sign-in check included.
    load_operator_outside_the_pool(app, "pool")
    errors.init_app(app, console)
    clock.init_app(app)
    static_urls.init_app(app)
    menu_cache.init_app(app)
    app.extensions["admin_app.console"] = console
