"""Soft delete with cascade to owned children, grouped in one delete batch."""

from admin_app.trash.service import TrashBatch, owned_children, soft_delete

__all__ = ["TrashBatch", "owned_children", "soft_delete"]
