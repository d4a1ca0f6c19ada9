"""One pydantic model per resource and purpose: what a POST may send, what a PATCH may send,
and what the API answers. The same classes validate requests and write the OpenAPI document.

Writable fields are the console's form fields, with relations by id (``author_id``,
``tag_ids``); system fields (id, timestamps, version, generated slugs, stored counts) are
read-only, so sending one is an unknown field.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, create_model

REQUIRED: Any = ...


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("give a time zone (Z or +hh:mm)")
    return value


def text(max_length: int, *, min_length: int = 0) -> Any:
    # NUL is refused: neither database stores it in text.
    return Annotated[
        str, Field(min_length=min_length, max_length=max_length, pattern=r"^[^\x00]*$")
    ]


When = Annotated[datetime, AfterValidator(_aware)]
Name80 = text(80, min_length=1)

# name -> {field: (type, default on create)}; REQUIRED marks what a POST must send.
WRITABLE: dict[str, dict[str, tuple[Any, Any]]] = {
    "users": {
        "username": (Name80, REQUIRED),
        "email": (EmailStr, REQUIRED),
        "first_name": (text(80), ""),
        "last_name": (text(80), ""),
        "is_active": (bool, True),
    },
    "profiles": {
        "user_id": (uuid.UUID, REQUIRED),
        "bio": (text(10_000), ""),
        "website": (text(255) | None, None),
        "location": (text(120) | None, None),
    },
    "posts": {
        "title": (text(200, min_length=1), REQUIRED),
        "author_id": (uuid.UUID, REQUIRED),
        "tag_ids": (list[uuid.UUID], []),
        "body": (text(1_000_000), ""),
        "published_at": (When | None, None),
    },
    "tags": {"name": (text(50, min_length=1), REQUIRED)},
    "comments": {
        "body": (text(100_000, min_length=1), REQUIRED),
        "author_id": (uuid.UUID, REQUIRED),
        "post_id": (uuid.UUID, REQUIRED),
        "parent_id": (uuid.UUID | None, None),
    },
    "tasks": {
        "title": (text(200, min_length=1), REQUIRED),
        "assignee_id": (uuid.UUID, REQUIRED),
        "post_id": (uuid.UUID | None, None),
        "priority": (Annotated[int, Field(ge=1, le=4)], 2),
        "due_at": (When, REQUIRED),
        "done_at": (When | None, None),
    },
}

SYSTEM: dict[str, tuple[Any, Any]] = {
    "id": (uuid.UUID, REQUIRED),
    "created_at": (datetime, REQUIRED),
    "updated_at": (datetime, REQUIRED),
    "version": (int, REQUIRED),
}
READ_ONLY: dict[str, dict[str, tuple[Any, Any]]] = {
    "posts": {"slug": (str, REQUIRED), "comment_count": (int, 0), "reading_minutes": (int, 0)},
    "tags": {"slug": (str, REQUIRED), "post_count": (int, 0)},
    "users": {"full_name": (str, ""), "post_count": (int, 0)},
    "comments": {"reply_count": (int, 0)},
    "tasks": {"is_overdue": (bool, False)},
}


class Strict(BaseModel):
    """Unknown fields are refused and no type is guessed: ``"1"`` is not a number."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _title(resource: str) -> str:
    return resource.removesuffix("s").capitalize()


def _create_model(resource: str) -> type[Strict]:
    fields = dict(WRITABLE[resource].items())
    return create_model(f"{_title(resource)}Create", __base__=Strict, **fields)  # type: ignore[call-overload,no-any-return]


def _update_model(resource: str) -> type[Strict]:
    # Every field may be left out; one sent must be valid (a null where the column takes
    # none is refused: defaults are not validated, sent values are).
    fields = {name: (kind, None) for name, (kind, _) in WRITABLE[resource].items()}
    return create_model(f"{_title(resource)}Update", __base__=Strict, **fields)  # type: ignore[call-overload,no-any-return]


def _read_model(resource: str) -> type[BaseModel]:
    fields: dict[str, Any] = dict(SYSTEM)
    for name, (kind, _) in WRITABLE[resource].items():
        fields[name] = (kind, REQUIRED)
    fields |= READ_ONLY.get(resource, {})
    return create_model(_title(resource), **fields)  # type: ignore[call-overload,no-any-return]


CREATE = {name: _create_model(name) for name in WRITABLE}
UPDATE = {name: _update_model(name) for name in WRITABLE}
READ = {name: _read_model(name) for name in WRITABLE}


def field_errors(exc: Any) -> dict[str, list[str]]:
    """pydantic's errors as ``{"field": ["what is wrong", ...]}``; ``""`` for the whole body."""
    found: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in error["loc"])
        message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
        found.setdefault(where, []).append(message)
    return found
