"""The demo data set: deterministic (fixed text, fixed dates) and idempotent (natural keys)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from admin_app.models import Comment, Post, Profile, Tag, Task, User
from admin_app.models.query import AnySession
from admin_app.soft_delete import with_deleted

ANCHOR = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
PEOPLE = [
    ("ada", "Ada", "Lovelace", "London"),
    ("grace", "Grace", "Hopper", "Arlington"),
    ("linus", "Linus", "Torvalds", "Portland"),
    ("margaret", "Margaret", "Hamilton", "Boston"),
    ("alan", "Alan", "Turing", "Manchester"),
    ("barbara", "Barbara", "Liskov", "Cambridge"),
    ("edsger", "Edsger", "Dijkstra", "Austin"),
    ("zoë", "Zoë", "Ångström", "Uppsala"),
]
TAGS = [
    "Python",
    "Databases",
    "Flask",
    "Security",
    "Performance",
    "Testing",
    "Design",
    "Operations",
    "Tutorial",
    "Release notes",
]
TOPICS = [
    "connection pooling",
    "soft delete",
    "audit trails",
    "full-text search",
    "schema migrations",
    "query planning",
    "unicode slugs",
    "retention policies",
    "role based access",
    "background jobs",
    "caching strategies",
    "index tuning",
]
WORDS = (
    "the",
    "a",
    "database",
    "query",
    "index",
    "table",
    "row",
    "column",
    "transaction",
    "session",
    "pool",
    "connection",
    "operator",
    "request",
    "latency",
    "throughput",
    "cache",
    "flask",
    "sqlalchemy",
    "postgres",
    "sqlite",
    "migration",
    "restore",
    "trash",
    "audit",
    "filter",
    "search",
    "page",
    "view",
    "model",
    "field",
    "value",
)


def _body(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _existing(session: AnySession, model: Any, column: str) -> dict[str, Any]:
    rows = session.scalars(with_deleted(select(model)))
    return {getattr(row, column): row for row in rows}


def seed_demo(session: AnySession) -> dict[str, int]:
    """Add whatever demo rows are missing; return how many of each were added. Never commits."""
    rng = random.Random(20260901)  # noqa: S311 - fixed seed for repeatable demo text, not security
    added = {"users": 0, "tags": 0, "posts": 0, "comments": 0, "tasks": 0}
    users = _seed_users(session, added)
    tags = _seed_tags(session, added)
    posts = _seed_posts(session, rng, users, tags, added)
    _seed_comments(session, rng, users, posts, added)
    _seed_tasks(session, rng, users, posts, added)
    session.flush()
    return added


def _seed_users(session: AnySession, added: dict[str, int]) -> list[User]:
    known = _existing(session, User, "username")
    for username, first, last, city in PEOPLE:
        if username not in known:
            user = User(
                username=username,
                email=f"{username}@example.org".replace("ë", "e"),
                first_name=first,
                last_name=last,
            )
            user.profile = Profile(
                bio=f"{first} writes about software.",
                location=city,
                website=f"https://example.org/~{username}",
            )
            session.add(user)
            known[username] = user
            added["users"] += 1
    return [known[p[0]] for p in PEOPLE]


def _seed_tags(session: AnySession, added: dict[str, int]) -> list[Tag]:
    known = _existing(session, Tag, "name")
    for name in TAGS:
        if name not in known:
            known[name] = Tag(name=name)
            session.add(known[name])
            added["tags"] += 1
    return [known[name] for name in TAGS]


def _seed_posts(
    session: AnySession,
    rng: random.Random,
    users: list[User],
    tags: list[Tag],
    added: dict[str, int],
) -> list[Post]:
    known = _existing(session, Post, "title")
    posts = []
    for n in range(36):
        topic = TOPICS[n % len(TOPICS)]
        title = f"Notes on {topic}, part {n // len(TOPICS) + 1}"
        body = _body(rng, rng.randint(40, 900))
        author, post_tags = users[n % len(users)], rng.sample(tags, k=1 + n % 3)
        published = ANCHOR + timedelta(days=n * 3) if n % 4 else None
        if title not in known:
            known[title] = Post(
                title=title, body=body, author=author, tags=post_tags, published_at=published
            )
            session.add(known[title])
            added["posts"] += 1
        posts.append(known[title])
    return posts


def _seed_comments(
    session: AnySession,
    rng: random.Random,
    users: list[User],
    posts: list[Post],
    added: dict[str, int],
) -> None:
    known = _existing(session, Comment, "body")
    thread: list[Comment] = []
    for n in range(90):
        body = f"Comment {n + 1}: " + _body(rng, rng.randint(5, 30))
        # Every comment after the first round replies to the one a round earlier, same post.
        parent = thread[n - len(posts)] if n >= len(posts) else None
        if body not in known:
            known[body] = Comment(
                body=body,
                author=users[(n * 3) % len(users)],
                post=posts[n % len(posts)],
                parent=parent,
            )
            session.add(known[body])
            added["comments"] += 1
        thread.append(known[body])


def _seed_tasks(
    session: AnySession,
    rng: random.Random,
    users: list[User],
    posts: list[Post],
    added: dict[str, int],
) -> None:
    known = _existing(session, Task, "title")
    for n in range(24):
        title = f"Review {TOPICS[n % len(TOPICS)]} ({n + 1})"
        due = ANCHOR + timedelta(days=n * 9, hours=n)
        done = due - timedelta(days=1) if n % 3 == 0 else None
        priority = 1 + rng.randrange(4)
        if title not in known:
            session.add(
                Task(
                    title=title,
                    due_at=due,
                    done_at=done,
                    priority=priority,
                    assignee=users[n % len(users)],
                    post=posts[n % len(posts)],
                )
            )
            added["tasks"] += 1
