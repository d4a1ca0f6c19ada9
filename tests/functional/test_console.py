"""The console on the demo data: every list and details page, the dashboard, escaping, probes."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from admin_app.extensions import db
from admin_app.models import Comment, Post, Profile, Role, Tag, Task, User
from admin_app.trash import soft_delete
from seeds.demo import seed_demo
from tests.factories import PostFactory

# Console endpoint, model, and a listed column whose value the pages must show.
CONSOLE = [
    ("user", User, "username"),
    ("profile", Profile, "location"),
    ("post", Post, "title"),
    ("tag", Tag, "name"),
    ("comment", Comment, None),
    ("task", Task, "title"),
]


@pytest.fixture
def demo(session: Any) -> dict[str, int]:
    added = seed_demo(session)
    session.commit()
    return added


def _shown(value: str) -> str:
    """How a plain-text value appears in the page (escaped)."""
    return html.escape(value, quote=False)


def _listed(page: str, column: str) -> list[str]:
    """The values a list page shows in one column, unescaped."""
    cells = re.findall(rf'<td class="col-{column}">(.*?)</td>', page, flags=re.DOTALL)
    return [html.unescape(cell.strip()) for cell in cells]


def _dashboard_counts(client: FlaskClient) -> dict[str, tuple[int, int]]:
    """``{model: (live, trashed)}`` as the dashboard's counts table shows them."""
    response = client.get("/admin/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    table = re.search(r'<table[^>]*id="model-counts".*?</table>', page, flags=re.DOTALL)
    assert table, "no counts table on the dashboard"
    counts = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(0), flags=re.DOTALL):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.DOTALL)
        ]
        if cells:
            name, live, trashed = cells[:3]
            counts[name] = (int(live.replace(",", "")), int(trashed.replace(",", "")))
    return counts


@pytest.mark.parametrize(("endpoint", "model", "column"), CONSOLE, ids=[c[0] for c in CONSOLE])
def test_viewer_sees_every_list_page(client, session, demo, as_role, endpoint, model, column):
    as_role(Role.VIEWER)
    response = client.get(f"/admin/{endpoint}/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if column:
        shown = _listed(page, column)
        assert len(shown) == min(20, session.scalar(select(func.count()).select_from(model)))
        assert set(shown) <= set(session.scalars(select(getattr(model, column))))
    # The list links each row to its details page.
    assert f"/admin/{endpoint}/details/?" in page


@pytest.mark.parametrize(("endpoint", "model", "column"), CONSOLE, ids=[c[0] for c in CONSOLE])
def test_viewer_sees_a_details_page_of_each_model(
    client, session, demo, as_role, endpoint, model, column
):
    record = session.scalars(select(model).order_by(model.id)).first()
    expected = str(getattr(record, column)) if column else record.body[:40]
    as_role(Role.VIEWER)
    response = client.get(f"/admin/{endpoint}/details/", query_string={"id": str(record.id)})
    assert response.status_code == 200
    assert _shown(expected) in response.get_data(as_text=True)


def test_viewer_sees_no_edit_or_create_links(client, demo, as_role):
    as_role(Role.VIEWER)
    page = client.get("/admin/post/").get_data(as_text=True)
    assert "/admin/post/new/" not in page
    assert "/admin/post/edit/" not in page


def test_details_of_a_trashed_record_is_not_shown(client, session, demo, as_role):
    post = session.scalars(select(Post).order_by(Post.id)).first()
    post_id, title = str(post.id), post.title
    soft_delete(session, [post])
    session.commit()
    as_role(Role.VIEWER)
    response = client.get("/admin/post/details/", query_string={"id": post_id})
    assert title not in response.get_data(as_text=True)
    # Quoted: full-text search would also match the other parts of the series.
    phrase = f'"{title}"'
    listing = client.get("/admin/post/", query_string={"search": phrase}).get_data(as_text=True)
    assert _listed(listing, "title") == []
    everything = client.get("/admin/post/", query_string={"page_size": 100}).get_data(as_text=True)
    assert len(_listed(everything, "title")) == 35
    assert title not in _listed(everything, "title")


def test_dashboard_shows_live_and_trashed_counts(client, session, demo, as_role):
    as_role(Role.VIEWER)
    counts = _dashboard_counts(client)
    assert counts == {
        "User": (8, 0),
        "Profile": (8, 0),
        "Tag": (10, 0),
        "Post": (36, 0),
        "Comment": (90, 0),
        "Task": (24, 0),
    }
    post = session.scalars(select(Post).where(Post.comments.any()).order_by(Post.id)).first()
    batch = soft_delete(session, [post])
    session.commit()
    comments_gone = batch.counts()["comments"]
    assert comments_gone >= 1

    after = _dashboard_counts(client)
    assert after["Post"] == (35, 1)
    assert after["Comment"] == (90 - comments_gone, comments_gone)
    assert after["User"] == (8, 0)
    assert after["Task"] == (24, 0)


def test_post_title_with_markup_is_escaped(client, session, as_role):
    PostFactory(title="<script>alert(1)</script>")
    session.commit()
    as_role(Role.VIEWER)
    response = client.get("/admin/post/")
    assert response.status_code == 200
    listing = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in listing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing
    assert _listed(listing, "title") == ["<script>alert(1)</script>"]
    post_id = session.scalar(select(Post.id))
    details = client.get("/admin/post/details/", query_string={"id": str(post_id)})
    page = details.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_pages_carry_security_headers(client, demo, as_role):
    as_role(Role.VIEWER)
    response = client.get("/admin/post/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_json_without_sign_in_and_hold_no_secrets(app, client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json()["status"] == "ok"
    body = response.get_data(as_text=True)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    for secret in (app.config["SECRET_KEY"], url, db.engine.url.database, "sqlite", "postgres"):
        assert str(secret) not in body


def test_demo_seed_is_what_the_dashboard_counts(session, demo):
    assert demo == {"users": 8, "tags": 10, "posts": 36, "comments": 90, "tasks": 24}
    assert session.scalar(select(func.count()).select_from(Profile)) == 8


def _title(page: str) -> str:
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    assert found, "no title"
    return " ".join(found.group(1).split())


def test_each_page_title_names_the_page_and_the_record(client, session, as_role):
    post = PostFactory(title="Notes on pooling")
    session.commit()
    as_role(Role.EDITOR)
    titles = {
        name: _title(client.get(url).get_data(as_text=True))
        for name, url in (
            ("list", "/admin/post/"),
            ("new", "/admin/post/new/"),
            ("edit", f"/admin/post/edit/?id={post.id}"),
            ("details", f"/admin/post/details/?id={post.id}"),
        )
    }
    assert len(set(titles.values())) == 4, titles
    assert titles["edit"].startswith("Edit Notes on pooling - ")
    assert titles["details"].startswith("Notes on pooling - ")
    assert titles["new"].startswith("New - Post")


def test_console_pages_declare_their_language_and_offer_a_skip_link(client, as_role):
    as_role(Role.VIEWER)
    page = client.get("/admin/post/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert 'href="#content">Skip to content</a>' in page
    assert '<main id="content"' in page


def test_the_details_page_shows_the_whole_body(client, session, as_role):
    body = "A long body. " * 40
    post = PostFactory(body=body)
    session.commit()
    as_role(Role.VIEWER)
    assert body.strip() in client.get(f"/admin/post/details/?id={post.id}").get_data(as_text=True)
    assert body.strip() not in client.get("/admin/post/").get_data(as_text=True)
