"""CSV export values that a spreadsheet shows as text and never runs as a formula."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

# OWASP "CSV injection": a cell starting with one of these may be evaluated as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Return ``value`` as text with a leading apostrophe if it could start a formula.

    Numbers pass unchanged: a spreadsheet reads ``-3`` as a number, never as a formula.
    """
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
