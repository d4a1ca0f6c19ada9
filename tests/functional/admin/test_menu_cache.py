"""The navigation menu is rendered once per role and page, and still follows the operator's role."""

from __future__ import annotations

import re
from typing import Any

from admin_app.models import Role
from tests.conftest import make_operator, sign_in
from tests.functional.admin.pages import get_page

OPERATORS_LINK = 'href="/admin/operator/"'


def test_the_menu_follows_a_changed_role(client, session: Any, as_role):
    make_operator("the-other-admin", Role.ADMIN)  # the last admin cannot be demoted
    operator = as_role(Role.ADMIN)
    assert OPERATORS_LINK in get_page(client, "/admin/post/")

    operator.role = Role.VIEWER.value
    session.commit()
    sign_in(client, operator.username)  # a role change ends the operator's sessions

    page = get_page(client, "/admin/post/")
    assert OPERATORS_LINK not in page
    assert 'href="/admin/post/"' in page


def test_the_open_page_is_the_active_menu_item(client, as_role):
    as_role(Role.ADMIN)
    for endpoint in ("post", "tag", "post"):
        page = get_page(client, f"/admin/{endpoint}/")
        active = re.findall(r'class="dropdown-item active\s*" href="(/admin/[a-z-]+/)"', page)
        assert active == [f"/admin/{endpoint}/"]
