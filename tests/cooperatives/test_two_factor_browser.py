"""A director sets up two-factor authentication on a phone, in a real browser, then signs in
again with a recovery code: every page at 390 px, no axe finding, no sideways scrolling."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.buyer.conftest import PHONE, check_axe, describe_violations
from tests.factories import PASSWORD

pytestmark = pytest.mark.integration  # the browser fixtures: tests/cooperatives/conftest.py


def audit(page, where: str, found: dict) -> None:
    violations = check_axe(page)
    if violations:
        found[where] = violations
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where}: {width}px wide"


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_director_enrols_then_signs_in_with_a_recovery_code_on_a_phone(
    transactional_db, live_server, phone, director_a, settings
):
    settings.OTP_REQUIRED_ROLES = ["director", "federation", "superuser"]
    base, found = live_server.url, {}

    sign_in(phone, base, director_a.username)
    phone.wait_for_url(re.compile(r"/compte/double-authentification/activer/"))
    audit(phone, "enrolment, start", found)
    phone.get_by_role("button", name="Commencer").click()
    phone.wait_for_selector("svg.qr-code")
    audit(phone, "enrolment, QR code", found)
    device = TOTPDevice.objects.get(user=director_a)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    phone.fill("#id_code", f"{totp.token():06d}")
    phone.get_by_role("button", name="Vérifier et activer").click()
    phone.wait_for_url(base + reverse("recovery_codes"))
    audit(phone, "recovery codes", found)
    codes = phone.locator("ul[aria-label='Codes de secours'] li").all_inner_texts()
    phone.context.clear_cookies()

    sign_in(phone, base, director_a.username)
    phone.wait_for_url(re.compile(r"/compte/double-authentification/verifier/"))
    audit(phone, "verification", found)
    phone.fill("#id_code", codes[0])
    phone.get_by_role("button", name="Valider").click()
    phone.wait_for_url(base + reverse("scorecard"))

    assert len(codes) == 10
    assert not found, "\n".join(describe_violations(w, v) for w, v in found.items())
