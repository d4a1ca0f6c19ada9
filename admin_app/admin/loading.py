"""What a list page or an export loads: related objects and hybrid values in one query."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import joinedload, lazyload, selectinload

from admin_app.admin.hybrids import hybrid_expression, hybrid_names, stored_attribute
from admin_app.models.naming import Named, label_column, row_label
from admin_app.soft_delete import is_soft_deletable, with_deleted

# Where a listed row keeps the hybrid values its list query selected.
HYBRID_VALUES = "_console_hybrid_values"
EXPORT_CHUNK_ROWS = 500


def column_keys(columns: list[tuple[Any, str]]) -> list[str]:
    """The names of Flask-Admin's ``(name, label)`` column pairs."""
    return [str(name) for name, _ in columns]


def shown_hybrids(model: type, columns: Iterable[str]) -> list[str]:
    hybrids = hybrid_names(model)
    return [name for name in columns if name in hybrids]


def eager_options(
    model: type,
    columns: Iterable[str],
    *,
    join_all: bool = False,
    live_only: bool = False,
    named: Iterable[str] = (),
) -> list[Any]:
    """Loader options that fetch every related object the columns show, and nothing else.

    Scalars join into the list query; collections come in one extra ``IN`` query, since a
    joined collection would multiply rows under ``LIMIT`` (``join_all`` joins them too, for
    a query without one). Relationships the list does not show stay unloaded, whatever the
    mapping's default, so a page costs the same at any size. ``live_only`` puts the
    ``deleted_at IS NULL`` of soft-deletable related records into their joins, for a query
    that sees trashed rows of its own model. A relation in ``named`` is shown only by its
    records' names, so of those records only the name column (and the key) is loaded.
    """
    relationships: Any = inspect(model).relationships
    options: list[Any] = [lazyload("*")]
    for name in dict.fromkeys(column.split(".")[0] for column in columns):
        prop = relationships.get(name)
        if prop is None:
            continue
        attribute = getattr(model, name)
        if live_only and is_soft_deletable(prop.mapper.class_):
            attribute = attribute.and_(prop.mapper.class_.deleted_at.is_(None))
        loader = selectinload(attribute) if prop.uselist and not join_all else joinedload(attribute)
        if name in named:
            loader = _names_only(loader, prop.mapper.class_)
        options.append(loader.lazyload("*"))
    return options


def _names_only(loader: Any, related: type) -> Any:
    """The loader, reading of each related record only what ``str(record)`` shows.

    A posts page read 40 tag and 20 author records whole (ten columns each, UUIDs and times
    parsed) to print their names: a third of the page's rows query (``make bench``).
    """
    if not _shown_by_name(related):
        return loader  # a record that names itself otherwise may read any column
    return loader.load_only(getattr(related, str(label_column(related))))


def _shown_by_name(related: type) -> bool:
    """Whether ``str(record)`` reads nothing but the record's name column."""
    named_by_column = label_column(related) is not None
    return named_by_column and related.__str__ is Named.__str__  # type: ignore[comparison-overlap]


def prepare(query: Any, model: type, columns: Sequence[str]) -> tuple[Any, list[str]]:
    """``query`` with eager loading and the shown hybrids as extra columns, and their names."""
    hybrids = shown_hybrids(model, columns)
    query = query.options(*eager_options(model, columns))
    if hybrids:
        query = query.add_columns(*(hybrid_expression(model, h).label(h) for h in hybrids))
    return query, hybrids


