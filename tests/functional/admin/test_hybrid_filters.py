"""Every hybrid property is a list filter and a sortable column, on the SQL side, evaluated now."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import literal, select

from admin_app.columns import UTCDateTime, utc_now
from admin_app.models import Comment, Post, Role, Tag, Task, User, tasks
from seeds.demo import seed_demo
from tests.factories import TaskFactory
from tests.functional.admin.pages import (
    alerts,
    filter_arg,
    filter_menu,
    get_page,
    listed,
    listed_ids,
    sort_params,
)

NUMBER_OPERATIONS = {"equals", "greater than", "smaller than", "between"}
# Endpoint, hybrid label, the operations it must offer.
OPERATIONS = [
    ("user", "Full Name", {"contains", "equals"}),
    ("user", "Post Count", NUMBER_OPERATIONS),
    ("post", "Is Published", {"equals"}),
    ("post", "Comment Count", NUMBER_OPERATIONS),
    ("post", "Reading Minutes", NUMBER_OPERATIONS),
    ("tag", "Post Count", NUMBER_OPERATIONS),
    ("comment", "Reply Count", NUMBER_OPERATIONS),
    ("task", "Is Overdue", {"equals"}),
    ("task", "Days Overdue", NUMBER_OPERATIONS),
]
# Endpoint, model, hybrid label, operation, value, which rows must be listed (Python side).
CASES = [
    ("user", User, "Full Name", "contains", "AN", lambda u: "an" in u.full_name.lower()),
    ("user", User, "Full Name", "equals", "Grace Hopper", lambda u: u.full_name == "Grace Hopper"),
    ("user", User, "Post Count", "greater than", "4", lambda u: u.post_count > 4),
    ("post", Post, "Is Published", "equals", "1", lambda p: p.is_published),
    ("post", Post, "Is Published", "equals", "0", lambda p: not p.is_published),
    ("post", Post, "Comment Count", "between", "3 to 5", lambda p: 3 <= p.comment_count <= 5),
    ("post", Post, "Reading Minutes", "smaller than", "3", lambda p: p.reading_minutes < 3),
    ("tag", Tag, "Post Count", "greater than", "6", lambda t: t.post_count > 6),
    ("comment", Comment, "Reply Count", "greater than", "0", lambda c: c.reply_count > 0),
    ("comment", Comment, "Reply Count", "equals", "0", lambda c: c.reply_count == 0),
    ("task", Task, "Is Overdue", "equals", "1", lambda t: t.is_overdue),
    ("task", Task, "Days Overdue", "greater than", "10", lambda t: t.days_overdue > 10),
]
SORTS = [
    ("user", "Post Count", "post_count"),
    ("post", "Comment Count", "comment_count"),
    ("post", "Reading Minutes", "reading_minutes"),
    ("tag", "Post Count", "post_count"),
    ("comment", "Reply Count", "reply_count"),
]
# Computed against the clock or from several columns: no index can serve them as a sort.
UNSORTABLE = [
    ("post", "Is Published"),
    ("task", "Is Overdue"),
    ("task", "Days Overdue"),
    ("user", "Full Name"),
]


@pytest.fixture
def demo(session: Any) -> None:
    seed_demo(session)
    session.commit()


@pytest.mark.parametrize(("endpoint", "label", "operations"), OPERATIONS)
def test_each_hybrid_offers_the_operations_its_type_fits(
    client, as_role, endpoint, label, operations
):
    as_role(Role.VIEWER)
    menu = filter_menu(get_page(client, f"/admin/{endpoint}/"))
    assert set(menu[label]) == operations
    if operations == {"equals"}:
        assert [option[1] for option in menu[label]["equals"]["options"]] == ["Yes", "No"]


@pytest.mark.parametrize(
    ("endpoint", "model", "label", "operation", "value", "expected"),
    CASES,
    ids=[f"{c[0]}-{c[2]}-{c[3]}-{c[4]}" for c in CASES],
)
def test_a_hybrid_filter_lists_exactly_the_matching_rows(
    client, session, demo, as_role, endpoint, model, label, operation, value, expected
):
    rows = session.scalars(select(model)).all()
    wanted = {str(row.id) for row in rows if expected(row)}
    assert 0 < len(wanted) < len(rows), "the demo data must make this filter discriminate"
    as_role(Role.VIEWER)
    arg = filter_arg(get_page(client, f"/admin/{endpoint}/"), label, operation)
    page = get_page(client, f"/admin/{endpoint}/", page_size=100, **{arg: value})
    assert set(listed_ids(page, endpoint)) == wanted


@pytest.mark.parametrize(("endpoint", "label", "column"), SORTS)
def test_sorting_by_a_hybrid_orders_the_whole_list(client, demo, as_role, endpoint, label, column):
    as_role(Role.VIEWER)
    params = sort_params(get_page(client, f"/admin/{endpoint}/"), label)
    ascending = [int(v) for v in listed(get_page(client, f"/admin/{endpoint}/", **params), column)]
    params["desc"] = "1"
    descending = [int(v) for v in listed(get_page(client, f"/admin/{endpoint}/", **params), column)]
    assert ascending == sorted(ascending)
    assert descending == sorted(descending, reverse=True)
    assert ascending != descending


@pytest.mark.parametrize(("endpoint", "label"), UNSORTABLE)
def test_a_computed_hybrid_is_shown_and_filtered_but_not_offered_as_a_sort(
    client, as_role, endpoint, label
):
    as_role(Role.VIEWER)
    page = get_page(client, f"/admin/{endpoint}/")
    assert f'title="Sort by {label}"' not in page
    assert label in filter_menu(page)


@pytest.mark.parametrize(("endpoint", "label"), UNSORTABLE)
def test_a_hand_made_sort_by_a_computed_hybrid_keeps_the_default_order(
    app, client, demo, as_role, endpoint, label
):
    """Sorting by it would compute it for every row of the table, then sort them all."""
    as_role(Role.VIEWER)
    view = next(v for v in app.extensions["admin_app.console"]._views if v.endpoint == endpoint)
    index = [title for _, title in view._list_columns].index(label)
    default = listed_ids(get_page(client, f"/admin/{endpoint}/"), endpoint)
    for desc in ("0", "1"):
        asked = get_page(client, f"/admin/{endpoint}/", sort=str(index), desc=desc)
        assert listed_ids(asked, endpoint) == default


def test_overdue_is_judged_when_the_list_is_asked_for_not_at_start_up(
    client, session, as_role, monkeypatch
):
    # The database's clock, injected: each list query must read it anew. An expression built
    # once (at start-up or at the first request) would keep the clock's first reading.
    clock = {"now": utc_now()}
    monkeypatch.setattr(tasks, "sql_utc_now", lambda: literal(clock["now"], type_=UTCDateTime()))
    task = TaskFactory(due_at=clock["now"] + timedelta(hours=1))
    session.commit()
    as_role(Role.VIEWER)
    arg = filter_arg(get_page(client, "/admin/task/"), "Is Overdue", "equals")
    assert listed_ids(get_page(client, "/admin/task/", **{arg: "1"}), "task") == []
    clock["now"] += timedelta(hours=2)
    assert listed_ids(get_page(client, "/admin/task/", **{arg: "1"}), "task") == [str(task.id)]


@pytest.mark.parametrize("value", ["abc", "3.5", "99999999999999999999999", "5 to 1", "1 to"])
def test_a_bad_filter_value_is_reported_and_the_list_is_unfiltered(
    client, session, demo, as_role, value
):
    as_role(Role.VIEWER)
    operation = "between" if "to" in value else "greater than"
    arg = filter_arg(get_page(client, "/admin/post/"), "Comment Count", operation)
    page = get_page(client, "/admin/post/", page_size=100, **{arg: value})
    assert f"Invalid Filter Value: {value}" in alerts(page)
    assert len(listed_ids(page, "post")) == len(session.scalars(select(Post.id)).all())
