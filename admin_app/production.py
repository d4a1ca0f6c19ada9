"""What production refuses to start with: each weak setting stops start-up with one line
naming its key."""

from __future__ import annotations

from admin_app.config import ConfigError, Settings

MIN_SECRET_LENGTH = 32
MIN_DISTINCT_SECRET_CHARACTERS = 10
# Values seen in tutorials and sample configs; a key an attacker can guess signs any session.
KNOWN_WEAK_SECRETS = frozenset(
    {
        "a",
        "dev",
        "development",
        "secret",
        "secret-key",
        "secret_key",
        "changeme",
        "change-me",
        "changeit",
        "password",
        "test",
        "testing",
        "default",
        "admin",
        "flask",
        "your-secret-key",
    }
)
MIN_PASSWORD_LENGTH = 10
LONGEST_SESSION_MINUTES = 24 * 60


def _weak_secret(key: str) -> bool:
    return (
        key.strip().lower() in KNOWN_WEAK_SECRETS
        or len(key) < MIN_SECRET_LENGTH
        or len(set(key)) < MIN_DISTINCT_SECRET_CHARACTERS
    )


def problems(settings: Settings, *, debug: bool) -> list[str]:
    """Every reason ``settings`` are unfit for production, one line each, naming the key."""
    security, found = settings["security"], []
    key = settings["app"]["secret_key"]
    if key and _weak_secret(key):  # an empty key: resolve_secret_key says it is required
        found.append(
            f"app.secret_key (SECRET_KEY) is weak: use {MIN_SECRET_LENGTH}+ random characters,"
            " e.g. python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if debug:
        found.append("FLASK_DEBUG: debug mode runs code from the error page; turn it off")
    if not security["secure_cookies"] and not security["allow_insecure_cookies"]:
        found.append(
            "security.secure_cookies must be true behind TLS"
            " (or set security.allow_insecure_cookies for a plain-HTTP set-up)"
        )
    if security["min_password_length"] < MIN_PASSWORD_LENGTH:
        found.append(f"security.min_password_length must be at least {MIN_PASSWORD_LENGTH}")
    for key in ("session_minutes", "session_max_minutes"):
        if security[key] > LONGEST_SESSION_MINUTES:
            found.append(f"security.{key} must be at most {LONGEST_SESSION_MINUTES} (a day)")
    return found


def refuse_weak_settings(settings: Settings, *, debug: bool) -> None:
    """Raise ConfigError with the first problem when ``app.env`` is production."""
    if settings["app"]["env"] != "production":
        return
    found = problems(settings, debug=debug)
    if found:
        raise ConfigError(f"refusing to start in production: {found[0]}")
