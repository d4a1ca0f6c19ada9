"""``flask operator token create | list | revoke``: API tokens from the command line.

``create`` prints the secret alone on its last line, so a script can take it with
``tail -n 1``; it is never shown again.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from admin_app.cli.context import start_command
from admin_app.columns import utc_now
from admin_app.extensions import db
from admin_app.models import ApiToken, Operator
from admin_app.models.tokens import issue_token, revoke, select_tokens

MAX_EXPIRY_DAYS = 3650
MAX_LABEL = 80


@click.group("token")
def token() -> None:
    """API tokens of an operator."""


def _find(username: str) -> Operator:
    account = db.session.scalar(select(Operator).filter_by(username=username))
    if account is None:
        raise click.ClickException(f"no operator named {username!r}")
    return account


def _expiry(days: int | None) -> timedelta | None:
    if days is None:
        return None
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        raise click.ClickException(f"--expires-days must be between 1 and {MAX_EXPIRY_DAYS}")
    return timedelta(days=days)


@token.command("create")
@click.argument("username")
@click.option("--name", "label", default="cli", help="A label that says what the token is for.")
@click.option("--expires-days", type=int, default=None, help="Expire after this many days.")
@click.option("--read-only", is_flag=True, help="Allow reads only, whatever the role.")
@with_appcontext
def create(username: str, label: str, expires_days: int | None, read_only: bool) -> None:
    """Make a token for USERNAME; print it once, alone on the last line."""
    start_command()
    account = _find(username)
    label = label.strip()
    if not label or len(label) > MAX_LABEL or "\x00" in label:
        raise click.ClickException(f"--name must be 1 to {MAX_LABEL} characters")
    lifetime = _expiry(expires_days)
    expires_at = utc_now() + lifetime if lifetime else None
    made, secret = issue_token(
        db.session, account, label=label, expires_at=expires_at, read_only=read_only
    )
    db.session.commit()
    until = expires_at.isoformat(timespec="minutes") if expires_at else "never"
    click.echo(f"Token {made.id} ({label}) for {username}, expires {until}. Shown only now:")
    click.echo(secret)


@token.command("list")
@click.argument("username")
@with_appcontext
def list_tokens(username: str) -> None:
    """Print the operator's tokens: id, label, state, expiry, last use."""
    start_command()
    for made in db.session.scalars(select_tokens(_find(username).id)):
        state = "revoked" if made.revoked_at else ("read-only" if made.is_read_only else "full")
        expires = made.expires_at.isoformat(timespec="minutes") if made.expires_at else "never"
        used = made.last_used_at.isoformat(timespec="minutes") if made.last_used_at else "-"
        click.echo(f"{made.id}\t{made.label}\t{made.hint}…\t{state}\t{expires}\t{used}")


@token.command("revoke")
@click.argument("token_id")
@with_appcontext
def revoke_token(token_id: str) -> None:
    """Revoke a token by its id; its next request is refused."""
    start_command()
    try:
        key = uuid.UUID(token_id)
    except ValueError:
        raise click.ClickException(f"{token_id[:40]!r} is not a token id") from None
    made = db.session.get(ApiToken, key)
    if made is None:
        raise click.ClickException(f"no token with id {token_id}")
    if made.revoked_at is None:
        revoke(made)
        db.session.commit()
    click.echo(f"Token {made.id} ({made.label}) of {made.operator.username} is revoked.")
