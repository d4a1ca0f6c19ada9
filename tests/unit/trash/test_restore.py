import pytest
from sqlalchemy import select

from admin_app.models import Comment, Post, User
from admin_app.soft_delete import with_deleted
from admin_app.trash import RestoreBlocked, plan_restore, restore
from tests.factories import CommentFactory, PostFactory, ProfileFactory, UserFactory


def _is_trashed(session, model, record_id):
    row = session.scalars(with_deleted(select(model).where(model.id == record_id))).one()
    return row.deleted_at is not None


def test_restore_brings_back_exactly_the_batch(session, trash):
    user = UserFactory()
    ProfileFactory(user=user)
    post = PostFactory(author=user)
    kept_comment = CommentFactory(post=post)
    earlier = CommentFactory(post=post)
    trash(earlier)
    batch = trash(user)
    assert batch.counts() == {"users": 1, "profiles": 1, "posts": 1, "comments": 1}

    plan = restore(session, [batch.id])
    session.commit()

    assert plan.counts() == {"users": 1, "profiles": 1, "posts": 1, "comments": 1}
    assert not _is_trashed(session, User, user.id)
    assert not _is_trashed(session, Post, post.id)
    assert not _is_trashed(session, Comment, kept_comment.id)
    assert _is_trashed(session, Comment, earlier.id)  # trashed on its own, stays trashed


def test_unique_clash_blocks_the_whole_batch(session, trash):
    user = UserFactory(username="ada")
    post = PostFactory(author=user)
    batch = trash(user)
    UserFactory(username="ada", email="other@example.org")
    session.commit()

    with pytest.raises(RestoreBlocked) as blocked:
        restore(session, [batch.id])
    session.rollback()

    (problem,) = blocked.value.plan.problems
    assert problem.kind == "unique"
    assert problem.field == "username"
    assert "'ada'" in problem.message
    assert _is_trashed(session, User, user.id)
    assert _is_trashed(session, Post, post.id)


def test_trashed_parent_blocks_unless_restored_too(session, trash):
    post = PostFactory()
    comment = CommentFactory(post=post)
    comment_batch = trash(comment)
    post_batch = trash(post)

    plan = plan_restore(session, [comment_batch.id])
    assert [p.kind for p in plan.problems] == ["parent"]
    assert plan.parent_batches == {post_batch.id}
    with pytest.raises(RestoreBlocked):
        restore(session, [comment_batch.id])
    session.rollback()
    assert _is_trashed(session, Comment, comment.id)

    plan = restore(session, [comment_batch.id], with_parents=True)
    session.commit()
    assert set(plan.batch_ids) == {comment_batch.id, post_batch.id}
    assert not _is_trashed(session, Post, post.id)
    assert not _is_trashed(session, Comment, comment.id)


def test_two_batches_that_clash_with_each_other_are_refused(session, trash):
    first = UserFactory(username="bo", email="bo1@example.org")
    first_batch = trash(first)
    second = UserFactory(username="bo", email="bo2@example.org")
    second_batch = trash(second)

    plan = plan_restore(session, [first_batch.id, second_batch.id])
    assert [p.field for p in plan.problems] == ["username"]
