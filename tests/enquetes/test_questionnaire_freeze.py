"""A frozen questionnaire (a campaign uses it) keeps its wording, whatever the form: the builder
makes a new version, the model refuses, the admin shows it read-only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enquetes.models import Questionnaire
from tests import factories
from tests.enquetes.factories import questionnaire_from_template


@pytest.fixture
def frozen(coop_a) -> Questionnaire:
    questionnaire = questionnaire_from_template(cooperative=coop_a)
    Questionnaire.objects.filter(pk=questionnaire.pk).update(frozen_at=timezone.now())
    questionnaire.refresh_from_db()
    return questionnaire


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "Un autre titre"), ("introduction", "Autre texte"), ("kind", "key_step")],
)
def test_a_frozen_questionnaire_refuses_a_change_of_its_wording(frozen, field, value):
    setattr(frozen, field, value)
    with pytest.raises(ValidationError) as raised:
        frozen.full_clean()
    assert raised.value.messages == [
        "Ce questionnaire est figé : des campagnes l'utilisent. "
        "Créez-en une nouvelle version pour le modifier."
    ]


def test_a_frozen_questionnaire_cannot_be_unfrozen(frozen):
    frozen.frozen_at = None
    with pytest.raises(ValidationError):
        frozen.full_clean()


def test_a_questionnaire_not_yet_frozen_may_change_its_title(coop_a):
    questionnaire = questionnaire_from_template(cooperative=coop_a)
    questionnaire.title = "Un autre titre"
    questionnaire.full_clean()


def test_the_admin_shows_a_frozen_questionnaire_s_title_as_read_only(frozen):
    client = Client()
    client.force_login(
        factories.UserFactory(username="racine", is_superuser=True, is_staff=True, cooperative=None)
    )
    content = client.get(
        reverse("admin:enquetes_questionnaire_change", args=[frozen.pk])
    ).content.decode()
    assert 'name="title"' not in content
    assert frozen.title in content
