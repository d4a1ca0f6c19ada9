from sqlalchemy import func, select, update
from sqlalchemy.orm import lazyload

from admin_app.models import Comment, Post, Tag, Task, User
from admin_app.soft_delete import INCLUDE_DELETED, active, only_deleted, with_deleted
from admin_app.trash import soft_delete
from tests.factories import CommentFactory, PostFactory, TagFactory, TaskFactory, UserFactory


def test_lists_and_counts_hide_trashed_rows(session, trash):
    kept, gone = PostFactory(), PostFactory()
    trash(gone)
    assert session.scalars(select(Post)).all() == [kept]
    assert session.scalar(select(func.count()).select_from(Post)) == 1


def test_get_of_trashed_object_in_identity_map_returns_none(session, trash):
    post = PostFactory()
    session.commit()
    trash(post)
    assert post in session  # still in the identity map
    assert session.get(Post, post.id) is None


def test_get_in_a_new_session_returns_none_and_bypass_finds_it(session, trash):
    post = PostFactory()
    trash(post)
    post_id = post.id
    session.expunge_all()
    assert session.get(Post, post_id) is None
    found = session.get(Post, post_id, execution_options={INCLUDE_DELETED: True})
    assert found is not None
    assert found.deleted_at is not None


def test_many_to_one_from_identity_map_hides_trashed_parent(session, trash):
    task = TaskFactory(post=PostFactory())
    trash(task.post)
    task_id, post_id = task.id, task.post_id
    session.expunge_all()
    # The trashed post sits in the identity map; a lazy many-to-one load looks there first.
    assert session.get(Post, post_id, execution_options={INCLUDE_DELETED: True})
    loaded = session.scalars(
        select(Task).where(Task.id == task_id).options(lazyload(Task.post))
    ).one()
    assert loaded.post_id == post_id
    assert loaded.post is None


def test_many_to_one_of_new_object_hides_trashed_parent_in_identity_map(session, trash):
    post = PostFactory()
    trash(post)
    # A new object has no loader criteria of its own: its lazy load finds the post in the map.
    task = TaskFactory(post_id=post.id)
    assert task.post is None


def test_one_to_many_and_many_to_many_loads_hide_trashed_children(session, trash):
    post = PostFactory()
    live_comment, gone_comment = CommentFactory(post=post), CommentFactory(post=post)
    live_tag, gone_tag = TagFactory(), TagFactory()
    post.tags = [live_tag, gone_tag]
    session.commit()
    trash(gone_comment, gone_tag)
    session.expire_all()
    assert post.comments == [live_comment]
    assert post.tags == [live_tag]


def test_any_and_has_subqueries_ignore_trashed_rows(session, trash):
    with_trashed_comment = PostFactory()
    gone = CommentFactory(post=with_trashed_comment)
    trash(gone)
    assert session.scalars(select(Post).where(Post.comments.any())).all() == []
    assert session.scalars(select(Comment).where(Comment.post.has())).all() == []


def test_hybrid_subqueries_count_live_rows_only(session, trash):
    user = UserFactory()
    PostFactory(author=user)
    gone = PostFactory(author=user)
    trash(gone)
    assert session.scalar(select(User.post_count).where(User.id == user.id)) == 1


def test_scope_helpers(session, trash):
    kept, gone = PostFactory(), PostFactory()
    trash(gone)
    assert set(session.scalars(with_deleted(select(Post)))) == {kept, gone}
    assert session.scalars(only_deleted(select(Post), Post)).all() == [gone]
    # active() also works on Core statements, which the ORM listener never sees.
    core = active(select(Post.__table__.c.id), Post)
    assert session.connection().execute(core).scalars().all() == [kept.id]


def test_orm_bulk_update_skips_trashed_rows(session, trash):
    kept, gone = TaskFactory(priority=1), TaskFactory(priority=1)
    trash(gone)
    session.execute(update(Task).values(priority=4))
    session.commit()
    rows = session.execute(with_deleted(select(Task.id, Task.priority))).all()
    assert dict(rows) == {kept.id: 4, gone.id: 1}


def test_cascade_moves_owned_rows_in_one_batch(session, trash):
    user = UserFactory()
    post = PostFactory(author=user)
    comment = CommentFactory(post=post)
    earlier = CommentFactory(post=post)
    trash(earlier)
    batch = soft_delete(session, [user])
    session.commit()
    assert {r.id for r in batch.records} == {user.id, post.id, comment.id}
    assert earlier.delete_batch != batch.id
    assert session.scalar(select(func.count()).select_from(Tag)) == 0
