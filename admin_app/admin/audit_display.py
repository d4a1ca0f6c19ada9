"""How the audit trail reads: diffs with names instead of raw ids, transactions told apart.

A diff stores ids (``author_id``, ``deleted_by``); the page shows the record's name, linked,
with the id on hover. The names for a whole page are looked up together, one query per
referenced model, and kept in ``g`` for the rest of the request.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from flask import g, url_for
from markupsafe import Markup, escape
from sqlalchemy import inspect, select
from werkzeug.routing import BuildError

from admin_app.audit.revert import MODELS
from admin_app.extensions import db
from admin_app.models import AuditEntry, Operator
from admin_app.models.naming import entity_type
from admin_app.soft_delete import with_deleted

FOLD_AT = 120  # characters; longer values are folded behind a toggle
TX_SHOWN = 8  # hex digits of a transaction id shown: the random end, not the time-ordered start


def transaction_label(transaction_id: uuid.UUID) -> Markup:
    """The id's last digits: UUIDv7 ids of one minute share their first eight."""
    url = url_for("audit.transaction", transaction_id=transaction_id)
    return Markup('<a href="{}" title="Transaction {}"><code>…{}</code></a>').format(
        url, transaction_id, str(transaction_id)[-TX_SHOWN:]
    )


def render_changes(entry: AuditEntry) -> Markup:
    """Each field as ``field: old → new``, escaped, ids named, long values folded."""
    targets = _targets(entry.entity_type)
    rows = [
        Markup(
            '<div class="audit-change"><code>{}</code>: <del>{}</del> → <ins>{}</ins></div>'
        ).format(name, _shown(old, targets.get(name)), _shown(new, targets.get(name)))
        for name, (old, new) in sorted((entry.changes or {}).items())
    ]
    return Markup("").join(rows)


def remember_references(entries: Iterable[AuditEntry]) -> None:
    """Look up, one query per model, every record the entries' diffs point at."""
    wanted: dict[Any, set[uuid.UUID]] = {}
    for entry in entries:
        targets = _targets(entry.entity_type)
        for name, pair in (entry.changes or {}).items():
            if name in targets:
                ids = wanted.setdefault(targets[name], set())
                ids.update(key for key in map(_as_uuid, pair) if key is not None)
    found = _known()
    for model, ids in wanted.items():
        missing = [i for i in ids if (model, i) not in found]
        if missing:
            rows = db.session.scalars(with_deleted(select(model).where(model.id.in_(missing))))
            found.update({(model, row.id): row for row in rows})
            found.update({(model, i): None for i in missing if (model, i) not in found})


def _targets(kind: str) -> dict[str, Any]:
    """Field name -> the model its id points at, from the entity's foreign keys."""
    model = MODELS.get(kind)
    if model is None:
        return {}
    by_table = {m.__tablename__: m for m in (*MODELS.values(), Operator)}
    return {
        column.key: by_table[fk.column.table.name]
        for column in inspect(model).columns
        for fk in column.foreign_keys
        if fk.column.table.name in by_table
    }


def _shown(value: Any, target: Any) -> Markup:
    key = _as_uuid(value) if target is not None else None
    if key is None:
        return _text(value)
    found = _known()
    if (target, key) not in found:  # a page that did not remember its references first
        stmt = with_deleted(select(target).where(target.id == key))
        found[(target, key)] = db.session.scalars(stmt).first()
    return _reference(found[(target, key)], key)


def _reference(record: Any, key: uuid.UUID) -> Markup:
    if record is None:
        return Markup('<span title="{}">purged record …{}</span>').format(key, str(key)[-TX_SHOWN:])
    kind = entity_type(record)
    trashed = getattr(record, "deleted_at", None) is not None
    try:
        url = url_for(f"{kind}{'_trash' if trashed else ''}.details_view", id=record.id)
    except BuildError:
        return Markup('<span title="{}">{}</span>').format(key, record)
    return Markup('<a href="{}" title="{}">{}</a>').format(url, key, record)


def _text(value: Any) -> Markup:
    text = "∅" if value is None else value if isinstance(value, str) else str(value)
    if len(text) <= FOLD_AT:
        return escape(text)
    return Markup("<details><summary>{}…</summary>{}</details>").format(text[:FOLD_AT], text)


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value is not None else None
    except ValueError:
        return None


def _known() -> dict[tuple[Any, uuid.UUID], Any]:
    if "audit_references" not in g:
        g.audit_references = {}
    return g.audit_references  # type: ignore[no-any-return]
