"""Command-line commands: seeding, operators, first-run set-up."""

from __future__ import annotations

from flask import Flask

from admin_app.cli import audit, checks, operator_admin, seeds, tokens, trash


def init_app(app: Flask) -> None:
    app.cli.add_command(seeds.seed)
    operator_admin.operator.add_command(tokens.token)
    app.cli.add_command(operator_admin.operator)  # the group, with the management commands
    app.cli.add_command(trash.trash)
    app.cli.add_command(audit.audit)
    app.cli.add_command(checks.check)
