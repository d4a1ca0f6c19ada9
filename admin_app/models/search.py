"""Full-text search: tsvector + GIN on PostgreSQL, FTS5 tables kept by triggers on SQLite."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Select, bindparam, func, literal_column, select, text

from admin_app.models.query import AnySession

# Quoted phrases stay together; everything else splits on whitespace.
_TERMS = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w", re.UNICODE)
# The stored documents split on @ . / (see the migration); queries must split the same way.
_PG_SPLIT = str.maketrans({'"': " ", "@": " ", ".": " ", "/": " "})


def searchable_columns(model: type) -> tuple[str, ...]:
    return tuple(getattr(model, "__searchable__", ()))


# PostgreSQL keeps a generated tsvector column (migration 0002_full_text_search) with a GIN
# index on it; the models do not declare it, so ORM inserts never try to write it.
PG_DOCUMENT_COLUMN = "fts_document"


def fts_table(model: type) -> str:
    return f"fts_{model.__tablename__}"  # type: ignore[attr-defined]


def split_terms(query: str) -> list[str]:
    """Words and quoted phrases that carry at least one letter or digit."""
    terms = [phrase or word for phrase, word in _TERMS.findall(query)]
    return [term for term in terms if _WORD.search(term)]


def fts5_query(terms: list[str], columns: tuple[str, ...]) -> str:
    # Every term is quoted, so FTS5 operators and punctuation in user input are literal text;
    # the column filter keeps the indexed id out of what users search.
    phrases = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
    return "{" + " ".join(columns) + "} : (" + phrases + ")"


def ranked_matches(session: AnySession, model: Any, query: str) -> Any:
    """A subquery of ``(id, score)`` for the rows matching ``query``; lower score is better.

    None when the query has no letters or digits (it matches nothing). Operators, quotes,
    ``%`` and ``_`` in the query are searched as text, never as syntax.
    """
    columns = searchable_columns(model)
    if not columns:
        raise ValueError(f"{model.__name__} declares no searchable columns")
    terms = split_terms(query)
    if not terms:
        return None
    if session.get_bind().dialect.name == "postgresql":
        return _ranked_postgresql(model, terms)
    return _ranked_sqlite(model, columns, terms)


def match_filter(session: AnySession, model: Any, query: str) -> Any:
    """A condition on ``model``'s own rows that holds for the rows matching ``query``.

    Unlike ``ranked_matches`` it ranks nothing, so a list can walk its sort index and keep
    the matching rows it meets: the plan for a common word. None when nothing can match.
    """
    terms = split_terms(query)
    if not terms:
        return None
    if session.get_bind().dialect.name == "postgresql":
        return _pg_document(model).bool_op("@@")(_pg_tsquery(terms))
    table = fts_table(model)
    matching: Any = select(literal_column("id")).select_from(text(table))
    matching = matching.where(
        text(f"{table} MATCH :q").bindparams(q=fts5_query(terms, searchable_columns(model)))
    )
    return model.id.in_(matching)


def search(
    session: AnySession, model: Any, query: str, statement: Select[Any] | None = None
) -> Any:
    """Return ``statement`` (default: all rows of ``model``) narrowed to matches, best first."""
    stmt = statement if statement is not None else select(model)
    ranking = ranked_matches(session, model, query)
    if ranking is None:
        return stmt.where(literal_column("1") == 0)
    return stmt.join(ranking, ranking.c.id == model.id).order_by(ranking.c.score)


def _pg_document(model: Any) -> Any:
    return literal_column(f"{model.__tablename__}.{PG_DOCUMENT_COLUMN}")


def _pg_tsquery(terms: list[str]) -> Any:
    # Each term quoted: websearch syntax (-, or) in user input is searched as words.
    quoted = " ".join('"' + term.translate(_PG_SPLIT) + '"' for term in terms)
    return func.websearch_to_tsquery(literal_column("'english'"), bindparam("q", quoted))


def _ranked_postgresql(model: Any, terms: list[str]) -> Any:
    document, tsquery = _pg_document(model), _pg_tsquery(terms)
    score = (-func.ts_rank_cd(document, tsquery)).label("score")
    return select(model.id.label("id"), score).where(document.bool_op("@@")(tsquery)).subquery()


def _ranked_sqlite(model: Any, columns: tuple[str, ...], terms: list[str]) -> Any:
    table = fts_table(model)
    return (
        select(literal_column("id").label("id"), literal_column("rank").label("score"))
        .select_from(text(table))
        .where(text(f"{table} MATCH :q").bindparams(q=fts5_query(terms, columns)))
        .subquery()
    )
