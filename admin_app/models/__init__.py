"""The data model: mixins, the demo domain, operators, and the query layer."""

from admin_app.models import accounts, events, query, throttle
from admin_app.models.accounts import LastAdminError
from admin_app.models.activity import daily_activity, daily_trashed
from admin_app.models.audit import Action, AuditEntry
from admin_app.models.jobs import BulkJob
from admin_app.models.mixins import TimestampMixin, UUIDMixin
from admin_app.models.operators import Operator, Role
from admin_app.models.posts import Comment, Post, Tag, post_tags
from admin_app.models.tasks import Priority, Task
from admin_app.models.tokens import ApiToken
from admin_app.models.users import Profile, User

# The domain models the console, the API and the seeds work on, in dependency order.
DOMAIN_MODELS = (User, Profile, Tag, Post, Comment, Task)


def register() -> None:
    """Attach the models' listeners once; safe to call again."""
    events.register()
    accounts.register()


__all__ = [
    "DOMAIN_MODELS",
    "Action",
    "ApiToken",
    "AuditEntry",
    "BulkJob",
    "Comment",
    "LastAdminError",
    "Operator",
    "Post",
    "Priority",
    "Profile",
    "Role",
    "Tag",
    "Task",
    "TimestampMixin",
    "UUIDMixin",
    "User",
    "daily_activity",
    "daily_trashed",
    "post_tags",
    "query",
    "register",
    "throttle",
]
