"""Soft delete: trashed rows carry ``deleted_at`` and vanish from every ORM read unless asked for.

- ``SoftDeleteMixin`` gives a model ``deleted_at``, ``deleted_by`` and ``delete_batch``.
- ``register()`` adds ``deleted_at IS NULL`` to every ORM select, bulk UPDATE and DELETE.
- ``SoftDeleteSession`` closes the identity-map look-ups that never reach SQL.
- ``with_deleted`` (the ``include_deleted`` option), ``only_deleted`` and ``active`` scope one
  statement on purpose.

Moving records to the trash, restoring and purging them is the ``trash`` service's work.
"""

from admin_app.soft_delete.mixin import SoftDeleteMixin, is_soft_deletable
from admin_app.soft_delete.scoping import (
    INCLUDE_DELETED,
    active,
    get_with_deleted,
    includes_deleted,
    only_deleted,
    register,
    with_deleted,
)
from admin_app.soft_delete.session import SoftDeleteSession

__all__ = [
    "INCLUDE_DELETED",
    "SoftDeleteMixin",
    "SoftDeleteSession",
    "active",
    "get_with_deleted",
    "includes_deleted",
    "is_soft_deletable",
    "only_deleted",
    "register",
    "with_deleted",
]
