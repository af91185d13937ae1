"""Passwords: the French common ones and those built on a known name are refused, in French."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from cooperatives.models import User
from tests.factories import PASSWORD, CooperativeFactory, UserFactory

TOO_COMMON = "Ce mot de passe est trop courant."
BUILT_ON_A_NAME = (
    "Ce mot de passe repose sur le nom du portail ou de votre coopérative : "
    "ajoutez des mots sans rapport avec eux."
)


def refusals(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.fixture
def horizon_staff(db):
    cooperative = CooperativeFactory(name="Coop Horizon Habitat", slug="horizon-habitat")
    return UserFactory(username="camille", cooperative=cooperative, role=User.Role.STAFF)


def test_a_common_french_password_is_refused(staff_a):
    assert refusals("motdepasse1", staff_a) == [TOO_COMMON]


@pytest.mark.parametrize("password", ["MotDePasse1", "mötdepasse1", " motdepasse1 "])
def test_a_common_french_password_is_refused_whatever_its_case_or_accents(staff_a, password):
    assert TOO_COMMON in refusals(password, staff_a)


def test_the_portal_name_with_a_year_is_refused(staff_a):
    assert refusals("Coopqualite2026", staff_a) == [BUILT_ON_A_NAME]


@pytest.mark.parametrize(
    "password", ["Coopqualité-2026", "COOPQUALITE!!2026", "C00pqu4l1t3!!", "Qualite-2026!"]
)
def test_the_portal_name_in_capitals_accents_or_leetspeak_is_refused(staff_a, password):
    assert refusals(password, staff_a) == [BUILT_ON_A_NAME]


@pytest.mark.parametrize("password", ["Horizon2025!", "HorizonHabitat77", "h0r1z0n-h4b1t4t"])
def test_the_users_cooperative_name_with_digits_is_refused(horizon_staff, password):
    assert refusals(password, horizon_staff) == [BUILT_ON_A_NAME]


def test_another_cooperatives_name_is_not_a_name_to_avoid(staff_a):
    assert refusals("Horizon2025!", staff_a) == []


@pytest.mark.parametrize(
    "password", ["Cerisier-en-fleur-2025", "Habitat-du-soleil-levant", "Coopqualite-ours-brun"]
)
def test_a_password_with_enough_of_its_own_is_accepted(horizon_staff, password):
    assert refusals(password, horizon_staff) == []


def test_the_password_change_page_refuses_both_passwords_in_french(client, staff_a):
    client.force_login(staff_a)

    pages = [
        client.post(
            "/accounts/password_change/",
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
        for new in ("motdepasse1", "Coopqualite2026")
    ]

    assert [page.status_code for page in pages] == [200, 200]
    assert TOO_COMMON in pages[0].content.decode()
    assert BUILT_ON_A_NAME.replace("'", "&#x27;") in pages[1].content.decode()
    staff_a.refresh_from_db()
    assert staff_a.check_password(PASSWORD)
