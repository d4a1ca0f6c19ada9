"""A list page's own links are built without ``url_for`` per link (admin/list_urls.py): they
must be exactly what Flask-Admin's ``_get_list_url`` writes, or a pager, sort or page-size
link would open another list than its label says."""

from __future__ import annotations

from typing import Any

import pytest
from flask_admin.contrib.sqla import ModelView

from admin_app.admin import list_urls

QUERIES = [
    "",
    "search=caf%C3%A9+au+lait&sort=0&desc=1",
    "page_size=50&flt0_0=x%20y%26z&flt1_1=1&foo=a%2Fb%3Fc",
    "page=3&search=%22connection+pool%22+-vacuum",
]


def _views(app: Any) -> list[Any]:
    return [v for v in app.extensions["admin_app.console"]._views if isinstance(v, ModelView)]


@pytest.mark.parametrize("query", QUERIES)
def test_every_list_link_is_what_flask_admin_writes(app: Any, query: str) -> None:
    for view in _views(app):
        with app.test_request_context(f"{view.url}/?{query}"):
            shown = view._get_list_extra_args()
            variants = [
                shown,
                shown.clone(page=7),
                shown.clone(sort=1, sort_desc=1),
                shown.clone(search="ü & <b>", page=None),
                shown.clone(page_size=100),
                shown.clone(filters=[], extra_args={"after": "x y", "empty": ""}),
            ]
            for args in variants:
                assert list_urls.list_url(view, args) == ModelView._get_list_url(view, args)
