"""Audit listener overhead: N ORM updates with and without auditing, same run, same database.

Usage: python -m bench.audit_overhead [--rows 10000] [--database-url URL]
Rounds alternate (audited, plain, audited, plain...) and the best of each is compared, so
warm-up and background noise hit both sides alike.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask_migrate import upgrade
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from admin_app import create_app
from admin_app.audit import listeners
from admin_app.audit.prune import pruning
from admin_app.columns import utc_now, uuid7
from admin_app.extensions import db
from admin_app.models import AuditEntry, Task, User

COMMIT_EVERY = 500
RESULTS = Path("bench-results")


@contextmanager
def auditing_off() -> Any:
    event.remove(Session, "after_flush", listeners._after_flush)
    event.remove(Session, "do_orm_execute", listeners._audit_bulk)
    try:
        yield
    finally:
        event.listen(Session, "after_flush", listeners._after_flush)
        event.listen(Session, "do_orm_execute", listeners._audit_bulk)


def load_tasks(rows: int) -> None:
    """Insert the rows with Core: the set-up is not what is measured."""
    owner = uuid7()
    now = utc_now()
    db.session.execute(
        insert(User.__table__),
        [
            {
                "id": owner,
                "username": "bench-owner",
                "email": "owner@example.org",
                "first_name": "B",
                "last_name": "O",
                "is_active": True,
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    db.session.execute(
        insert(Task.__table__),
        [
            {
                "id": uuid7(),
                "title": f"Task {i}",
                "due_at": now + timedelta(days=1),
                "priority": 1,
                "assignee_id": owner,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(rows)
        ],
    )
    db.session.commit()


def update_all(round_no: int, ids: list[Any]) -> float:
    """Change every task through the ORM, a chunk at a time: load, change, commit; seconds."""
    db.session.expunge_all()
    started = time.perf_counter()
    for start in range(0, len(ids), COMMIT_EVERY):
        chunk = ids[start : start + COMMIT_EVERY]
        tasks = db.session.scalars(select(Task).where(Task.id.in_(chunk))).all()
        for i, task in enumerate(tasks, start=start):
            task.priority = 1 + (round_no + i) % 4
            task.title = f"Task {i} r{round_no}"
        db.session.commit()
    return time.perf_counter() - started


def run(rows: int, url: str, rounds: int) -> dict[str, Any]:
    app = create_app({"database": {"url": url}, "app": {"secret_key": "bench"}})
    with app.app_context():
        upgrade()
        load_tasks(rows)
        ids = list(db.session.scalars(select(Task.id).order_by(Task.id)))
        audited, plain = [], []
        for round_no in range(rounds):
            audited.append(update_all(2 * round_no, ids))
            with auditing_off():
                plain.append(update_all(2 * round_no + 1, ids))
        entries = db.session.scalar(select(db.func.count()).select_from(AuditEntry))
        with db.engine.begin() as connection, pruning(connection):
            connection.execute(AuditEntry.__table__.delete())
        dialect = db.engine.dialect.name
    best_a, best_p = min(audited), min(plain)
    return {
        "engine": dialect,
        "rows": rows,
        "rounds": rounds,
        "audited_s": round(best_a, 3),
        "plain_s": round(best_p, 3),
        "ratio": round(best_a / best_p, 3),
        "entries_written": entries,
        "target_ratio": 1.3,
        "audited_rounds_s": [round(t, 3) for t in audited],
        "plain_rounds_s": [round(t, 3) for t in plain],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    # Five rounds: single commits on this VM vary by tens of percent (fsync latency).
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        result = run(args.rows, url, args.rounds)
    print(f"{'engine':<12}{'rows':>8}{'audited s':>12}{'plain s':>10}{'ratio':>8}{'target':>8}")
    print(
        f"{result['engine']:<12}{result['rows']:>8}{result['audited_s']:>12}"
        f"{result['plain_s']:>10}{result['ratio']:>8}{result['target_ratio']:>8}"
    )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"audit_overhead_{result['engine']}.json"
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
