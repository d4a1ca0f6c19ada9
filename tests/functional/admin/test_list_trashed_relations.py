"""A list shows live related records only; a trash view still lists its trashed rows."""

from __future__ import annotations

from typing import Any

from admin_app.models import Role
from admin_app.trash import soft_delete
from tests.factories import PostFactory, TagFactory, TaskFactory
from tests.functional.admin.pages import get_page, listed, listed_ids


def test_a_trashed_tag_leaves_the_tags_cell_of_live_posts(client, session: Any, as_role):
    kept, trashed = TagFactory(name="kept-tag"), TagFactory(name="trashed-tag")
    posts = [PostFactory(tags=[kept, trashed]) for _ in range(3)]
    session.commit()
    soft_delete(session, [trashed])
    session.commit()
    as_role(Role.ADMIN)

    page = get_page(client, "/admin/post/")

    assert sorted(listed_ids(page, "post")) == sorted(str(p.id) for p in posts)
    assert listed(page, "tags") == ["kept-tag"] * 3
    bin_page = get_page(client, "/admin/tag-trash/")
    assert listed(bin_page, "name") == ["trashed-tag"]


def test_a_trashed_post_leaves_the_post_cell_of_a_live_task(client, session: Any, as_role):
    task = TaskFactory(post=PostFactory(title="trashed-post-title"))
    session.commit()
    soft_delete(session, [task.post])
    session.commit()
    as_role(Role.ADMIN)

    page = get_page(client, "/admin/task/")

    assert listed_ids(page, "task") == [str(task.id)]
    assert listed(page, "post") == [""]
    assert listed(get_page(client, "/admin/post-trash/"), "title") == ["trashed-post-title"]
