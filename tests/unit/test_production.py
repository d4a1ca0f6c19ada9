"""Production refuses weak settings: each stops start-up with one line naming its key."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from flask import request

from admin_app.config import ROOT, ConfigError
from tests.conftest import PRODUCTION, make_app


def _production(tmp_path: Any, **sections: dict[str, Any]) -> Any:
    merged = {section: dict(values) for section, values in PRODUCTION.items()}
    for section, values in sections.items():
        merged.setdefault(section, {}).update(values)
    return make_app(f"sqlite:///{tmp_path / 'prod.db'}", **merged)


def test_good_production_settings_start(tmp_path):
    app = _production(tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not app.debug


@pytest.mark.parametrize("key", ["a", "changeme", "secret", "dev", "short-but-random-9f3a"])
def test_a_short_or_known_weak_secret_key_is_refused(tmp_path, key):
    with pytest.raises(ConfigError, match=r"app\.secret_key \(SECRET_KEY\) is weak"):
        _production(tmp_path, app={"secret_key": key})


def test_a_long_secret_of_few_characters_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"app\.secret_key"):
        _production(tmp_path, app={"secret_key": "ab" * 30})


def test_debug_mode_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(ConfigError, match="FLASK_DEBUG"):
        _production(tmp_path)


def test_insecure_cookies_are_refused_unless_explicitly_allowed(tmp_path):
    with pytest.raises(ConfigError, match=r"security\.secure_cookies"):
        _production(tmp_path, security={"secure_cookies": False})
    plain_http = {"secure_cookies": False, "allow_insecure_cookies": True}
    assert _production(tmp_path, security=plain_http).config["SESSION_COOKIE_SECURE"] is False


def test_a_minimum_password_length_under_ten_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"security\.min_password_length"):
        _production(tmp_path, security={"min_password_length": 1})


@pytest.mark.parametrize("key", ["session_minutes", "session_max_minutes"])
def test_a_session_longer_than_a_day_is_refused(tmp_path, key):
    with pytest.raises(ConfigError, match=rf"security\.{key} must be at most 1440"):
        _production(tmp_path, security={key: 10 * 365 * 24 * 60})


def test_development_accepts_what_production_refuses(tmp_path):
    app = make_app(
        f"sqlite:///{tmp_path / 'dev.db'}",
        app={"secret_key": "dev"},
        security={"min_password_length": 1, "session_minutes": 100_000},
    )
    assert app.config["SECRET_KEY"] == "dev"


def test_the_command_line_prints_one_line_and_exits_non_zero(tmp_path):
    environ = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": "changeme",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "admin_app", "operator", "list"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "app.secret_key (SECRET_KEY) is weak" in lines[0]


def test_proxy_fix_trusts_the_configured_hops_only(tmp_path):
    seen = []
    for hops in (0, 1):
        app = make_app(f"sqlite:///{tmp_path / f'p{hops}.db'}", server={"proxy_hops": hops})
        app.add_url_rule("/peer", "peer", lambda: seen.append(request.remote_addr) or "")
        app.test_client().get("/peer", headers={"X-Forwarded-For": "198.51.100.7"})
    assert seen == ["127.0.0.1", "198.51.100.7"]
