"""The audit trail: session listeners record every ORM write in the same transaction."""

from admin_app.audit.listeners import ACTION_OVERRIDE, is_audited, register
from admin_app.audit.prune import prune_older_than, pruning
from admin_app.audit.records import record

__all__ = ["ACTION_OVERRIDE", "is_audited", "prune_older_than", "pruning", "record", "register"]
