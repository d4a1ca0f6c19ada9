"""Full-text search finds the same rows on SQLite (FTS5) and PostgreSQL (tsvector).

Every expectation is a set computed from the rows the test created, so the same assertion
runs on both engines. Stopwords ("the", "a", "and", "or", "s") are dropped by PostgreSQL's
english configuration and kept by FTS5, so no equality below depends on one.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from admin_app.models import Comment, Post, Task, User
from admin_app.models.query import paginate_json
from admin_app.models.search import search
from admin_app.trash import soft_delete
from seeds.demo import seed_demo
from tests.factories import CommentFactory, PostFactory, TaskFactory, UserFactory

PUNCTUATION_ONLY = ["%", "_", "'", '"', "-", "*", "%%", "__", '""', "' \" - * % _", "()", "--"]


def _ids(session: Any, model: Any, query: str) -> set[Any]:
    return {row.id for row in session.scalars(search(session, model, query)).unique()}


def _ordered_ids(session: Any, model: Any, query: str) -> list[Any]:
    return [row.id for row in session.scalars(search(session, model, query)).unique()]


@pytest.fixture
def posts(session: Any) -> dict[str, Any]:
    """The demo seed (whose text never uses these animal words) plus posts named A to G."""
    seed_demo(session)
    session.commit()
    made = {
        "A": PostFactory(title="Quokka pool sizing", body="How big should a quokka pool be"),
        "B": PostFactory(title="Zeppelin latency", body="Zeppelin flights and latency."),
        "C": PostFactory(title="Quokka zeppelin notes", body="Riding a quokka or a zeppelin."),
        "D": PostFactory(title="Wombat wombat", body="Wombat burrows, wombat tunnels."),
        "E": PostFactory(
            title="Garden diary",
            body="Long notes about tomatoes, beans, weather, fences, soil, compost, "
            "sheds, ladders and one wombat seen at dusk near the gate.",
        ),
        "F": PostFactory(title="Quokka archive", body="quokka zeppelin wombat O'Brien"),
        "G": PostFactory(title="Letters from O'Brien", body="Postcards sent by O'Brien."),
    }
    session.commit()
    soft_delete(session, [made["F"]])
    session.commit()
    return made


def _named(posts: dict[str, Any], names: str) -> set[Any]:
    return {posts[name].id for name in names}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("quokka", "AC"),
        ("QUOKKA", "AC"),
        ("zeppelin", "BC"),
        ("quokka zeppelin", "C"),
        ('"quokka pool"', "A"),
        ('"pool quokka"', ""),
        ('"zeppelin latency" flights', "B"),
        ("wombat", "DE"),
        ("O'Brien", "G"),
        ("kangaroo", ""),
    ],
)
def test_words_and_phrases_find_exactly_the_matching_live_posts(session, posts, query, expected):
    assert _ids(session, Post, query) == _named(posts, expected)


@pytest.mark.parametrize(
    ("query", "stem_of", "expected"),
    [
        ("pools", "pool", "A"),
        ("quokkas", "quokka", "AC"),
        ("burrow", "burrows", "D"),
        ("flight", "flights", "B"),
    ],
)
def test_stemming_finds_other_forms_of_a_word(session, posts, query, stem_of, expected):
    found = _ids(session, Post, query)
    assert found == _ids(session, Post, stem_of)
    assert found & _named(posts, "ABCDEG") == _named(posts, expected)


def test_phrase_on_demo_data_matches_adjacent_words_only(session, posts):
    """'"connection pooling"' finds titles and bodies with those words side by side."""
    adjacent = re.compile(r"\bconnection\W+pool(s|ing)?\b", re.IGNORECASE)
    demo = session.scalars(select(Post).where(Post.title.like("Notes on %"))).all()
    expected = {p.id for p in demo if adjacent.search(p.title) or adjacent.search(p.body)}
    assert len(expected) >= 3  # at least the three "Notes on connection pooling" posts
    assert len(expected) < len(demo)
    assert _ids(session, Post, '"connection pooling"') == expected


def test_plain_word_on_demo_data_matches_rows_containing_it(session, posts):
    word = re.compile(r"\bthroughput\b", re.IGNORECASE)
    every = session.scalars(select(Post)).all()
    expected = {p.id for p in every if word.search(p.title) or word.search(p.body)}
    assert 0 < len(expected) < len(every)
    assert _ids(session, Post, "throughput") == expected


def test_better_match_ranks_first(session, posts):
    ranked = _ordered_ids(session, Post, "wombat")
    assert ranked == [posts["D"].id, posts["E"].id]


def test_search_narrows_a_given_statement_and_keeps_its_filters(session, posts):
    author_id = posts["A"].author_id
    stmt = search(session, Post, "quokka", select(Post).where(Post.author_id == author_id))
    assert [p.id for p in session.scalars(stmt)] == [posts["A"].id]


def test_search_results_paginate_with_a_correct_total(session, posts):
    page = paginate_json(
        session,
        search(session, Post, "wombat"),
        serialize=lambda post: {"id": post.id},
        per_page=1,
    )
    assert page["total"] == 2
    assert page["pages"] == 2
    assert page["items"] == [{"id": posts["D"].id}]


def test_trashed_posts_never_appear(session, posts):
    gone = posts["F"].id
    for query in ["quokka", "zeppelin", "wombat", "archive", "O'Brien", '"quokka archive"']:
        assert gone not in _ids(session, Post, query), query
    assert _ids(session, Post, "archive") == set()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("quokka%", "AC"),  # % is not a LIKE wildcard ...
        ("quo%", ""),  # ... so it never widens a word
        ("quo_ka", ""),  # _ is not a single-character wildcard
        ("Quokka_", "AC"),
        ("quokka*", "AC"),  # * is not a prefix operator
        ("quok*", ""),  # only the last plain word is a prefix, not one with a *
        ("quokka -zeppelin", "A"),  # -word excludes
        ("quokka OR zeppelin", "C"),  # OR is not a disjunction (C has the word "or")
        ("NEAR(quokka zeppelin)", ""),  # NEAR( is not the FTS5 operator
        ('"quokka', "AC"),  # an unbalanced quote is just a character
        ("quokka'", "AC"),
        ("zeppelin' --", "BC"),
        ("' OR 1=1 --", ""),
        ('"; DROP TABLE posts; --', ""),
    ],
)
def test_metacharacters_are_searched_literally(session, posts, query, expected):
    assert _ids(session, Post, query) == _named(posts, expected)
    assert session.scalar(select(func.count()).select_from(Post)) > 40  # still all there


@pytest.mark.parametrize("query", PUNCTUATION_ONLY)
@pytest.mark.parametrize("model", [Post, User, Comment, Task], ids=lambda m: m.__name__)
def test_a_query_of_only_punctuation_matches_nothing(session, posts, model, query):
    assert session.scalars(search(session, model, query)).all() == []


def test_blank_query_matches_nothing(session, posts):
    for query in ["", "   ", "\t\n"]:
        assert session.scalars(search(session, Post, query)).all() == []


@pytest.fixture
def people(session: Any) -> dict[str, Any]:
    seed_demo(session)
    session.commit()
    made = {
        "sean": UserFactory(
            username="sobrien",
            email="sean.obrien@quokka-mail.test",
            first_name="Seán",
            last_name="O'Brien",
        ),
        "gone": UserFactory(
            username="gonegirl", email="gone@quokka-mail.test", first_name="Quinn", last_name="Lost"
        ),
    }
    session.commit()
    soft_delete(session, [made["gone"]])
    session.commit()
    return made


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("lovelace", {"ada"}),
        ("Grace", {"grace"}),
        ("Ångström", {"zoë"}),
        ("sobrien", {"sobrien"}),
        ("Seán", {"sobrien"}),
        ("O'Brien", {"sobrien"}),
        ("sean.obrien@quokka-mail.test", {"sobrien"}),
        ("gonegirl", set()),
        ("Quinn", set()),
    ],
)
def test_user_search_by_username_name_and_email(session, people, query, who):
    found = session.scalars(search(session, User, query)).unique().all()
    assert {user.username for user in found} == who


@pytest.mark.parametrize("query", ["quokka-mail.test", "quokka-mail", "sean"])
def test_user_search_by_part_of_an_email_is_the_same_on_both_engines(session, people, query):
    """An operator looks a customer up by mail domain or local part."""
    found = session.scalars(search(session, User, query)).unique().all()
    assert {user.username for user in found} == {"sobrien"}


def test_comment_search_finds_live_comments_only(session):
    seed_demo(session)
    session.commit()
    kept = CommentFactory(body="A kookaburra laughed at dawn.")
    other = CommentFactory(body="Kookaburras nest in tree hollows.")
    gone = CommentFactory(body="That kookaburra again!")
    CommentFactory(body="Nothing to see here.")
    session.commit()
    soft_delete(session, [gone])
    session.commit()
    assert _ids(session, Comment, "kookaburra") == {kept.id, other.id}
    assert _ids(session, Comment, '"kookaburra laughed"') == {kept.id}
    assert _ids(session, Comment, "hollow") == {other.id}


def test_task_search_finds_live_tasks_only(session):
    seed_demo(session)
    session.commit()
    kept = TaskFactory(title="Renew the kookaburra licence")
    gone = TaskFactory(title="Clean kookaburra cage")
    TaskFactory(title="Renew passport")
    session.commit()
    soft_delete(session, [gone])
    session.commit()
    assert _ids(session, Task, "kookaburras") == {kept.id}
    assert _ids(session, Task, "licences kookaburra") == {kept.id}
    demo_reviews = set(session.scalars(select(Task.id).where(Task.title.like("Review soft %"))))
    assert demo_reviews
    assert _ids(session, Task, '"soft delete" review') == demo_reviews


def test_search_text_follows_edits(session, posts):
    post = posts["B"]
    post.title = "Dirigible latency"
    post.body = "Dirigible flights."
    session.commit()
    assert _ids(session, Post, "zeppelin") == _named(posts, "C")
    assert _ids(session, Post, "dirigible") == {post.id}
