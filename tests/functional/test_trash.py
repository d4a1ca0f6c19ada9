"""The trash through the console: cascade, exact-batch restore, checks, purge, retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from admin_app.columns import utc_now
from admin_app.models import Comment, Post, Role, User, post_tags
from admin_app.soft_delete import INCLUDE_DELETED, with_deleted
from admin_app.trash import soft_delete
from tests.conftest import csrf_token
from tests.factories import CommentFactory, PostFactory, TagFactory, UserFactory


def _state(session, model, record_id):
    session.rollback()  # read what the requests committed
    row = session.scalars(with_deleted(select(model).where(model.id == record_id))).first()
    return None if row is None else ("trashed" if row.deleted_at else "live")


def _post(client, url, data, token_page="/admin/trash/"):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, token_page)})


@pytest.fixture
def family(session):
    """A user owning a post with two comments, one trashed on its own before."""
    user = UserFactory(username="ada")
    post = PostFactory(author=user, tags=[TagFactory()])
    kept, earlier = CommentFactory(post=post), CommentFactory(post=post)
    session.commit()
    soft_delete(session, [earlier])
    session.commit()
    return {"user": user, "post": post, "kept": kept, "earlier": earlier}


def _trash_user_in_console(client, user):
    page = f"/admin/user/details/?id={user.id}"
    response = _post(client, "/admin/user/delete/", {"id": str(user.id)}, token_page=page)
    assert response.status_code == 302


def test_delete_cascades_and_restore_brings_back_exactly_that_batch(
    client, session, family, as_role
):
    as_role(Role.EDITOR)
    _trash_user_in_console(client, family["user"])
    for key in ("user", "post", "kept"):
        assert _state(session, type(family[key]), family[key].id) == "trashed"

    bin_page = client.get("/admin/trash/").get_data(as_text=True)
    assert "1 user" in bin_page
    assert "1 post" in bin_page
    batch = session.get(User, family["user"].id, execution_options={INCLUDE_DELETED: True})
    preview = client.get(f"/admin/trash/batch/{batch.delete_batch}/").get_data(as_text=True)
    assert "Restoring brings back <strong>3 record(s)</strong>" in preview

    response = _post(client, "/admin/trash/restore/", {"batch": str(batch.delete_batch)})
    assert response.status_code == 302
    assert _state(session, User, family["user"].id) == "live"
    assert _state(session, Post, family["post"].id) == "live"
    assert _state(session, Comment, family["kept"].id) == "live"
    assert _state(session, Comment, family["earlier"].id) == "trashed"


def test_unique_clash_is_explained_and_nothing_is_restored(client, session, family, as_role):
    batch = soft_delete(session, [family["user"]])
    session.commit()
    taken = UserFactory(username="ada", email="ada2@example.org")
    session.commit()
    as_role(Role.EDITOR)

    preview = client.get(f"/admin/trash/batch/{batch.id}/").get_data(as_text=True)
    assert "username &#39;ada&#39;" in preview
    assert f"/admin/user/details/?id={taken.id}" in preview  # links the live record
    assert "Restore 3 record(s)" not in preview

    response = _post(client, "/admin/trash/restore/", {"batch": str(batch.id)})
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was restored" in follow
    assert _state(session, User, family["user"].id) == "trashed"
    assert _state(session, Post, family["post"].id) == "trashed"


def test_parent_in_trash_is_explained_and_can_be_restored_together(
    client, session, family, as_role
):
    comment_batch = session.get(
        Comment, family["earlier"].id, execution_options={INCLUDE_DELETED: True}
    ).delete_batch
    post_batch = soft_delete(session, [family["post"]]).id
    session.commit()
    as_role(Role.EDITOR)

    preview = client.get(f"/admin/trash/batch/{comment_batch}/").get_data(as_text=True)
    assert "still in the trash" in preview
    assert f"/admin/trash/batch/{post_batch}/" in preview
    assert "with_parents=1" in preview

    data = {"batch": str(comment_batch), "with_parents": "1"}
    assert _post(client, "/admin/trash/restore/", data).status_code == 302
    assert _state(session, Comment, family["earlier"].id) == "live"
    assert _state(session, Post, family["post"].id) == "live"


def test_viewer_sees_the_bin_but_cannot_restore_or_purge(client, session, family, as_role):
    batch = soft_delete(session, [family["post"]]).id
    session.commit()
    as_role(Role.VIEWER)
    preview = client.get(f"/admin/trash/batch/{batch}/")
    assert preview.status_code == 200
    assert "Restore " not in preview.get_data(as_text=True).split("restore-records")[-1]
    for url in ("/admin/trash/restore/", "/admin/trash/purge/"):
        assert _post(client, url, {"batch": str(batch), "confirm": "yes"}).status_code == 403
    assert _state(session, Post, family["post"].id) == "trashed"


def test_only_admins_purge_and_only_when_confirmed(client, session, family, as_role):
    post_id, comment_id = family["post"].id, family["kept"].id
    batch = soft_delete(session, [family["post"]]).id
    session.commit()
    as_role(Role.ADMIN)
    assert _post(client, "/admin/trash/purge/", {"batch": str(batch)}).status_code == 302
    assert _state(session, Post, post_id) == "trashed"

    _post(client, "/admin/trash/purge/", {"batch": str(batch), "confirm": "yes"})
    assert _state(session, Post, post_id) is None
    assert _state(session, Comment, comment_id) is None
    assert session.scalar(select(func.count()).select_from(post_tags)) == 0


def test_per_model_trash_lists_only_trashed_rows(client, session, family, as_role):
    as_role(Role.VIEWER)
    page = client.get("/admin/comment-trash/").get_data(as_text=True)
    assert str(family["earlier"].id) in page
    assert str(family["kept"].id) not in page
    details = client.get(f"/admin/comment-trash/details/?id={family['earlier'].id}")
    assert details.status_code == 200


def test_purge_action_confirms_with_counts_then_purges(client, session, family, as_role):
    post_id = family["post"].id
    soft_delete(session, [family["post"]])
    session.commit()
    as_role(Role.ADMIN)
    token = csrf_token(client, "/admin/post-trash/")
    data = {"action": "purge", "rowid": str(post_id), "csrf_token": token}
    confirm = client.post("/admin/post-trash/action/", data=data).get_data(as_text=True)
    assert "<strong>1 record(s)</strong>" in confirm
    assert "2 comments" in confirm  # the live one and the one trashed before

    data = {"rowid": str(post_id), "confirm": "yes", "csrf_token": token}
    assert client.post("/admin/post-trash/purge/", data=data).status_code == 302
    assert _state(session, Post, post_id) is None


def test_retention_shows_a_dry_run_then_purges_old_rows_only(client, session, as_role):
    old, recent = PostFactory(), PostFactory()
    old_id, recent_id = old.id, recent.id
    soft_delete(session, [old])
    soft_delete(session, [recent])
    old.deleted_at = utc_now() - timedelta(days=45)
    session.commit()
    as_role(Role.ADMIN)

    page = client.get("/admin/trash/retention/").get_data(as_text=True)
    assert "1 posts" in page
    assert _state(session, Post, old_id) == "trashed"
    _post(client, "/admin/trash/retention/", {}, token_page="/admin/trash/retention/")
    assert _state(session, Post, old_id) is None
    assert _state(session, Post, recent_id) == "trashed"


@pytest.mark.parametrize("batch", ["not-a-uuid", "0190a1b2-0000-7000-8000-000000000000"])
def test_bad_or_unknown_batch_is_a_clear_error(client, as_role, batch):
    as_role(Role.VIEWER)
    status = client.get(f"/admin/trash/batch/{batch}/").status_code
    assert status == (400 if batch == "not-a-uuid" else 404)


def test_delete_confirmation_says_what_goes_along_then_trashes_one_batch(
    client, session, family, as_role
):
    as_role(Role.EDITOR)
    listing = client.get("/admin/user/").get_data(as_text=True)
    confirm_url = f"/admin/user/delete-confirm/?id={family['user'].id}"
    assert confirm_url.replace("&", "&amp;") in listing or confirm_url in listing
    page = client.get(confirm_url).get_data(as_text=True)
    assert "this also moves <strong>1 post and 1 comment</strong> to the trash" in page

    token = csrf_token(client, confirm_url)
    data = {"rowid": str(family["user"].id), "csrf_token": token}
    assert client.post("/admin/user/trash-selected/", data=data).status_code == 302
    session.rollback()
    rows = [
        session.get(model, family[key].id, execution_options={INCLUDE_DELETED: True})
        for key, model in (("user", User), ("post", Post), ("kept", Comment))
    ]
    assert len({row.delete_batch for row in rows}) == 1
    assert all(row.deleted_at for row in rows)


def test_bulk_delete_confirms_the_total_first(client, session, as_role):
    posts = [PostFactory(), PostFactory()]
    CommentFactory(post=posts[0])
    session.commit()
    as_role(Role.EDITOR)
    token = csrf_token(client, "/admin/post/")
    data = {"action": "delete", "rowid": [str(p.id) for p in posts], "csrf_token": token}
    page = client.post("/admin/post/action/", data=data).get_data(as_text=True)
    assert "<strong>2 records</strong> go to the trash" in page
    assert "1 comment" in page
    assert _state(session, Post, posts[0].id) == "live"  # nothing happens before confirming


def test_viewer_gets_no_delete_confirmation(client, family, as_role):
    as_role(Role.VIEWER)
    assert client.get(f"/admin/user/delete-confirm/?id={family['user'].id}").status_code == 403
