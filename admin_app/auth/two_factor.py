"""TOTP two-factor sign-in (RFC 6238): enrolment with a QR code drawn here, codes that
work once, and recovery codes that work once.

Codes are checked on ``sessions.now()``, so tests can freeze the clock.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
import segno
from flask import current_app
from markupsafe import Markup

from admin_app.auth import sessions
from admin_app.config import settings_of
from admin_app.models import Operator, Role

RECOVERY_CODES = 10
# A code from the step before or after still counts: phone clocks drift.
DRIFT_STEPS = 1


def start_enrolment(operator: Operator) -> None:
    """Give ``operator`` a new secret, not in force until a code from it is confirmed."""
    operator.totp_secret = pyotp.random_base32()
    operator.totp_enabled_at = None


def provisioning_qr(operator: Operator) -> Markup:
    """The secret as an otpauth:// QR code, inline SVG (no image leaves the server)."""
    issuer = settings_of(current_app)["app"]["name"]
    uri = pyotp.TOTP(operator.totp_secret or "").provisioning_uri(
        name=operator.username, issuer_name=issuer
    )
    svg = segno.make(uri, error="m").svg_inline(scale=4, title="Two-factor set-up code")
    return Markup(svg)  # noqa: S704 -- segno's own SVG of a URI it encoded, no user markup


def _matching_step(operator: Operator, code: str) -> int | None:
    totp = pyotp.TOTP(operator.totp_secret or "")
    moment = sessions.now()
    for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        at = moment.timestamp() + offset * totp.interval
        if hmac.compare_digest(totp.at(at), code):
            return int(totp.timecode(moment) + offset)
    return None


def accept_code(operator: Operator, code: str) -> bool:
    """Whether ``code`` is a current TOTP code not used before; remember it as used."""
    code = code.strip().replace(" ", "")
    if not operator.totp_secret or not code.isdigit():
        return False
    step = _matching_step(operator, code)
    if step is None or step <= (operator.totp_last_step or -1):
        return False
    operator.totp_last_step = step
    return True


def confirm_enrolment(operator: Operator, code: str) -> list[str] | None:
    """Put two-factor sign-in in force if ``code`` is right; return the recovery codes,
    shown once and stored only as hashes."""
    if not accept_code(operator, code):
        return None
    operator.totp_enabled_at = sessions.now()
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    operator.recovery_codes = [_digest(c) for c in codes]
    return codes


def use_recovery_code(operator: Operator, code: str) -> bool:
    """Whether ``code`` is one of the operator's unused recovery codes; it is then used up."""
    digest = _digest(code.strip().lower())
    remaining = list(operator.recovery_codes or [])
    if not any(hmac.compare_digest(digest, kept) for kept in remaining):
        return False
    operator.recovery_codes = [kept for kept in remaining if kept != digest]
    return True


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def set_up_required(operator: Operator) -> bool:
    """An admin without two-factor sign-in, where security.require_2fa_for_admins is on."""
    required = settings_of(current_app)["security"]["require_2fa_for_admins"]
    return bool(required and operator.role == Role.ADMIN.value and not operator.uses_two_factor)
