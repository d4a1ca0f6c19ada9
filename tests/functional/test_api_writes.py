"""Writes through the API: create, read with an ETag, update with If-Match, trash, restore,
purge; every refusal a problem document with each field's error, and nothing changed."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from admin_app.models import AuditEntry, Comment, Post, Role, Tag, User
from admin_app.soft_delete import get_with_deleted, with_deleted
from tests.factories import CommentFactory, PostFactory, TagFactory, UserFactory
from tests.functional.api_client import problem, token_for


@pytest.fixture
def editor(client: Any) -> Any:
    return token_for(client, Role.EDITOR, label="nightly import")


def _new_user(editor: Any, **fields: Any) -> Any:
    body = {"username": "ada", "email": "ada@example.org", **fields}
    response = editor.post("users", body)
    assert response.status_code == 201, response.get_json()
    return response


# --- create and read --------------------------------------------------------------------------


def test_create_answers_201_with_location_and_the_record(editor):
    response = _new_user(editor, first_name="Ada")
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/users/{body['id']}"
    assert response.headers["ETag"] == '"1"'
    assert (body["username"], body["full_name"], body["version"]) == ("ada", "Ada", 1)
    shown = editor.get(f"users/{body['id']}")
    assert shown.status_code == 200
    assert shown.headers["ETag"] == '"1"'
    assert shown.get_json()["email"] == "ada@example.org"


def test_a_post_takes_its_author_and_tags_by_id_and_gets_a_slug(editor, session):
    author, tags = UserFactory(), [TagFactory(), TagFactory()]
    session.commit()
    body = {"title": "Pools", "author_id": str(author.id), "tag_ids": [str(t.id) for t in tags]}
    made = editor.post("posts", body)
    assert made.status_code == 201, made.get_json()
    post = made.get_json()
    assert post["slug"] == "pools"
    assert sorted(post["tag_ids"]) == sorted(str(t.id) for t in tags)


def test_every_field_error_is_named_at_once(editor, session):
    response = editor.post(
        "tasks", {"title": "", "priority": "3", "due_at": "2026-01-01T00:00:00", "slug": "x"}
    )
    errors = problem(response, 400)["errors"]
    assert set(errors) == {"title", "priority", "due_at", "assignee_id", "slug"}
    assert errors["slug"] == ["unknown field"]
    assert session.query(User).count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("version", 7),
        ("id", "0190f2b4-1c2d-7e3f-8a9b-0c1d2e3f4a5b"),
        ("created_at", "2026-01-01T00:00:00Z"),
    ],
)
def test_system_fields_are_read_only(editor, field, value):
    errors = problem(editor.post("tags", {"name": "x", field: value}), 400)["errors"]
    assert errors == {field: ["unknown field"]}


def test_a_relation_to_no_live_record_is_a_field_error(editor, session, trash):
    gone = UserFactory()
    session.commit()
    trash(gone)
    body = {"title": "T", "author_id": str(gone.id), "tag_ids": [str(uuid.uuid4())]}
    errors = problem(editor.post("posts", body), 400)["errors"]
    assert set(errors) == {"author_id", "tag_ids"}


def test_a_body_that_is_not_json_is_415_and_broken_json_400(editor):
    form = editor.client.post("/api/v1/tags", data={"name": "x"}, headers=editor.headers())
    problem(form, 415)
    broken = editor.client.post(
        "/api/v1/tags", data="{", content_type="application/json", headers=editor.headers()
    )
    assert "body" in problem(broken, 400)["errors"]


def test_a_unique_clash_is_409_naming_the_field(editor):
    _new_user(editor)
    errors = problem(editor.post("users", {"username": "ada", "email": "b@example.org"}), 409)
    assert list(errors["errors"]) == ["username"]


def test_a_trashed_record_is_404_and_its_values_free(editor, session, trash):
    user = UserFactory(username="ada")
    session.commit()
    trash(user)
    problem(editor.get(f"users/{user.id}"), 404)
    _new_user(editor)  # the trashed row's username does not block a new one


# --- update ----------------------------------------------------------------------------------


def test_patch_with_if_match_answers_the_new_etag(editor, audit_log):
    made = _new_user(editor).get_json()
    response = editor.patch(f"users/{made['id']}", {"first_name": "Ada"}, if_match='"1"')
    assert response.status_code == 200, response.get_json()
    assert response.headers["ETag"] == '"2"'
    assert response.get_json()["first_name"] == "Ada"
    (entry,) = audit_log.entries(action="update", entity_id=made["id"])
    assert entry.changes["first_name"] == ["", "Ada"]
    assert (entry.actor_name, entry.token_label) == ("editor-api", "nightly import")
    assert entry.request_id


def test_patch_without_if_match_is_428_and_stale_412_and_nothing_changes(editor, session):
    made = _new_user(editor).get_json()
    problem(editor.patch(f"users/{made['id']}", {"first_name": "X"}), 428)
    stale = problem(editor.patch(f"users/{made['id']}", {"first_name": "X"}, if_match='"0"'), 412)
    assert "editor-api (create: " in stale["detail"]
    assert "nothing was changed" in stale["detail"]
    session.rollback()
    assert session.get(User, uuid.UUID(made["id"])).first_name == ""


def test_412_names_every_change_since_the_version_the_script_read(client, editor, session):
    other = token_for(client, Role.ADMIN, label="ticket 42")
    made = _new_user(editor).get_json()
    url = f"users/{made['id']}"
    assert editor.patch(url, {"first_name": "Ada"}, if_match='"1"').status_code == 200
    assert other.patch(url, {"last_name": "King"}, if_match='"2"').status_code == 200
    stale = problem(editor.patch(url, {"email": "x@example.org"}, if_match='"1"'), 412)
    detail = stale["detail"]
    first, second = "editor-api (update: first_name)", "admin-api (update: last_name)"
    assert first in detail
    assert second in detail
    assert detail.index(first) < detail.index(second)  # oldest first, as they happened
    assert [(c["actor"], c["fields"], c["token_label"]) for c in stale["changes"]] == [
        ("editor-api", ["first_name"], "nightly import"),
        ("admin-api", ["last_name"], "ticket 42"),
    ]
    assert stale["current_etag"] == '"3"'
    newer = problem(editor.patch(url, {"email": "x@example.org"}, if_match='"2"'), 412)
    assert [c["actor"] for c in newer["changes"]] == ["admin-api"]
    session.rollback()
    assert session.get(User, uuid.UUID(made["id"])).email == "ada@example.org"


def test_if_match_compares_strongly_so_a_weak_tag_is_412(editor, session):
    made = _new_user(editor).get_json()
    weak = problem(editor.patch(f"users/{made['id']}", {"first_name": "X"}, if_match='W/"1"'), 412)
    assert weak["current_etag"] == '"1"'
    listed = editor.patch(f"users/{made['id']}", {"first_name": "Y"}, if_match='"7", "1"')
    assert listed.status_code == 200


def test_two_scripts_with_one_etag_one_wins_the_other_gets_412(client, editor, session):
    other = token_for(client, Role.EDITOR, label="other script")
    made = _new_user(editor).get_json()
    first = editor.patch(f"users/{made['id']}", {"first_name": "One"}, if_match='"1"')
    second = other.patch(f"users/{made['id']}", {"first_name": "Two"}, if_match='"1"')
    assert (first.status_code, second.status_code) == (200, 412)
    session.rollback()
    assert session.get(User, uuid.UUID(made["id"])).first_name == "One"


def test_a_null_where_the_field_takes_none_is_refused(editor):
    made = _new_user(editor).get_json()
    errors = problem(editor.patch(f"users/{made['id']}", {"username": None}, "*"), 400)["errors"]
    assert list(errors) == ["username"]


def test_a_comment_cannot_become_a_reply_to_itself_or_its_replies(editor, session):
    # Found by Schemathesis: either answered 500 (the flush cannot order the loop).
    top = CommentFactory()
    reply = CommentFactory(post=top.post, parent=top)
    session.commit()
    for parent in (top, reply):
        refused = problem(
            editor.patch(f"comments/{top.id}", {"parent_id": str(parent.id)}, "*"), 400
        )
        assert list(refused["errors"]) == ["parent_id"]
        assert "under itself" in refused["errors"]["parent_id"][0]
    session.rollback()
    assert (session.get(Comment, top.id).parent_id, session.get(Comment, top.id).version) == (
        None,
        1,
    )
    moved = editor.patch(f"comments/{reply.id}", {"parent_id": None}, "*")
    assert (moved.status_code, moved.get_json()["parent_id"]) == (200, None)


# --- delete, restore, purge --------------------------------------------------------------------


def test_delete_trashes_with_the_console_cascade_in_one_batch(editor, session):
    post = PostFactory()
    CommentFactory(post=post)
    CommentFactory(post=post)
    session.commit()
    problem(editor.delete(f"posts/{post.id}"), 428)
    deleted = editor.delete(f"posts/{post.id}", if_match='"1"')
    assert deleted.status_code == 204
    assert "Content-Type" not in deleted.headers  # no body, nothing to describe
    session.rollback()
    trashed = get_with_deleted(session, Post, post.id)
    comments = session.scalars(with_deleted(select(Comment).filter_by(post_id=post.id))).all()
    batch = {c.delete_batch for c in comments}
    assert len(comments) == 2
    assert trashed.deleted_at is not None
    assert batch == {trashed.delete_batch}
    problem(editor.get(f"posts/{post.id}"), 404)
    listed = editor.get("posts", trashed="only").get_json()
    assert [item["id"] for item in listed["items"]] == [str(post.id)]


def test_restore_brings_the_batch_back(editor, session):
    post = PostFactory()
    CommentFactory(post=post)
    session.commit()
    editor.delete(f"posts/{post.id}", if_match='"1"')
    restored = editor.post(f"posts/{post.id}/restore")
    assert restored.status_code == 200, restored.get_json()
    assert restored.headers["X-Restored-Count"] == "2"
    assert editor.get(f"posts/{post.id}").status_code == 200


def test_restore_refused_by_the_preflight_is_409_with_reasons_and_links(editor, session, trash):
    tag = TagFactory(name="pools")
    session.commit()
    trash(tag)
    editor.post("tags", {"name": "pools"})
    refused = problem(editor.post(f"tags/{tag.id}/restore"), 409)
    reasons = {reason["field"]: reason for reason in refused["reasons"]}
    assert set(reasons) == {"name", "slug"}  # the new tag took both
    assert reasons["name"]["kind"] == "unique"
    holder = editor.client.get(reasons["name"]["other"]["href"], headers=editor.headers())
    assert (holder.status_code, holder.get_json()["name"]) == (200, "pools")  # the live one
    assert holder.get_json()["id"] != str(tag.id)
    assert "restore" not in reasons["name"]["other"]  # restoring the holder would not help
    assert {"name", "slug"} == set(refused["errors"])
    session.rollback()
    assert get_with_deleted(session, Tag, tag.id).deleted_at is not None


def test_a_yes_or_no_parameter_is_true_or_false_and_nothing_else(client, editor, session):
    admin = token_for(client, Role.ADMIN, label="clean-up")
    tag = TagFactory()
    session.commit()
    # purge=1 is neither: refused, rather than taken for a plain trash the script did not mean.
    assert (
        "'true' or 'false'"
        in problem(admin.delete(f"tags/{tag.id}", "*", purge="1"), 400)["detail"]
    )
    assert editor.get(f"tags/{tag.id}").status_code == 200  # nothing happened
    assert editor.delete(f"tags/{tag.id}", "*", purge="false").status_code == 204  # a trash
    problem(editor.post(f"tags/{tag.id}/restore?with_parents=yes"), 400)
    assert editor.post(f"tags/{tag.id}/restore?with_parents=false").status_code == 200


def test_restore_of_a_live_record_is_409(editor, session):
    tag = TagFactory()
    session.commit()
    problem(editor.post(f"tags/{tag.id}/restore"), 409)


def test_purge_is_for_admins_and_trashed_records_only(client, editor, session, trash):
    admin = token_for(client, Role.ADMIN, label="clean-up")
    tag = TagFactory()
    session.commit()
    tag_id = tag.id
    problem(admin.delete(f"tags/{tag.id}", purge="true"), 409)
    trash(tag)
    problem(editor.delete(f"tags/{tag.id}", purge="true"), 403)
    assert admin.delete(f"tags/{tag.id}", purge="true").status_code == 204
    session.rollback()
    session.expunge_all()
    assert get_with_deleted(session, Tag, tag_id) is None
    assert session.query(AuditEntry).filter_by(action="purge", token_label="clean-up").count() == 1


# --- roles --------------------------------------------------------------------------------------


def test_a_viewer_reads_but_writes_nothing(client, session):
    viewer = token_for(client, Role.VIEWER)
    tag = TagFactory()
    session.commit()
    assert viewer.get(f"tags/{tag.id}").status_code == 200
    problem(viewer.post("tags", {"name": "x"}), 403)
    problem(viewer.patch(f"tags/{tag.id}", {"name": "y"}, "*"), 403)
    problem(viewer.delete(f"tags/{tag.id}", "*"), 403)
    problem(viewer.post(f"tags/{tag.id}/restore"), 403)
    problem(viewer.get("tags", trashed="only"), 403)


def test_a_viewer_s_full_token_is_refused_for_the_role_not_as_read_only(client):
    # The token is a full one: blaming it would send the script's author to make another.
    viewer = token_for(client, Role.VIEWER)
    for refused in (viewer.post("tags", {"name": "x"}), viewer.get("tags", trashed="only")):
        detail = problem(refused, 403)["detail"]
        assert "the editor role is required" in detail
        assert "read-only" not in detail


def test_a_read_only_token_of_an_admin_only_reads(client, session):
    reader = token_for(client, Role.ADMIN, read_only=True)
    assert reader.get("tags").status_code == 200
    body = problem(reader.post("tags", {"name": "x"}), 403)
    assert "read-only" in body["detail"]


def test_two_scripts_at_once_with_one_etag_exactly_one_wins(app, client, editor, session):
    made = _new_user(editor).get_json()
    start, answers = threading.Barrier(2), []

    def script(name: str) -> None:
        start.wait()
        answers.append(editor.patch(f"users/{made['id']}", {"first_name": name}, '"1"'))

    threads = [threading.Thread(target=script, args=(name,)) for name in ("One", "Two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 412]
    winner = next(a for a in answers if a.status_code == 200).get_json()["first_name"]
    session.rollback()
    user = session.get(User, uuid.UUID(made["id"]))
    assert (user.first_name, user.version) == (winner, 2)


def test_a_parent_in_the_trash_blocks_restore_and_links_to_its_restore(editor, session, trash):
    post = PostFactory()
    comment = CommentFactory(post=post)
    session.commit()
    trash(comment)
    trash(post)
    refused = problem(editor.post(f"comments/{comment.id}/restore"), 409)
    (reason,) = refused["reasons"]
    assert reason["kind"] == "parent"
    other = reason["other"]
    # A GET of the link shows the parent where it is: in the trash.
    shown = editor.client.get(other["href"], headers=editor.headers())
    assert shown.status_code == 200, shown.get_json()
    assert shown.get_json()["id"] == str(post.id)
    assert other["restore"] == {"href": f"/api/v1/posts/{post.id}/restore", "method": "POST"}
    parent = editor.client.open(
        other["restore"]["href"], method=other["restore"]["method"], headers=editor.headers()
    )
    assert parent.status_code == 200, parent.get_json()
    assert editor.post(f"comments/{comment.id}/restore").status_code == 200
    assert editor.get(f"comments/{comment.id}").status_code == 200


def test_with_parents_restores_the_parent_too(editor, session, trash):
    post = PostFactory()
    comment = CommentFactory(post=post)
    session.commit()
    trash(comment)
    trash(post)
    restored = editor.client.post(
        f"/api/v1/comments/{comment.id}/restore",
        query_string={"with_parents": "true"},
        headers=editor.headers(),
    )
    assert restored.status_code == 200, restored.get_json()
    assert editor.get(f"posts/{post.id}").status_code == 200


def test_an_editor_reads_one_trashed_record_and_only_a_trashed_one(client, editor, session, trash):
    tag, live = TagFactory(name="gone"), TagFactory()
    session.commit()
    trash(tag)
    shown = editor.get(f"tags/{tag.id}", trashed="only")
    assert shown.status_code == 200
    body = shown.get_json()
    assert (body["name"], shown.headers["ETag"]) == ("gone", f'"{body["version"]}"')
    problem(editor.get(f"tags/{tag.id}"), 404)  # the plain GET reads live records only
    assert "in the trash" in problem(editor.get(f"tags/{live.id}", trashed="only"), 404)["detail"]
    problem(editor.get(f"tags/{uuid.uuid4()}", trashed="only"), 404)
    problem(editor.get(f"tags/{tag.id}", trashed="yes"), 400)
    viewer = token_for(client, Role.VIEWER)
    assert "editor role" in problem(viewer.get(f"tags/{tag.id}", trashed="only"), 403)["detail"]
