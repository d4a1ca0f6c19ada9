"""``flask operator``: create operators and make sure a first admin exists."""

from __future__ import annotations

import os
import secrets
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from admin_app.cli.context import start_command
from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models import Operator, Role


@click.group()
def operator() -> None:
    """Manage the operators who sign in to the console."""


def read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def check_password_length(password: str) -> None:
    minimum = settings_of(current_app)["security"]["min_password_length"]
    if len(password) < minimum:
        raise click.ClickException(f"password must be at least {minimum} characters")


def create_operator(username: str, role: Role, password: str) -> Operator:
    """Add an operator after checking the name is free and the password long enough."""
    if not username.strip() or len(username) > 80:
        raise click.ClickException("username must be 1 to 80 characters")
    check_password_length(password)
    if db.session.scalar(select(Operator).filter_by(username=username)):
        raise click.ClickException(f"operator {username!r} already exists")
    account = Operator(username=username, role=role.value)
    account.set_password(password)
    db.session.add(account)
    return account


@operator.command("create")
@click.argument("username")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default="viewer", show_default=True
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create(username: str, role: str, password_stdin: bool) -> None:
    """Create an operator; the password is prompted for, or read from standard input."""
    start_command()
    create_operator(username.strip(), Role(role), read_password(password_stdin))
    db.session.commit()
    click.echo(f"Created {role} {username}.")


@operator.command("ensure-admin")
@click.option("--username", default="admin", show_default=True)
@with_appcontext
def ensure_admin(username: str) -> None:
    """Create the first admin if there is no operator yet (password from ADMIN_PASSWORD)."""
    start_command()
    if db.session.scalar(select(func.count()).select_from(Operator)):
        return
    password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
    create_operator(username, Role.ADMIN, password)
    db.session.commit()
    settings = settings_of(current_app)["server"]
    url = f"http://{settings['host']}:{settings['port']}/admin/"
    shown = "from ADMIN_PASSWORD" if os.environ.get("ADMIN_PASSWORD") else password
    click.echo(f"First operator created: {username} / {shown}  (sign in at {url})")
