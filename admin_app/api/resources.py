"""One record at a time: read, create, update, trash, restore and purge, through the same
services as the console (trash, restore with its pre-flight, purge, version checks, audit).

Each view is one unit of work and commits once; a refused request changes nothing.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from admin_app.api import records, schemas, writes
from admin_app.api.access import allowed, api_role
from admin_app.api.problems import ApiProblem
from admin_app.auth.roles import current_operator, has_role
from admin_app.extensions import db
from admin_app.models import Role
from admin_app.models.naming import entity_type
from admin_app.trash import RestoreBlocked, lock_rows, purge, restore, soft_delete

RACED = "someone changed this record at the same moment; nothing was changed"


def _answer(record: Any, status: int = 200) -> Response:
    response = jsonify(records.serialize(record))
    response.status_code = status
    response.headers["ETag"] = records.etag(record)
    return response


def _commit() -> None:
    """Commit the unit of work; a race or a constraint the checks missed changes nothing."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ApiProblem(412, RACED) from None
    except IntegrityError:
        db.session.rollback()
        raise ApiProblem(
            409, "the change conflicts with another record; nothing was changed"
        ) from None


def _flag(name: str) -> bool:
    """A yes-or-no parameter: ``true``, ``false`` or absent. Anything else is refused, so a
    script's ``purge=1`` is not quietly taken for a trash."""
    raw = request.args.get(name)
    if raw is None or raw == "false":
        return False
    if raw == "true":
        return True
    raise ApiProblem(400, f"{name}: 'true' or 'false', not {raw[:40]!r}")


def _no_content() -> Response:
    response = Response(status=204)
    del response.headers["Content-Type"]  # there is no body to describe
    return response


@api_role(Role.VIEWER)
def show_record(model_name: str, entity_id: str) -> Response:
    """The live record; with ``?trashed=only`` (editors and up, as the list) a trashed one."""
    model = records.model_for(model_name)
    trashed = request.args.get("trashed")
    if trashed is None:
        return _answer(records.live_record(model, entity_id))
    if trashed != "only":
        raise ApiProblem(400, "trashed: the one value is 'only'")
    allowed(current_operator(), Role.EDITOR)
    return _answer(records.trashed_record(model, entity_id))


@api_role(Role.EDITOR)
def create_record(model_name: str) -> Response:
    model = records.model_for(model_name)
    values = writes.create_values(schemas.CREATE[model_name])
    record = model()
    with db.session.no_autoflush:
        writes.apply(record, values)
        writes.refuse_clashes(model, record)
    db.session.add(record)
    _commit()
    response = _answer(record, 201)
    response.headers["Location"] = records.location(record)
    return response


@api_role(Role.EDITOR)
def update_record(model_name: str, entity_id: str) -> Response:
    model = records.model_for(model_name)
    record = records.live_record(model, entity_id)
    values = writes.parse_body(schemas.UPDATE[model_name])
    records.check_if_match(record)
    with db.session.no_autoflush:
        writes.apply(record, values)
        writes.refuse_clashes(model, record)
    _commit()
    return _answer(record)


@api_role(Role.EDITOR)
def delete_record(model_name: str, entity_id: str) -> Response:
    model = records.model_for(model_name)
    if _flag("purge"):
        return _purge(model, entity_id)
    record = records.live_record(model, entity_id)
    records.check_if_match(record)
    operator = current_operator()
    soft_delete(db.session, [record], actor_id=operator.id if operator else None)
    _commit()
    return _no_content()


def _purge(model: Any, entity_id: str) -> Response:
    if not has_role(Role.ADMIN):
        raise ApiProblem(403, "purging is for admins")
    key = records.key_of(model, entity_id)
    lock_rows(db.session, model, [key])  # a restore of it waits for us, or we for it
    record = records.any_record(model, entity_id)
    if record.deleted_at is None:
        raise ApiProblem(409, "only a record in the trash can be purged; DELETE it first")
    purge(db.session, [record])
    _commit()
    return _no_content()


@api_role(Role.EDITOR)
def restore_record(model_name: str, entity_id: str) -> Response:
    model = records.model_for(model_name)
    record = records.any_record(model, entity_id)
    if record.deleted_at is None:
        raise ApiProblem(409, "the record is not in the trash")
    batch = record.delete_batch
    try:
        plan = restore(db.session, [batch], with_parents=_flag("with_parents"))
    except RestoreBlocked as blocked:
        # Described before the rollback expires the records the reasons name.
        refusal = ApiProblem(
            409,
            "nothing was restored: " + "; ".join(p.message for p in blocked.plan.problems),
            errors=_problem_fields(blocked),
            reasons=[_reason(problem) for problem in blocked.plan.problems],
        )
        db.session.rollback()
        raise refusal from None
    _commit()
    response = _answer(records.live_record(model, entity_id))
    response.headers["X-Restored-Count"] = str(len(plan.records))
    return response


def _problem_fields(blocked: RestoreBlocked) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in blocked.plan.problems:
        found.setdefault(problem.field or "parent", []).append(problem.message)
    return found


def _reason(problem: Any) -> dict[str, Any]:
    """One pre-flight refusal. ``other.href`` is where a GET reads the other record, live or
    in the trash; a parent in the trash also gives the action that restores it."""
    other = problem.other
    described: dict[str, Any] = {
        "type": entity_type(other),
        "id": str(other.id),
        "href": records.location(other),
    }
    if problem.kind == "parent":
        described["restore"] = records.restore_link(other)
    return {
        "kind": problem.kind,
        "field": problem.field or None,
        "message": problem.message,
        "record": {"type": entity_type(problem.record), "id": str(problem.record.id)},
        "other": described,
    }
