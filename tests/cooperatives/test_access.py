"""The permission vocabulary (User.may) and the one access helper (get_object_for)."""

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template import Context, Template
from django.urls import reverse

from cooperatives.access import get_object_for
from cooperatives.models import Permission, Programme, User
from tests import factories

READ, READ_BUYERS, EDIT, MANAGE, BUILD_REPORTS, APPROVE_REPORTS, READ_FEDERATION = (
    "read", "read_buyers", "edit", "manage", "build_reports", "approve_reports",
    "read_federation",
)  # fmt: skip


def test_each_role_grants_exactly_its_permissions():
    granted = {role: set(permissions) for role, permissions in User.ROLE_PERMISSIONS.items()}

    assert granted == {
        "staff": {READ, READ_BUYERS, EDIT},
        "director": {READ, READ_BUYERS, EDIT, MANAGE, BUILD_REPORTS, APPROVE_REPORTS},
        "board": {READ, BUILD_REPORTS},
        "federation": {READ, BUILD_REPORTS, READ_FEDERATION},
    }


def test_whoever_edits_the_records_also_reads_the_buyers():
    """Pages that change records (an invitation, an import) show the buyers they are about."""
    for role, permissions in User.ROLE_PERMISSIONS.items():
        assert Permission.EDIT not in permissions or Permission.READ_BUYERS in permissions, role


def test_a_user_of_one_cooperative_acts_on_it_and_on_no_other(staff_a, coop_a, coop_b):
    assert staff_a.may(Permission.EDIT, coop_a)
    assert staff_a.may(Permission.EDIT)
    assert not staff_a.may(Permission.EDIT, coop_b)
    assert not staff_a.may(Permission.READ, coop_b)


def test_a_federation_reader_reads_the_cooperatives_of_its_federation_only(
    federation_a, coop_a, coop_b
):
    assert federation_a.may(Permission.READ, coop_a)
    assert federation_a.may(Permission.BUILD_REPORTS, coop_a)
    assert not federation_a.may(Permission.READ_BUYERS, coop_a)
    assert not federation_a.may(Permission.READ, coop_b)


def test_a_superuser_without_a_cooperative_reads_every_cooperative_but_no_buyer(coop_a, coop_b):
    admin = factories.UserFactory(is_superuser=True, cooperative=None)

    assert admin.may(Permission.READ, coop_a) and admin.may(Permission.READ, coop_b)
    assert admin.may(Permission.READ_FEDERATION)
    assert not admin.may(Permission.READ_BUYERS, coop_a)
    assert not admin.may(Permission.EDIT, coop_a)


def test_an_object_of_another_cooperative_is_not_found(staff_b, programme_a):
    with pytest.raises(Http404):
        get_object_for(staff_b, Permission.READ, Programme, pk=programme_a.pk)


def test_a_visible_object_the_role_may_not_use_is_refused_in_french(board_a, programme_a):
    with pytest.raises(PermissionDenied) as refused:
        get_object_for(board_a, Permission.READ_BUYERS, Programme, pk=programme_a.pk)

    assert str(refused.value) == (
        "Votre rôle ne permet pas de lire les données personnelles des acquéreurs."
    )


def test_the_403_page_says_what_the_role_may_not_do(client, board_a):
    client.force_login(board_a)

    response = client.get(reverse("programme_list"))

    assert response.status_code == 403
    assert "Votre rôle ne permet pas de lire les données personnelles des acquéreurs." in (
        html.unescape(response.content.decode())
    )


@pytest.mark.parametrize(("persona", "shown"), [("staff_a", True), ("board_a", False)])
def test_templates_ask_the_same_question(request, persona, shown):
    template = Template('{% load access %}{% if user|may:"read_buyers" %}oui{% endif %}')

    rendered = template.render(Context({"user": request.getfixturevalue(persona)}))

    assert rendered == ("oui" if shown else "")


def test_a_template_asking_an_unknown_permission_fails_loudly(staff_a):
    template = Template('{% load access %}{% if user|may:"lire_tout" %}oui{% endif %}')

    with pytest.raises(ValueError):
        template.render(Context({"user": staff_a}))
