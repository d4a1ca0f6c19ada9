"""factory_boy factories for the demo domain, saved through the Flask-SQLAlchemy session."""

from __future__ import annotations

from datetime import timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory

from admin_app.columns import utc_now
from admin_app.extensions import db
from admin_app.models import Comment, Post, Profile, Tag, Task, User


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - factory_boy wants a callable
        sqlalchemy_session_persistence = "flush"


class UserFactory(_Base):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")


class ProfileFactory(_Base):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    bio = "Writes about databases."
    location = "Lisbon"


class TagFactory(_Base):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"Tag {n}")


class PostFactory(_Base):
    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"Post number {n}")
    body = "Some words about connection pools and soft delete."
    author = factory.SubFactory(UserFactory)
    published_at = factory.LazyFunction(lambda: utc_now() - timedelta(days=1))


class CommentFactory(_Base):
    class Meta:
        model = Comment

    body = factory.Sequence(lambda n: f"Comment {n} on the post.")
    author = factory.SubFactory(UserFactory)
    post = factory.SubFactory(PostFactory)


class TaskFactory(_Base):
    class Meta:
        model = Task

    title = factory.Sequence(lambda n: f"Task {n}")
    due_at = factory.LazyFunction(lambda: utc_now() + timedelta(days=3))
    assignee = factory.SubFactory(UserFactory)