def fetch_page(
    session: Any, model: Any, ids: list[Any], columns: Sequence[str], *, named: Iterable[str] = ()
) -> list[Any]:
    """The rows of ``ids``, in that order, with what the columns show, in one query.

    The ids were chosen first (sort and LIMIT through an index), so hybrids and relations
    are computed for these rows only, and collections can join: there is no LIMIT to spoil.
    Except on SQLite, which cannot flatten a collection's nested outer join (``LEFT JOIN
    (post_tags JOIN tags) ON ...``): it builds the join of every link first (200,000 at
    100k posts, most of a page's 450 ms), so there a collection comes in one ``IN`` query.
    ``named``: the relation columns that show their records by name (``eager_options``).
    """
    if not ids:
        return []
    dialect = session.get_bind().dialect.name
    collections = named_collections(model, named) if dialect == "postgresql" else []
    loaded = [column for column in columns if column not in collections]
    query = session.query(model).filter(model.id.in_(ids))
    # The ids came from the view's own scoped query (a trash view's are trashed rows), so
    # this query sees trashed rows of the model; its related records stay live only.
    options = eager_options(
        model, loaded, join_all=dialect != "sqlite", live_only=True, named=named
    )
    query = with_deleted(query.options(*options))
    hybrids = shown_hybrids(model, columns)
    # A stored hybrid's column comes with the row itself: read there, not selected again.
    stored = {h: key for h in hybrids if (key := stored_attribute(model, h)) is not None}
    selected = {h: hybrid_expression(model, h) for h in hybrids if h not in stored}
    selected |= {name: names_of(model, name) for name in collections}
    if selected:
        query = query.add_columns(*(value.label(key) for key, value in selected.items()))
    position = {record_id: n for n, record_id in enumerate(ids)}
    rows = [attach(row, list(selected)) for row in query.all()]
    for row in rows:
        values = row.__dict__.setdefault(HYBRID_VALUES, {})
        values |= {hybrid: getattr(row, key) for hybrid, key in stored.items()}
    for name in collections:
        _label_names(model, name, rows)
    return sorted(rows, key=lambda record: position[record.id])


def named_collections(model: type, named: Iterable[str]) -> list[str]:
    """The collections in ``named`` whose names one subquery can select (``names_of``).

    A page's 20 posts joined to their 40 tags came back as 40 rows, each parsed whole, to
    print the tags' names; an array of names per post is one value of a 20-row result.
    A relation of a model to itself stays loaded as records: its subquery could not tell
    the related rows from the row's own.
    """
    relationships: Any = inspect(model).relationships
    props = [(name, relationships.get(name)) for name in named]
    return [
        name
        for name, prop in props
        if prop is not None
        and prop.uselist
        and prop.mapper.class_ is not model
        and _shown_by_name(prop.mapper.class_)
    ]


def names_of(model: type, name: str) -> Any:
    """SQL for the names of a row's live related records, in the relation's order (an array:
    PostgreSQL only)."""
    prop: Any = inspect(model).relationships[name]
    related = prop.mapper.class_
    label = getattr(related, str(label_column(related)))
    order = prop.order_by or ()
    names = select(func.array_agg(aggregate_order_by(label, *order) if order else label))
    if prop.secondary is not None:
        names = names.select_from(prop.secondary).join(related, prop.secondaryjoin)
    names = names.where(prop.primaryjoin)
    if is_soft_deletable(related):
        names = names.where(related.deleted_at.is_(None))
    return names.scalar_subquery()


def _label_names(model: type, name: str, rows: list[Any]) -> None:
    """Each row's selected names of ``name`` as ``str(record)`` would print them."""
    related: Any = inspect(model).relationships[name].mapper.class_
    column = str(label_column(related))
    for row in rows:
        values = getattr(row, HYBRID_VALUES)
        values[name] = [row_label(related, {column: value}) for value in values[name] or ()]


def attach(row: Any, hybrids: list[str]) -> Any:
    """The row's model, carrying the hybrid values selected with it."""
    if not hybrids:
        return row
    instance, *values = row
    setattr(instance, HYBRID_VALUES, dict(zip(hybrids, values, strict=True)))
    return instance


def fetch(query: Any, hybrids: list[str]) -> list[Any]:
    return [attach(row, hybrids) for row in query.all()]


def stream(query: Any, hybrids: list[str]) -> Iterator[Any]:
    """Rows in chunks, so an export never holds every row in memory at once."""
    for row in query.yield_per(EXPORT_CHUNK_ROWS):
        yield attach(row, hybrids)


def selected_value(instance: Any, name: str) -> tuple[bool, Any]:
    values = getattr(instance, HYBRID_VALUES, None) or {}
    return name in values, values.get(name)
