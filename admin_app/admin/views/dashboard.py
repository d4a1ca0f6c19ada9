"""The console home: counts per model, overdue tasks, recent deletions, activity charts."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_admin import AdminIndexView, expose

from admin_app.admin.access import AccessMixin, requires
from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models import DOMAIN_MODELS, Role
from admin_app.models.batches import newest_batches
from admin_app.models.counts import model_counts
from admin_app.models.naming import entity_type
from admin_app.models.reports import DailyActivity, activity_by_day, overdue_tasks

# The restore page is owned by the trash views; the dashboard links to it by URL.
RESTORE_URL = "/admin/trash/batch/{batch_id}/"
RECENT_BATCHES = 10  # through the trashed-rows indexes, as the recycle bin pages them


class DashboardView(AccessMixin, AdminIndexView):
    @expose("/")
    @requires(Role.VIEWER)
    def index(self) -> str:
        models: list[Any] = list(DOMAIN_MODELS)
        threshold = settings_of(current_app)["lists"]["count_threshold"]
        counts = model_counts(db.session, models, threshold=threshold)
        rows = [
            (model.__name__, entity_type(model), counts[model.__tablename__]) for model in models
        ]
        return self.render(
            "admin/dashboard.html",
            rows=rows,
            overdue=overdue_tasks(db.session),
            deletions=newest_batches(db.session, models, limit=RECENT_BATCHES).batches,
            restore_url=RESTORE_URL,
            charts=_chart_data(activity_by_day(db.session, models)),
        )


def _chart_data(activity: DailyActivity) -> dict[str, Any]:
    return {
        "labels": [day.strftime("%b %d").replace(" 0", " ") for day in activity.days],
        "created": activity.created,
        "deleted": activity.deleted,
    }
