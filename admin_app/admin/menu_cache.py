"""The navigation menu, rendered once per app, role, page and mount point.

Flask-Admin's menu macro asks every view whether the operator may see it and builds each
link's URL on every page. What it shows depends only on the operator's role (``is_accessible``
is ``has_role``), on which view is open (the active item) and on the mount point
(``script_root``): the role is read from the operator loaded for this request, so a
changed role shows on the next page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from markupsafe import Markup

from admin_app.auth.roles import current_operator

CACHE = "admin_app.menu_cache"


def cached_menu(admin_view: Any, render: Callable[[], Markup]) -> Markup:
    """``render()`` (the layout's menu macro) for this role and page, remembered by the app."""
    operator = current_operator()
    role = None if operator is None else operator.role
    key = (request.script_root, role, admin_view.endpoint)
    built: dict[Any, Markup] = current_app.extensions[CACHE]
    menu = built.get(key)
    if menu is None:
        # Roles times views times mount points: a few hundred entries at most.
        menu = built[key] = render()  # the macro returns escaped Markup
    return menu


def init_app(app: Flask) -> None:
    app.extensions[CACHE] = {}
    app.add_template_global(cached_menu, "cached_menu")
