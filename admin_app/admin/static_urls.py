"""Static file URLs, built once per app and prefix instead of once per page.

A console page links some twenty scripts and style sheets; each ``url_for`` costs a route
build. Their URLs depend only on the arguments and the mount point (``script_root``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request, url_for

CACHE = "admin_app.static_urls"


def static_url(endpoint: str, **values: Any) -> str:
    """``url_for(endpoint, **values)`` for a static endpoint, remembered by the app."""
    built: dict[Any, str] = current_app.extensions[CACHE]
    key = (request.script_root, endpoint, tuple(sorted(values.items())))
    url = built.get(key)
    if url is None:
        # Keys come from templates' literal file names, so the cache stays small.
        url = built[key] = url_for(endpoint, **values)
    return url


def init_app(app: Flask) -> None:
    app.extensions[CACHE] = {}
    app.add_template_global(static_url, "static_url")
