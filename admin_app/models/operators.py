"""Operators: the people who sign in to the console, with their roles."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from admin_app.columns import UTCDateTime
from admin_app.extensions import db
from admin_app.models.mixins import TimestampMixin, UUIDMixin
from admin_app.models.naming import Named


class Role(enum.StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class Operator(Named, UUIDMixin, TimestampMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "operators"
    __table_args__ = (CheckConstraint("role IN ('viewer', 'editor', 'admin')", name="role_known"),)
    __label__ = "username"

    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.VIEWER)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How this operator reads times; everything is stored in UTC.
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # Part of every session's identity: raising it ends all of this operator's sessions.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Two-factor sign-in: the TOTP secret (set at enrolment, in force once confirmed), the
    # last time step a code was accepted for (no code works twice), and the recovery codes'
    # SHA-256 hashes (each works once).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    recovery_codes: Mapped[list[Any] | None] = mapped_column(JSON)
    # Moves on every change an admin makes (models/accounts.py says which), not on sign-ins or
    # preferences: an admin's form opened before the operator signed in is not stale.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    def set_password(self, password: str) -> None:
        # scrypt, werkzeug's default: memory-hard, salted, parameters stored in the hash.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def uses_two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    def has_role(self, needed: Role) -> bool:
        return Role(self.role).rank >= needed.rank

    # The four members Flask-Login asks of a user object, without importing it here.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # The epoch rides in the session, so a bump refuses every cookie issued before it.
        return f"{self.id}.{self.session_epoch or 0}"

    def end_sessions(self) -> None:
        """Refuse every session issued so far (sign-out everywhere, new password, new role)."""
        self.session_epoch = (self.session_epoch or 0) + 1
