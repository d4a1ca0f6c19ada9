"""Full-text search: weighted tsvector + GIN on PostgreSQL, FTS5 tables kept by triggers on SQLite.

What an operator types, on both engines alike: words (all required, stemmed, accents
ignored), "quoted phrases", ``-word`` to exclude, and the last word typed matched as a prefix
("revi" finds "Review"). The first searchable column (a title, a username) weighs more than
the rest. Everything else in the input is text, never syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from sqlalchemy import (
    Select,
    column,
    exists,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
)

from admin_app.models.query import AnySession

# Quoted phrases stay together; everything else splits on whitespace.
_TERMS = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w", re.UNICODE)
_PREFIXABLE = re.compile(r"[^\W_]{2,}")  # letters and digits only, two or more
# The stored documents split on @ . / (see the migrations); queries must split the same way.
_PG_SPLIT = str.maketrans({'"': " ", "@": " ", ".": " ", "/": " "})
PG_CONFIG: Any = literal_column("'english'")
# bm25 weight of the first searchable column against the others (PostgreSQL: weight A vs B).
TITLE_WEIGHT = 4.0


def searchable_columns(model: type) -> tuple[str, ...]:
    return tuple(getattr(model, "__searchable__", ()))


# PostgreSQL keeps a generated tsvector column (migration 0008_search) with a GIN index on
# it; the models do not declare it, so ORM inserts never try to write it.
PG_DOCUMENT_COLUMN = "fts_document"


def fts_table(model: type) -> str:
    return f"fts_{model.__tablename__}"  # type: ignore[attr-defined]


@dataclass
class SearchTerms:
    """A typed query, read: required words and phrases, one prefix, excluded words."""

    required: list[str] = field(default_factory=list)
    prefix: str | None = None
    excluded: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        # Exclusions alone would list nearly everything: a search must say what it wants.
        return bool(self.required or self.prefix)


def parse(query: str) -> SearchTerms:
    found = SearchTerms()
    tokens = _TERMS.findall(query)
    for position, (phrase, word) in enumerate(tokens):
        term = phrase or word
        if not _WORD.search(term):
            continue
        if word.startswith("-") and _WORD.search(word[1:]):
            found.excluded.append(word[1:])
        elif word and position == len(tokens) - 1 and _PREFIXABLE.fullmatch(word):
            if not query[-1:].isspace():  # still typing it
                found.prefix = word
            else:
                found.required.append(word)
        else:
            found.required.append(term)
    return found


def fts5_query(terms: SearchTerms, columns: tuple[str, ...]) -> str:
    # Every term is quoted, so FTS5 operators and punctuation in user input are literal text;
    # the column filter keeps the indexed id out of what users search.
    wanted = [_fts5_string(term) for term in terms.required]
    if terms.prefix:
        wanted.append(_fts5_string(terms.prefix) + "*")
    expression = "(" + " ".join(wanted) + ")"
    if terms.excluded:
        expression += " NOT (" + " OR ".join(map(_fts5_string, terms.excluded)) + ")"
    return "{" + " ".join(columns) + "} : (" + expression + ")"


def _fts5_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def ranked_matches(session: AnySession, model: Any, query: str) -> Any:
    """A subquery of ``(id, score)`` for the rows matching ``query``; lower score is better.

    None when the query asks for nothing (no letters or digits, or exclusions only).
    """
    columns = searchable_columns(model)
    if not columns:
        raise ValueError(f"{model.__name__} declares no searchable columns")
    terms = parse(query)
    if not terms:
        return None
    if session.get_bind().dialect.name == "postgresql":
        return _ranked_postgresql(model, terms)
    return _ranked_sqlite(model, columns, terms)


def match_filter(session: AnySession, model: Any, query: str, *, per_row: bool = False) -> Any:
    """A condition on ``model``'s own rows that holds for the rows matching ``query``.

    Unlike ``ranked_matches`` it ranks nothing, so a list can walk its sort index and keep
    the matching rows it meets: the plan for a common word. None when nothing can match.

    SQLite: the matches' ids as an ``IN`` list, built whole before the list is walked, or
    with ``per_row`` (see ``sqlite_matches_at_least``) an FTS5 query per row walked.
    """
    terms = parse(query)
    if not terms:
        return None
    if session.get_bind().dialect.name == "postgresql":
        return _pg_document(model).bool_op("@@")(pg_tsquery(terms))
    table, expression = fts_table(model), fts5_query(terms, searchable_columns(model))
    if per_row and not terms.prefix:
        return _fts5_row_matches(model, table, expression)
    matching: Any = select(literal_column("id")).select_from(text(table))
    matching = matching.where(text(f"{table} MATCH :q").bindparams(q=expression))
    return model.id.in_(matching)


def _fts5_row_matches(model: Any, name: str, expression: str) -> Any:
    """Whether this row matches: its id (indexed by FTS5 as a token, as the delete trigger
    finds it) AND the query, so FTS5 seeks each term's doclist to one row; 34 us a row at
    100k posts, where the IN list of a word in every post costs 170 ms to build."""
    own = literal('id : "').concat(model.id).concat(literal('" AND (' + expression + ")"))
    fts = table(name, column("id"))
    return exists(
        select(literal_column("1"))
        .select_from(fts)
        .where(literal_column(name).op("MATCH")(own), fts.c.id == model.id)
    )


def sqlite_matches_at_least(session: AnySession, model: Any, query: str, count: int) -> bool:
    """Whether ``query`` matches more than ``count`` rows of ``model``'s FTS5 table (trashed
    ones too), counting only rowids: under a millisecond for a word in every post.

    Then a list is better walked with a per-row check than by building the IN list of every
    match first. Never for a prefix: FTS5 would expand it again for every row (16 s for
    1,000 rows at 100k posts), where the IN list expands it once.
    """
    terms = parse(query)
    if not terms or terms.prefix or session.get_bind().dialect.name == "postgresql":
        return False
    table = fts_table(model)
    limited = (
        select(literal_column("rowid"))
        .select_from(text(table))
        .where(text(f"{table} MATCH :q").bindparams(q=fts5_query(terms, searchable_columns(model))))
        .limit(count + 1)
        .subquery()
    )
    return (session.scalar(select(func.count()).select_from(limited)) or 0) > count


def row_score(session: AnySession, model: Any, query: str) -> tuple[Any, ...] | None:
    """ORDER BY terms that rank ``model``'s own rows for ``query`` (best first), so a list
    ranks its matches without joining a ranking back to the table; PostgreSQL only (SQLite's
    bm25 lives in the FTS table). None there, or when nothing can match."""
    terms = parse(query)
    if not terms or session.get_bind().dialect.name != "postgresql":
        return None
    # The serial-plan marker goes last: it never breaks a tie the score and the id leave.
    return (-func.ts_rank_cd(_pg_document(model), pg_tsquery(terms)), _SERIAL_ONLY)


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


def pg_tsquery(terms: SearchTerms) -> Any:
    """The tsquery for ``terms``, built from functions, so no input is parsed as syntax."""

    def phrase(term: str) -> Any:
        return func.phraseto_tsquery(
            PG_CONFIG, func.admin_unaccent(literal(term.translate(_PG_SPLIT)))
        )

    wanted = [phrase(term) for term in terms.required]
    if terms.prefix:  # letters and digits only (see _PREFIXABLE), so quote_literal is plain
        quoted = func.quote_literal(func.admin_unaccent(literal(terms.prefix)))
        wanted.append(func.to_tsquery(PG_CONFIG, quoted.concat(":*")))
    query = reduce(func.tsquery_and, wanted)
    for term in terms.excluded:
        query = func.tsquery_and(query, func.tsquery_not(phrase(term)))
    return query.self_group()


def _ranked_postgresql(model: Any, terms: SearchTerms) -> Any:
    document, tsquery = _pg_document(model), pg_tsquery(terms)
    score = (-func.ts_rank_cd(document, tsquery)).label("score")
    return (
        select(model.id.label("id"), score, _SERIAL_ONLY.label("serial_plan"))
        .where(document.bool_op("@@")(tsquery))
        .subquery()
    )


# Ranking a few hundred matches costs enough that PostgreSQL plans a parallel worker for
# it, and starting one costs more than the page (30 ms of 50 on a busy 2-core machine).
# Any PARALLEL UNSAFE call in a query keeps its whole plan serial; this one reads nothing
# and writes nothing (NULL unless the transaction has already written).
_SERIAL_ONLY: Any = func.pg_current_xact_id_if_assigned()


def _ranked_sqlite(model: Any, columns: tuple[str, ...], terms: SearchTerms) -> Any:
    table = fts_table(model)
    weights = ", ".join(["0", str(TITLE_WEIGHT)] + ["1"] * (len(columns) - 1))  # id weighs 0
    return (
        select(
            literal_column("id").label("id"),
            literal_column(f"bm25({table}, {weights})").label("score"),
        )
        .select_from(text(table))
        .where(text(f"{table} MATCH :q").bindparams(q=fts5_query(terms, columns)))
        .subquery()
    )
