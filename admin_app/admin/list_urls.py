"""A list page's own links (pager, sort headers, page size), built cheaply.

A list page has some twenty such links. Flask-Admin builds each through ``url_for`` and
reads the query string again for every one; here the page's base URL and the arguments
it was shown with are worked out once per request, and each link only encodes its query
string, the same way ``url_for`` does, so the links are byte for byte what it would write.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import g, url_for
from werkzeug.datastructures import iter_multi_items

# What werkzeug leaves unquoted in a query string (werkzeug.urls._urlencode).
QUERY_SAFE = "!$'()*,/:;?@"
_CACHE = "console_list_urls"  # flask.g: per view endpoint, (base URL, arguments shown)


def _cached(view: Any) -> tuple[str, Any]:
    cache: dict[str, tuple[str, Any]] = g.setdefault(_CACHE, {})
    if view.endpoint not in cache:
        cache[view.endpoint] = (url_for(f"{view.endpoint}.index_view"), view._get_list_extra_args())
    return cache[view.endpoint]


def shown_args(view: Any) -> Any:
    """The arguments the list is shown with (Flask-Admin's ViewArgs); do not modify them."""
    return _cached(view)[1]


def list_url(view: Any, view_args: Any) -> str:
    """What Flask-Admin's ``_get_list_url`` returns for ``view_args``, without ``url_for``."""
    kwargs: dict[str, Any] = {
        "page": view_args.page or None,
        "sort": view_args.sort,
        "desc": 1 if view_args.sort_desc else None,
        "search": view_args.search,
    }
    kwargs.update(view_args.extra_args)
    kwargs["page_size"] = view.get_safe_page_size(view_args.page_size)
    kwargs.update(view._get_filters(view_args.filters))
    items = [item for item in iter_multi_items(kwargs) if item[1] is not None]
    base = _cached(view)[0]
    return f"{base}?{urlencode(items, safe=QUERY_SAFE)}" if items else base
