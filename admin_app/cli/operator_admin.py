"""``flask operator list | set-role | reset-password | deactivate | activate | recover``.

Every change is audited with the CLI actor; the last active admin is never demoted or
deactivated (``models.accounts`` refuses the flush, and the command says so in one line).
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, select

from admin_app.cli.context import start_command
from admin_app.cli.operators import check_password_length, operator, read_password
from admin_app.extensions import db
from admin_app.models import LastAdminError, Operator, Role, throttle


def _role(value: str) -> str:
    # Not click.Choice: a usage error prints three lines, and bad input gets one.
    if value not in {r.value for r in Role}:
        raise click.ClickException(
            f"unknown role {value!r}: use one of {', '.join(r.value for r in Role)}"
        )
    return value


def _find(username: str) -> Operator:
    account = db.session.scalar(select(Operator).filter_by(username=username))
    if account is None:
        raise click.ClickException(f"no operator named {username!r}")
    return account


def _commit(message: str) -> None:
    try:
        db.session.commit()
    except LastAdminError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    click.echo(message)


@operator.command("list")
@with_appcontext
def list_operators() -> None:
    """Print every operator: name, role, active or not, last sign-in."""
    start_command()
    for account in db.session.scalars(select(Operator).order_by(Operator.username)):
        state = "active" if account.is_active else "inactive"
        last = account.last_login_at.isoformat(timespec="minutes") if account.last_login_at else "-"
        click.echo(f"{account.username}\t{account.role}\t{state}\t{last}")


@operator.command("set-role")
@click.argument("username")
@click.argument("role")
@with_appcontext
def set_role(username: str, role: str) -> None:
    """Give an operator another role; their sessions end."""
    start_command()
    _find(username).role = _role(role)
    _commit(f"{username} is now {role}.")


@operator.command("reset-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def reset_password(username: str, password_stdin: bool) -> None:
    """Set a new password; the operator's sessions end."""
    start_command()
    account = _find(username)
    password = read_password(password_stdin)
    check_password_length(password)
    account.set_password(password)
    _commit(f"Password of {username} reset.")


@operator.command("deactivate")
@click.argument("username")
@with_appcontext
def deactivate(username: str) -> None:
    """Stop an operator from signing in; their sessions end."""
    start_command()
    _find(username).is_active = False
    _commit(f"{username} deactivated.")


@operator.command("activate")
@click.argument("username")
@with_appcontext
def activate(username: str) -> None:
    """Let a deactivated operator sign in again."""
    start_command()
    _find(username).is_active = True
    _commit(f"{username} activated.")


@operator.command("recover")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def recover(username: str, password_stdin: bool) -> None:
    """Locked out of the console: make USERNAME an active admin with a new password and no
    two-factor sign-in, and forget every failed sign-in."""
    start_command()
    account = _find(username)
    password = read_password(password_stdin)
    check_password_length(password)
    account.set_password(password)
    account.role, account.is_active = Role.ADMIN.value, True
    account.totp_secret = account.totp_enabled_at = account.recovery_codes = None
    db.session.execute(delete(throttle.sign_in_failures))
    _commit(
        f"{username} is an active admin with a new password and two-factor sign-in off;"
        " failed sign-ins forgotten."
    )
