"""Two-factor authentication: required for directors, federation readers and superusers,
offered to others; enrolment before any page; verification with real TOTP codes; recovery
codes shown once; lockout after wrong codes; resets by a director or an operator."""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cooperatives.models import AccountChange, User
from cooperatives.two_factor import services
from tests.factories import PASSWORD, UserFactory

T0 = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
VERIFY = "/compte/double-authentification/verifier/"
ENROL = "/compte/double-authentification/activer/"


@pytest.fixture(autouse=True)
def _second_factor_required(settings):
    """The rule of production (the rest of the suite requires it of nobody)."""
    settings.OTP_REQUIRED_ROLES = ["director", "federation", "superuser"]


def code_at(device: TOTPDevice, at: dt.datetime) -> str:
    """The code an authenticator app shows at `at`, computed from the device's key."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at.timestamp()
    return f"{totp.token():06d}"


def sign_in(client, username: str) -> None:
    client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert "_auth_user_id" in client.session


def enrolled(user) -> TOTPDevice:
    """A confirmed authenticator and recovery codes, as the enrolment leaves them."""
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=False)
    with time_machine.travel(T0, tick=False):
        services.authenticator_confirm(user=user, device=device, code=code_at(device, T0), now=T0)
    device.refresh_from_db()
    return device


def verify(client, code: str):
    return client.post(VERIFY, {"code": code})


def sign_in_verified(client, user) -> None:
    """Password and a good code, as the person would (enrolled first)."""
    device = enrolled(user)
    at = T0 + dt.timedelta(minutes=1)
    with time_machine.travel(at, tick=False):
        sign_in(client, user.username)
        assert verify(client, code_at(device, at)).status_code == 302


def text(response) -> str:
    return html.unescape(response.content.decode())


# Who must, and when ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["director_a", "federation_a", "superuser"])
def test_a_user_who_must_have_a_second_factor_is_sent_to_enrolment_before_any_page(
    client, request, db, persona
):
    if persona == "superuser":
        UserFactory(username="superuser", is_superuser=True, cooperative=None)
        username = "superuser"
    else:
        username = request.getfixturevalue(persona).username
    sign_in(client, username)

    response = client.get("/engagements/")

    assert response.status_code == 302
    assert response["Location"] == ENROL + "?next=%2Fengagements%2F"


def test_staff_are_offered_the_second_factor_but_not_stopped(client, staff_a):
    sign_in(client, "staff-a")

    assert client.get("/engagements/").status_code == 200
    assert "Inactive" in client.get(reverse("second_factor")).content.decode()


def test_a_user_with_an_authenticator_is_asked_for_a_code_before_any_page(client, staff_a):
    enrolled(staff_a)
    sign_in(client, "staff-a")

    response = client.get("/engagements/")

    assert response["Location"] == VERIFY + "?next=%2Fengagements%2F"


def test_logout_stays_reachable_before_the_second_factor(client, director_a):
    sign_in(client, "director-a")

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


# Enrolment ------------------------------------------------------------------------------------


def test_the_enrolment_page_changes_nothing_on_get(client, director_a):
    sign_in(client, "director-a")

    page = client.get(ENROL).content.decode()

    assert "Commencer" in page
    assert not TOTPDevice.objects.filter(user=director_a).exists()


def test_enrolment_shows_a_server_drawn_qr_code_and_confirms_with_a_real_code(client, director_a):
    sign_in(client, "director-a")
    with time_machine.travel(T0, tick=False):
        client.post(reverse("second_factor_start"))
        page = client.get(ENROL).content.decode()
        device = TOTPDevice.objects.get(user=director_a)
        response = client.post(ENROL, {"code": code_at(device, T0)})
        scorecard = client.get("/engagements/")

    assert '<svg role="img" class="qr-code"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script
    assert response["Location"] == reverse("recovery_codes")
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=director_a).count() == 10
    assert scorecard.status_code == 200


def test_a_wrong_code_does_not_confirm_the_authenticator(client, director_a):
    sign_in(client, "director-a")
    client.post(reverse("second_factor_start"))

    response = client.post(ENROL, {"code": "000000"})

    assert "Code incorrect ou expiré." in response.content.decode()
    assert not TOTPDevice.objects.get(user=director_a).confirmed
    assert client.get("/engagements/")["Location"].startswith(ENROL)


def test_recovery_codes_are_shown_once(client, director_a):
    sign_in(client, "director-a")
    with time_machine.travel(T0, tick=False):
        client.post(reverse("second_factor_start"))
        device = TOTPDevice.objects.get(user=director_a)
        client.post(ENROL, {"code": code_at(device, T0)})
        first = client.get(reverse("recovery_codes")).content.decode()
        second = client.get(reverse("recovery_codes")).content.decode()

    codes = set(StaticToken.objects.values_list("token", flat=True))
    assert codes == {code for code in codes if code in first}
    assert not [code for code in codes if code in second]


def test_a_user_with_an_authenticator_cannot_enrol_another_before_verifying(client, director_a):
    enrolled(director_a)
    sign_in(client, "director-a")

    assert client.get(ENROL)["Location"] == VERIFY
    assert client.post(reverse("second_factor_start"))["Location"] == VERIFY
    assert TOTPDevice.objects.filter(user=director_a).count() == 1


# Verification ---------------------------------------------------------------------------------


def test_a_good_code_opens_the_page_asked_for(client, director_a):
    device = enrolled(director_a)
    sign_in(client, "director-a")
    later = T0 + dt.timedelta(minutes=5)

    with time_machine.travel(later, tick=False):
        response = client.post(VERIFY, {"code": code_at(device, later), "next": "/engagements/"})
        page = client.get("/engagements/")

    assert response["Location"] == "/engagements/"
    assert page.status_code == 200


def test_the_same_code_is_not_accepted_twice(client, director_a):
    device = enrolled(director_a)
    later = T0 + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        first = services.second_factor_verify(
            user=director_a, code=code_at(device, later), now=later
        )
        again = services.second_factor_verify(
            user=director_a, code=code_at(device, later), now=later
        )

    assert (first.device is not None, again.device is not None) == (True, False)


def test_a_recovery_code_works_once(client, director_a):
    enrolled(director_a)
    code = StaticToken.objects.filter(device__user=director_a).first().token

    first = services.second_factor_verify(user=director_a, code=code.upper(), now=T0)
    again = services.second_factor_verify(user=director_a, code=code, now=T0 + dt.timedelta(1))

    assert (first.device is not None, again.device is not None) == (True, False)


def test_regenerated_recovery_codes_replace_the_old_ones(client, director_a):
    enrolled(director_a)
    old = StaticToken.objects.filter(device__user=director_a).first().token

    new = services.recovery_codes_regenerate(user=director_a)

    assert len(new) == 10 and old not in new
    assert services.second_factor_verify(user=director_a, code=old, now=T0).device is None


def test_five_wrong_codes_lock_and_a_good_code_is_refused_until_the_delay_ends(client, director_a):
    device = enrolled(director_a)
    sign_in(client, "director-a")

    with time_machine.travel(T0, tick=False):
        wrong = [verify(client, "123456") for _ in range(5)]
        during = verify(client, code_at(device, T0))
    end = T0 + settings.AXES_COOLOFF_TIME
    with time_machine.travel(end - dt.timedelta(seconds=1), tick=False):
        just_before = verify(client, code_at(device, end - dt.timedelta(seconds=1)))
    with time_machine.travel(end + dt.timedelta(seconds=31), tick=False):
        after = verify(client, code_at(device, end + dt.timedelta(seconds=31)))

    assert [r.status_code for r in wrong] == [200] * 5
    assert "Code incorrect ou expiré." in wrong[3].content.decode()
    assert "bloquée jusqu'au 28 novembre 2026 à 10 h 15" in text(wrong[4])
    assert "bloquée" in text(during)
    assert "bloquée" in text(just_before)
    assert after.status_code == 302


def test_a_good_code_resets_the_count_of_wrong_ones(director_a):
    device = enrolled(director_a)
    for _ in range(4):
        services.second_factor_verify(user=director_a, code="1", now=T0)
    later = T0 + dt.timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        services.second_factor_verify(user=director_a, code=code_at(device, later), now=later)

    assert User.objects.get(pk=director_a.pk).second_factor_failures == 0


# Resets ---------------------------------------------------------------------------------------


def test_a_director_resets_the_second_factor_of_a_person_of_the_cooperative(
    client, director_a, staff_a
):
    enrolled(staff_a)
    sign_in_verified(client, director_a)
    with time_machine.travel(T0 + dt.timedelta(minutes=2), tick=False):
        settings_page = client.get(reverse("user_detail", args=[staff_a.pk])).content.decode()
        client.post(reverse("user_second_factor_reset", args=[staff_a.pk]))

    assert "Réinitialiser la double authentification" in settings_page
    assert not TOTPDevice.objects.filter(user=staff_a).exists()
    change = AccountChange.objects.get(user=staff_a)
    assert (change.action, change.actor) == ("second_factor_reset", director_a)


def test_an_operator_resets_a_locked_director_from_the_command_line(director_a):
    enrolled(director_a)
    for _ in range(5):
        services.second_factor_verify(user=director_a, code="1", now=T0)

    call_command("second_factor_reset", "director-a")

    director_a.refresh_from_db()
    assert director_a.second_factor_locked_until is None
    assert not TOTPDevice.objects.filter(user=director_a).exists()
    assert AccountChange.objects.get(user=director_a).actor is None


def test_staff_may_turn_their_offered_second_factor_off_but_a_director_may_not(
    client, staff_a, director_a
):
    for person in (staff_a, director_a):
        device = enrolled(person)
        later = T0 + dt.timedelta(minutes=3)
        with time_machine.travel(later, tick=False):
            sign_in(client, person.username)
            verify(client, code_at(device, later))
            client.post(reverse("second_factor_disable"))

    assert not TOTPDevice.objects.filter(user=staff_a).exists()
    assert TOTPDevice.objects.filter(user=director_a).exists()


def test_the_team_page_says_who_has_a_second_factor(client, director_a, staff_a):
    enrolled(staff_a)
    sign_in_verified(client, director_a)
    UserFactory(username="board-x", cooperative=director_a.cooperative, role="board")

    with time_machine.travel(T0 + dt.timedelta(minutes=2), tick=False):
        page = client.get(reverse("user_list")).content.decode()
    rows = {
        re.sub(r"<[^>]+>|\s+", " ", row).split()[0]: row
        for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", page, re.S)
    }

    assert "<td>Active</td>" in rows["staff-a"]
    assert "<td>Inactive</td>" in rows["board-x"]


def test_the_django_admin_asks_a_superuser_for_the_second_factor_too(client, db):
    UserFactory(
        username="racine", is_superuser=True, is_staff=True, cooperative=None, federation=None
    )
    sign_in(client, "racine")

    response = client.get("/admin/")

    assert response["Location"] == ENROL + "?next=%2Fadmin%2F"
