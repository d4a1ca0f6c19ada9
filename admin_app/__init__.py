"""admin_app: a back-office for Flask teams. ``create_app`` wires the subsystems."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from admin_app import (
    admin,
    api,
    audit,
    auth,
    cli,
    database,
    health,
    models,
    production,
    soft_delete,
    web,
)
from admin_app.config import ROOT, SETTINGS_KEY, Settings, load_settings, resolve_secret_key
from admin_app.extensions import csrf


def create_app(overrides: Settings | None = None, *, config_path: Path | None = None) -> Flask:
    """Build the app from config.toml, the environment and ``overrides`` (tests use these)."""
    settings = load_settings(config_path, overrides=overrides)
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    production.refuse_weak_settings(settings, debug=app.debug)
    app.config.update(_flask_config(settings, Path(app.instance_path)))
    if hops := settings["server"]["proxy_hops"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.extensions[SETTINGS_KEY] = settings
    database.init_app(app, settings)
    # SQLAlchemy listeners are global and attach once. Soft-delete scoping goes first, so
    # the audit's bulk UPDATE/DELETE listener sees each statement as it will run.
    soft_delete.register()
    models.register()
    audit.register()
    csrf.init_app(app)
    web.init_app(app)
    auth.init_app(app)
    admin.init_app(app)
    api.init_app(app)
    health.init_app(app)
    cli.init_app(app)
    return app


def _flask_config(settings: Settings, instance_path: Path) -> dict[str, Any]:
    security = settings["security"]
    return {
        "SECRET_KEY": resolve_secret_key(settings, instance_path),
        "APP_NAME": settings["app"]["name"],
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=security["session_minutes"]),
        "SESSION_COOKIE_SECURE": security["secure_cookies"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": security["secure_cookies"],
        # A token lives no longer than an idle session; begin() replaces it at each sign-in.
        "WTF_CSRF_TIME_LIMIT": security["session_minutes"] * 60,
        "MAX_CONTENT_LENGTH": settings["server"]["max_body_bytes"],
    }
