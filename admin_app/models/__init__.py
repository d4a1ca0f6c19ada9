"""The data model: mixins, the demo domain, operators, and the query layer."""

from admin_app.models import query
from admin_app.models.activity import daily_activity
from admin_app.models.audit import Action, AuditEntry
from admin_app.models.events import register
from admin_app.models.mixins import TimestampMixin, UUIDMixin
from admin_app.models.operators import Operator, Role
from admin_app.models.posts import Comment, Post, Tag, post_tags
from admin_app.models.tasks import Priority, Task
from admin_app.models.users import Profile, User

# The domain models the console, the API and the seeds work on, in dependency order.
DOMAIN_MODELS = (User, Profile, Tag, Post, Comment, Task)

__all__ = [
    "DOMAIN_MODELS",
    "Action",
    "AuditEntry",
    "Comment",
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
    "post_tags",
    "query",
    "register",
]
