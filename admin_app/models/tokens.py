"""Operators' API tokens, stored as SHA-256 hashes, and the per-token request windows.

A token is 32 random bytes: no dictionary to guess from, so a plain SHA-256 (not a slow
password hash) is the right way to keep it, and it can be looked up by its hash in one
index probe. The secret is shown once, when it is made, and never stored.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Integer, Select, String, Table, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.columns import UUID, UTCDateTime, utc_now
from admin_app.extensions import db
from admin_app.models.mixins import TimestampMixin, UUIDMixin
from admin_app.models.operators import Operator, Role
from admin_app.models.query import AnySession

PREFIX = "adm_"  # says what a leaked string is, so secret scanners and people recognise it


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(UUIDMixin, TimestampMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "api_tokens"

    operator_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("operators.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the secret, so a list can tell tokens apart without it.
    hint: Mapped[str] = mapped_column(String(16))
    is_read_only: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    operator: Mapped[Operator] = relationship(lazy="joined")

    def __str__(self) -> str:
        return self.label

    def is_usable(self, now: datetime) -> bool:
        """Not revoked, not expired, and its operator still active."""
        expired = self.expires_at is not None and self.expires_at <= now
        return self.revoked_at is None and not expired and bool(self.operator.is_active)

    def grants(self, needed: Role) -> bool:
        """Never more than the operator's role; a read-only token no more than a viewer's."""
        if self.is_read_only and needed.rank > Role.VIEWER.rank:
            return False
        return self.operator.has_role(needed)


def issue_token(
    session: AnySession,
    operator: Operator,
    *,
    label: str,
    expires_at: datetime | None = None,
    read_only: bool = False,
) -> tuple[ApiToken, str]:
    """Make a token for ``operator``; return it and its secret, which exists nowhere else.

    Adds and flushes; the caller commits."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        operator_id=operator.id,
        label=label,
        token_hash=hash_secret(secret),
        hint=secret[: len(PREFIX) + 6],
        is_read_only=read_only,
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    return token, secret


def get_by_secret(session: AnySession, secret: str) -> ApiToken | None:
    return session.scalars(
        select(ApiToken).where(ApiToken.token_hash == hash_secret(secret))
    ).first()


def select_tokens(operator_id: uuid.UUID) -> Select[ApiToken]:
    return (
        select(ApiToken)
        .where(ApiToken.operator_id == operator_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )


def revoke(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utc_now()


# Requests per token in the current window: in the database, so every app process counts
# against the same limit. Bookkeeping, like sign_in_failures: not a model, never audited.
api_request_windows = Table(
    "api_request_windows",
    db.metadata,
    Column(
        "token_id",
        UUID,
        ForeignKey("api_tokens.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("window_started_at", UTCDateTime, nullable=False),
    Column("requests", Integer, nullable=False),
)
