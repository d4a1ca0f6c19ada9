"""The session class: closes the identity-map leaks of soft-delete scoping."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.orm import attributes
from sqlalchemy.orm.base import PassiveFlag

from admin_app.soft_delete.scoping import includes_deleted


class SoftDeleteSession(FlaskSession):
    """Session whose identity-map look-ups never hand out a soft-deleted row.

    ``Session.get`` and many-to-one lazy loads find objects in the identity map without SQL,
    so the soft-delete criteria never see them. A trashed (or not yet known) object is
    reported as missing here, which sends the look-up to SQL where the criteria apply and
    ``include_deleted`` is honoured.
    """

    def _identity_lookup(  # type: ignore[override]
        self, mapper: Any, primary_key_identity: Any, **kw: Any
    ) -> Any:
        found = super()._identity_lookup(mapper, primary_key_identity, **kw)
        passive = kw.get("passive", PassiveFlag.PASSIVE_OFF)
        if (
            found is None
            or not isinstance(found, mapper.class_)
            or "deleted_at" not in mapper.columns
            or not passive & PassiveFlag.SQL_OK
            or includes_deleted(kw.get("execution_options"))
        ):
            return found
        state = attributes.instance_state(found)
        if state.dict.get("deleted_at", ...) is None:
            return found
        return None
