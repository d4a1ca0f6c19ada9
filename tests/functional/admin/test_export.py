"""CSV export: editors only, the list's rows and columns, streamed, capped, formula-safe."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from sqlalchemy import select

from admin_app.admin import export
from admin_app.config import settings_of
from admin_app.models import Role, Tag
from admin_app.trash import soft_delete
from seeds.demo import seed_demo
from tests.factories import CommentFactory, PostFactory
from tests.functional.admin.pages import get_page

EXPORT = "/admin/post/export/csv/"
FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tlead", "\rlead"]
# A line break or blanks before the sign, and the full-width equals sign (U+FF1D).
FORMULAS += ["\n=1+1", " =1+1", "  @A1", "\uff1d1+1", "\uff0b1"]


def _rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_viewers_get_no_export_button_and_a_403(client, session, as_role):
    PostFactory()
    session.commit()
    as_role(Role.VIEWER)
    assert EXPORT not in get_page(client, "/admin/post/")
    assert client.get(EXPORT).status_code == 403


def test_editors_export_the_list_with_its_hybrid_columns(client, session, as_role):
    post = PostFactory(title="Pools")
    CommentFactory.create_batch(3, post=post)
    PostFactory(title="Locks")
    session.commit()
    as_role(Role.EDITOR)
    assert EXPORT in get_page(client, "/admin/post/")
    response = client.get(EXPORT)
    assert response.is_streamed
    rows = {row["Title"]: row for row in _rows(response)}
    assert set(rows) == {"Pools", "Locks"}
    assert rows["Pools"]["Comment Count"] == "3"
    assert rows["Locks"]["Comment Count"] == "0"
    assert rows["Pools"]["Author"] == str(post.author)


def test_export_follows_the_lists_search(client, session, as_role):
    PostFactory(title="Connection pools explained")
    PostFactory(title="Lock contention")
    session.commit()
    as_role(Role.EDITOR)
    rows = _rows(client.get(EXPORT, query_string={"search": "explained"}))
    assert [row["Title"] for row in rows] == ["Connection pools explained"]


def test_cells_that_could_run_as_formulas_are_quoted(client, session, as_role):
    for title in [*FORMULAS, "Plain title"]:
        PostFactory(title=title)
    session.commit()
    as_role(Role.EDITOR)
    titles = {row["Title"] for row in _rows(client.get(EXPORT))}
    assert titles == {"'" + title for title in FORMULAS} | {"Plain title"}


def test_a_configured_cap_is_said_on_the_list_before_the_export_stops_at_it(
    app, client, session, as_role, monkeypatch
):
    PostFactory.create_batch(7)
    session.commit()
    monkeypatch.setitem(settings_of(app)["lists"], "export_max_rows", 5)
    as_role(Role.EDITOR)
    assert "Export stops at the first 5 of 7 rows" in get_page(client, "/admin/post/")
    assert len(_rows(client.get(EXPORT))) == 5
    monkeypatch.setitem(settings_of(app)["lists"], "export_max_rows", 7)
    assert "Export stops" not in get_page(client, "/admin/post/")


def test_without_a_cap_the_whole_filtered_list_is_exported(app, client, session, as_role):
    PostFactory.create_batch(25)  # more than a page, so paging cannot be what stops it
    session.commit()
    as_role(Role.EDITOR)
    assert settings_of(app)["lists"]["export_max_rows"] == 0
    assert "Export stops" not in get_page(client, "/admin/post/")
    assert len(_rows(client.get(EXPORT))) == 25


@pytest.mark.parametrize("endpoint", ["user", "profile", "post", "tag", "comment", "task"])
def test_every_content_model_exports_all_its_rows(client, session, as_role, endpoint):
    added = seed_demo(session)
    session.commit()
    as_role(Role.EDITOR)
    expected = {"user": added["users"], "profile": added["users"], "tag": added["tags"]}
    rows = _rows(client.get(f"/admin/{endpoint}/export/csv/"))
    assert len(rows) == expected.get(endpoint, added.get(endpoint + "s"))


@pytest.mark.parametrize("endpoint", ["user", "profile", "post", "tag", "comment", "task"])
def test_cells_selected_in_sql_read_exactly_as_the_objects_show_them(
    client, session, as_role, monkeypatch, endpoint
):
    """Relations by name, tags joined, hybrids, times, enums and empties: the fast path
    writes the very file the object path writes, trashed relations left out alike."""
    seed_demo(session)
    used = session.scalars(select(Tag).where(Tag.posts.any()).order_by(Tag.name)).first()
    soft_delete(session, [used], actor_id=None)
    session.commit()
    as_role(Role.EDITOR)
    path = f"/admin/{endpoint}/export/csv/?sort=0"
    fast = client.get(path).get_data(as_text=True)
    monkeypatch.setattr(export, "cell_columns", lambda model, names: None)
    slow = client.get(path).get_data(as_text=True)
    assert fast.count("\n") > 2
    assert fast == slow
    assert used.name not in fast
