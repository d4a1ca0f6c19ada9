"""A filter-wide trash of every post, then one restore of that batch, both through the console.

Usage: DATABASE_URL=... python -m bench.trash_and_restore [--search WORDS]
Drives the same endpoints the browser does (the bulk job's steps, then the recycle bin's
restore job's steps) with Flask's test client and prints seconds, chunks, the median chunk
and the audit entries each direction wrote, as JSON. Needs a seeded database
(``flask seed bench --scale N``); it leaves the rows live again at the end.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from typing import Any
from urllib.parse import urlencode

from flask.testing import FlaskClient
from sqlalchemy import func, select

from admin_app import create_app
from admin_app.extensions import db
from admin_app.models import AuditEntry, BulkJob, Operator, Role

PASSWORD = "bench-password-1234"  # noqa: S105 - a throwaway operator of a bench database


class FreshContextClient(FlaskClient):
    """Each request in its own app context, as in production: no session outlives it."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _token(client: Any, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    if found is None:
        raise SystemExit(f"no CSRF token on {path}")
    return found.group(1)


def _sign_in(client: Any) -> None:
    name = "bench-editor"
    if db.session.scalar(select(Operator).where(Operator.username == name)) is None:
        operator = Operator(username=name, role=Role.ADMIN.value)
        operator.set_password(PASSWORD)
        db.session.add(operator)
        db.session.commit()
    data = {"username": name, "password": PASSWORD, "csrf_token": _token(client, "/login")}
    if client.post("/login", data=data).status_code != 302:
        raise SystemExit("could not sign in")


def _run_steps(client: Any, progress: str) -> list[float]:
    page = client.get(progress).get_data(as_text=True)
    step = re.search(r'data-step-url="([^"]+)"', page).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    seconds = []
    while True:
        began = time.perf_counter()
        answer = client.post(step, headers={"X-CSRFToken": token})
        seconds.append(time.perf_counter() - began)
        if answer.status_code != 200:
            raise SystemExit(f"step answered {answer.status_code}")
        if answer.json["status"] != "running":
            if answer.json["status"] != "done":
                raise SystemExit(f"the job stopped: {answer.json['error']}")
            return seconds


def _entries(action: str, since: Any) -> int:
    db.session.rollback()
    stmt = select(func.count()).select_from(AuditEntry)
    stmt = stmt.where(AuditEntry.action == action, AuditEntry.occurred_at >= since)
    return int(db.session.scalar(stmt) or 0)


def _figures(seconds: list[float], wall: float, entries: int, **extra: Any) -> dict[str, Any]:
    return {
        "seconds": round(wall, 1),
        "chunks": len(seconds),
        "median_chunk_s": round(statistics.median(seconds), 3),
        "slowest_chunk_s": round(max(seconds), 3),
        "audit_entries": entries,
        **extra,
    }


def _trash(client: Any, search: str, resume: bool) -> tuple[dict[str, Any], BulkJob]:
    running = db.session.scalars(
        select(BulkJob).where(BulkJob.action == "trash", BulkJob.status == "running")
    ).first()
    began = time.perf_counter()
    since = db.session.scalar(select(func.now()))
    earlier = 0
    if resume and running is not None:  # an earlier run was stopped: go on with its job
        progress = f"/admin/post/bulk/{running.id}/?{running.criteria}"
        earlier, since = running.done // 500, running.created_at
    else:
        query = urlencode({"search": search}) if search else ""
        url = f"/admin/post/bulk/?action=trash&{query}"
        answer = client.post(url, data={"confirm": "yes", "csrf_token": _token(client, url)})
        progress = answer.headers["Location"]
    db.session.remove()  # no transaction left idle while the steps run (the server ends those)
    seconds = _run_steps(client, progress)
    job = db.session.scalars(select(BulkJob).order_by(BulkJob.created_at.desc())).first()
    if job is None or job.batch_id is None or job.finished_at is None:
        raise SystemExit("the trash job is missing")
    wall = (job.finished_at - job.created_at).total_seconds() if earlier else None
    figures = _figures(seconds, wall or time.perf_counter() - began, _entries("soft_delete", since))
    figures.update(rows=job.done, chunks=earlier + len(seconds), median_of_last=len(seconds))
    return figures, job


def _restore(client: Any, batch_id: Any) -> dict[str, Any]:
    began = time.perf_counter()
    since = db.session.scalar(select(func.now()))
    db.session.remove()
    preview = f"/admin/trash/batch/{batch_id}/"
    token = _token(client, preview)
    preview_s = time.perf_counter() - began
    start_began = time.perf_counter()
    answer = client.post(
        "/admin/trash/restore/", data={"batch": str(batch_id), "csrf_token": token}
    )
    start_s = time.perf_counter() - start_began
    if "/admin/trash/job/" not in answer.headers.get("Location", ""):
        raise SystemExit("the restore did not start a job")
    db.session.remove()
    seconds = _run_steps(client, answer.headers["Location"])
    restored = db.session.scalars(select(BulkJob).order_by(BulkJob.created_at.desc())).first()
    return _figures(
        seconds,
        time.perf_counter() - began,
        _entries("restore", since),
        rows=restored.done if restored else 0,
        preview_s=round(preview_s, 2),
        start_with_preflight_s=round(start_s, 2),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--search", default="", help="the list's search (default: every post)")
    parser.add_argument("--resume", action="store_true", help="go on with a running trash job")
    parser.add_argument("--restore-only", action="store_true", help="restore the last trash job")
    args = parser.parse_args()
    app = create_app({"app": {"secret_key": "bench-secret-key", "env": "development"}})
    app.test_client_class = FreshContextClient
    with app.app_context():
        client = app.test_client()
        _sign_in(client)
        if args.restore_only:
            job = db.session.scalars(
                select(BulkJob).where(BulkJob.action == "trash").order_by(BulkJob.created_at.desc())
            ).first()
            if job is None:
                raise SystemExit("no trash job to restore")
        else:
            trash, job = _trash(client, args.search, args.resume)
            print(json.dumps({"trash": trash}, indent=2), flush=True)
        print(json.dumps({"restore": _restore(client, job.batch_id)}, indent=2), flush=True)


if __name__ == "__main__":
    main()
