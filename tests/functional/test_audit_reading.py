"""The audit trail reads as an operator needs: names for ids, transactions told apart, no noise."""

from __future__ import annotations

import re

from admin_app.models import Role
from admin_app.trash import purge, soft_delete
from tests.factories import PostFactory, TagFactory, UserFactory


def test_diffs_name_the_records_ids_point_at_and_keep_the_id_on_hover(
    client, session, as_role, audit_log
):
    ada, grace = UserFactory(username="ada"), UserFactory(username="grace")
    post = PostFactory(author=ada, title="Moved post")
    session.commit()
    post.author = grace
    session.commit()
    editor = as_role(Role.EDITOR)
    soft_delete(session, [post], actor_id=editor.id)
    session.commit()

    page = client.get("/admin/audit/?search=Moved").get_data(as_text=True)
    ada_link = f'<a href="/admin/user/details/?id={ada.id}" title="{ada.id}">ada</a>'
    grace_link = f'<a href="/admin/user/details/?id={grace.id}" title="{grace.id}">grace</a>'
    assert f"<del>{ada_link}</del> → <ins>{grace_link}</ins>" in page
    assert f'title="{editor.id}">{editor.username}</a>' in page  # deleted_by names the operator
    history = client.get(f"/admin/audit/history/post/{post.id}/").get_data(as_text=True)
    assert grace_link in history


def test_a_purged_reference_still_shows_its_id(client, session, as_role, audit_log):
    ada = UserFactory(username="ada")
    PostFactory(author=ada, title="Orphan")
    session.commit()
    ada_id = ada.id
    batch = soft_delete(session, [ada])
    session.commit()
    purge(session, batch.records[:1])
    session.commit()
    as_role(Role.VIEWER)
    page = client.get("/admin/audit/?search=Orphan").get_data(as_text=True)
    assert f'<span title="{ada_id}">purged record …{str(ada_id)[-8:]}</span>' in page


def test_two_transactions_in_one_second_are_told_apart(client, session, as_role, audit_log):
    for name in ("first", "second"):
        TagFactory(name=name)
        session.commit()
    as_role(Role.VIEWER)
    page = client.get("/admin/audit/?flt0_0=tag").get_data(as_text=True)
    shown = re.findall(r"<code>…([0-9a-f]{8})</code>", page)
    transactions = {str(e.transaction_id) for e in audit_log.entries(entity_type="tag")}
    assert len(transactions) == 2
    assert len(set(shown)) == 2
    assert {t[-8:] for t in transactions} == set(shown)


def test_a_new_record_s_entry_has_no_empty_collections(session, audit_log):
    UserFactory(username="fresh")
    TagFactory(name="lonely")
    session.commit()
    for entry in audit_log.entries(action="create"):
        assert [] not in [pair[0] for pair in entry.changes.values() if pair[1] == []], entry
    tag = audit_log.entries(action="create", entity_type="tag")[0]
    assert "posts" not in tag.changes
