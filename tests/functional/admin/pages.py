"""Read a console list page the way an operator does: rows, cells, filters, sort links, alerts."""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask.testing import FlaskClient

from tests.conftest import csrf_token


def get_page(client: FlaskClient, path: str, **params: Any) -> str:
    response = client.get(path, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return str(response.get_data(as_text=True))


def listed(page: str, column: str) -> list[str]:
    """The values a list page shows in one column, unescaped, tags stripped."""
    cells = re.findall(rf'<td class="col-{column}">(.*?)</td>', page, flags=re.DOTALL)
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def listed_ids(page: str, endpoint: str) -> list[str]:
    """The record ids of the rows, in page order, from each row's details link."""
    return re.findall(rf"/admin/{endpoint}/details/\?id=([0-9a-f-]+)", page)


def filter_arg(page: str, label: str, operation: str) -> str:
    """The query-string name of a filter, as the page's filter menu offers it."""
    return f"flt0_{filter_menu(page)[label][operation]['arg']}"


def filter_menu(page: str) -> dict[str, dict[str, Any]]:
    """``{label: {operation: {"arg", "options"}}}`` from the filter menu's data."""
    found = re.search(r'<div id="filter-groups-data" class="d-none">(.*?)</div>', page, re.S)
    assert found, "the page offers no filters"
    groups = json.loads(html.unescape(found.group(1)))
    return {label: {f["operation"]: f for f in ops} for label, ops in groups.items()}


def sort_params(page: str, label: str) -> dict[str, str]:
    """The query parameters of a column header's sort link."""
    found = re.search(rf'<a href="([^"]+)" title="Sort by {re.escape(label)}">', page)
    assert found, f"{label} is not sortable"
    return dict(parse_qsl(urlsplit(html.unescape(found.group(1))).query))


def alerts(page: str) -> list[str]:
    found = re.findall(r'<div class="alert alert-[a-z]+ alert-dismissable">(.*?)</div>', page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>|&times;", "", a)).split()) for a in found]


def list_count(page: str) -> int:
    """The record count the list's tab shows; 0 when it shows none."""
    found = re.search(r">List \((\d+)\)</a>", page)
    return int(found.group(1)) if found else 0


def opened_form(client: Any, path: str) -> dict[str, str]:
    """What the edit form carries when it is opened: its CSRF token and version."""
    page = client.get(path).get_data(as_text=True)
    version = re.search(r'name="seen_version" type="hidden" value="(\d+)"', page) or re.search(
        r'id="seen_version" name="seen_version" type="hidden" value="(\d+)"', page
    )
    assert version, "the edit form carries no version"
    return {"csrf_token": csrf_token(client, path), "seen_version": version.group(1)}
