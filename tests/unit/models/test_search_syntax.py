"""What people type finds the same rows, in the same order class, on both engines."""

from __future__ import annotations

from typing import Any

import pytest

from admin_app.models import Post, Task
from admin_app.models.search import parse, search
from tests.factories import PostFactory, TaskFactory


@pytest.fixture
def library(session: Any) -> dict[str, Any]:
    made = {
        "pool_title": PostFactory(title="Notes on connection pooling", body="Sizing and timeouts."),
        "pool_body": PostFactory(
            title="Weekly digest",
            body="Disks, backups, vacuum, replicas, pooling of connection slots, alerts, "
            "dashboards and a note about pooling again.",
        ),
        "accented": PostFactory(title="Ünïcode café menus", body="Crème brûlée for everyone."),
        "plain": PostFactory(title="Unicode tables", body="Cafe opening hours."),
        "review": PostFactory(title="Review of the quarter", body="Numbers."),
        "reviewer": PostFactory(title="Reviewers wanted", body="Join us."),
    }
    session.commit()
    return made


def _titles(session: Any, query: str) -> list[str]:
    return [p.title for p in session.scalars(search(session, Post, query)).unique()]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("revi", {"Review of the quarter", "Reviewers wanted"}),  # the last word is a prefix
        ("revi ", set()),  # a finished word is a word
        ("unicode", {"Ünïcode café menus", "Unicode tables"}),  # accents ignored ...
        ("ünïcode", {"Ünïcode café menus", "Unicode tables"}),  # ... both ways
        ("creme brulee", {"Ünïcode café menus"}),
        ('"connection pooling"', {"Notes on connection pooling"}),  # a phrase, in order
        ("pooling -digest", {"Notes on connection pooling"}),  # -word excludes
        ("cafe -menus", {"Unicode tables"}),
        ("-pooling", set()),  # exclusions alone ask for nothing
    ],
)
def test_typed_queries_find_the_same_rows_on_both_engines(session, library, query, expected):
    assert set(_titles(session, query)) == expected


def test_a_title_match_ranks_above_body_mentions(session, library):
    assert _titles(session, "pooling") == ["Notes on connection pooling", "Weekly digest"]


def test_prefix_matching_works_for_every_searchable_model(session):
    TaskFactory(title="Review the pool sizing")
    session.commit()
    assert [t.title for t in session.scalars(search(session, Task, "Revi"))] == [
        "Review the pool sizing"
    ]


def test_the_query_is_read_as_words_phrases_prefix_and_exclusions():
    terms = parse('"exact words" plain -skip last')
    assert (terms.required, terms.prefix, terms.excluded) == (
        ["exact words", "plain"],
        "last",
        ["skip"],
    )
    assert parse("a_b").prefix is None  # only letters and digits make a prefix
    assert parse("x").prefix is None  # one letter would match half the table
    assert not parse("-only -exclusions")
