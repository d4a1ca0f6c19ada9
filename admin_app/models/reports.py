"""Read-only reports for the dashboard: overdue tasks, recent delete batches, activity per day."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import String, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from admin_app.columns import utc_now
from admin_app.models.activity import rebuild, select_days, select_trashed
from admin_app.models.naming import entity_type
from admin_app.models.query import AnySession
from admin_app.models.tasks import Task
from admin_app.models.users import User


class utc_day(FunctionElement[str]):  # noqa: N801 - reads as a SQL function
    """The UTC calendar day of a timestamp column, as ``YYYY-MM-DD`` text on both engines."""

    type = String()
    inherit_cache = True


@compiles(utc_day, "postgresql")
def _pg_utc_day(element: Any, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return f"to_char({compiler.process(column, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


@compiles(utc_day, "sqlite")
def _sqlite_utc_day(element: Any, compiler: Any, **kw: Any) -> str:
    # SQLite keeps UTCDateTime as naive UTC text, so the day is its first ten characters.
    (column,) = element.clauses
    return f"substr({compiler.process(column, **kw)}, 1, 10)"


@dataclass(frozen=True)
class OverdueTask:
    id: uuid.UUID
    title: str
    assignee: str | None
    due_at: datetime
    days_overdue: int


def overdue_tasks(session: AnySession, *, limit: int = 10) -> list[OverdueTask]:
    """Return the open tasks furthest past due, most overdue first, in one query."""
    stmt = (
        select(Task.id, Task.title, User.username, Task.due_at, Task.days_overdue)
        # Outer join: a task whose assignee is in the trash is still overdue.
        .outerjoin(Task.assignee)
        .where(Task.is_overdue)
        .order_by(Task.due_at, Task.id)
        .limit(limit)
    )
    return [OverdueTask(*row) for row in session.execute(stmt)]


@dataclass
class DeleteBatch:
    """One delete: when, by whom, and how many records of each model it moved to the trash."""

    id: uuid.UUID
    deleted_at: datetime
    deleted_by: str | None
    counts: dict[str, int] = field(default_factory=dict)
    label: str | None = None  # the deleted record's text when the batch has one root record

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class DailyActivity:
    """Records created and records deleted on each UTC day, oldest day first; zeros included."""

    days: list[date]
    created: list[int]
    deleted: list[int]


def activity_by_day(
    session: AnySession, models: list[Any], *, days: int = 30, now: datetime | None = None
) -> DailyActivity:
    """Records created and records moved to the trash per UTC day, both from rollups.

    Deletions are the audit trail's moves into the trash (``daily_trashed``, kept by a trigger
    on the trail), so a later restore or purge does not erase them; the activity rollup's own
    deleted column counts what is still in the trash and is not used here.
    """
    today = (now or utc_now()).astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    tables = [model.__tablename__ for model in models]
    connection = session.connection()
    rows = connection.execute(select_days(tables, first.isoformat()))
    created = {day: int(made) for day, made, _ in rows}
    types = [entity_type(model) for model in models]
    gone = {day: int(n) for day, n in connection.execute(select_trashed(types, first.isoformat()))}
    span = [first + timedelta(days=offset) for offset in range(days)]
    return DailyActivity(
        days=span,
        created=[created.get(day.isoformat(), 0) for day in span],
        deleted=[gone.get(day.isoformat(), 0) for day in span],
    )


def rebuild_activity(session: AnySession, models: list[Any]) -> None:
    """Recount the daily rollup from the tables themselves; never commits."""
    rebuild(session, models, utc_day)
