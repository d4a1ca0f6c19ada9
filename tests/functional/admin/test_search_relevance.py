"""The list search box ranks few matches best first, unless the operator picked a sort;
many matches keep the list's order, read through its sort index."""

from __future__ import annotations

from datetime import timedelta

from admin_app.admin import lists
from admin_app.columns import utc_now
from admin_app.models import Role
from tests.factories import PostFactory
from tests.functional.admin.pages import get_page, listed, sort_params


def _posts(session):
    # The weaker match is newer, so the default sort (newest first) would list it first.
    strong = PostFactory(title="Vacuum tuning: vacuum costs and vacuum delay", body="vacuum")
    strong.created_at = utc_now() - timedelta(days=3)
    PostFactory(title="Autumn notes", body="a word about vacuum among many others")
    session.commit()


def test_search_lists_the_best_match_first(client, session, as_role):
    _posts(session)
    as_role(Role.VIEWER)
    titles = listed(get_page(client, "/admin/post/", search="vacuum"), "title")
    assert titles == ["Vacuum tuning: vacuum costs and vacuum delay", "Autumn notes"]


def test_a_chosen_sort_wins_over_relevance(client, session, as_role):
    _posts(session)
    as_role(Role.VIEWER)
    page = get_page(client, "/admin/post/", search="vacuum")
    by_title = sort_params(page, "Title")  # the header link keeps the search
    assert by_title["search"] == "vacuum"
    titles = listed(get_page(client, "/admin/post/", **by_title), "title")
    assert titles == sorted(titles)
    assert len(titles) == 2


def test_a_common_word_lists_matches_in_the_list_order_without_ranking(
    client, session, as_role, monkeypatch
):
    # Past the ranking limit, ranking would read every match: the list walks its sort index.
    monkeypatch.setattr(lists, "RANKED_MATCHES_AT_MOST", 1)
    _posts(session)
    as_role(Role.VIEWER)
    page = get_page(client, "/admin/post/", search="vacuum")
    assert listed(page, "title") == ["Autumn notes", "Vacuum tuning: vacuum costs and vacuum delay"]
    assert "List (2)" in page
