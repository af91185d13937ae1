"""What may change on a launched campaign: its name, its reminders, and a closing date brought
forward (not before today). Checked by Campaign.clean, hence by every model form and the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enquetes.models import Campaign, KeyStep, SurveyKind
from tests import factories
from tests.enquetes.factories import (
    campaign_admin_data,
    campaign_create,
    campaign_launched,
    questionnaire_from_template,
)

TODAY = timezone.localdate


class CampaignAdminLikeForm(forms.ModelForm):
    """A model form with every field, as the admin builds one for a draft campaign."""

    class Meta:
        model = Campaign
        fields = [
            "cooperative", "questionnaire", "name", "kind", "key_step", "days_after_step",
            "opens_on", "closes_on", "anonymous", "reminder_days", "population",
        ]  # fmt: skip


@pytest.fixture
def launched(coop_a, programme_a):
    """An anonymous campaign, launched, open today and closing in 30 days."""
    return campaign_launched(cooperative=coop_a, programme=programme_a, buyers=1)


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(
        factories.UserFactory(username="racine", is_superuser=True, is_staff=True, cooperative=None)
    )
    return client


def errors_of(campaign: Campaign) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        campaign.full_clean()
    return raised.value.message_dict


def days(n: int) -> dt.date:
    return TODAY() + dt.timedelta(days=n)


# The model --------------------------------------------------------------------------------------


def test_a_launched_campaign_may_close_earlier_down_to_today(launched):
    for closes_on in (days(10), TODAY()):
        launched.closes_on = closes_on
        launched.full_clean()
        launched.save()

    launched.refresh_from_db()
    assert launched.closes_on == TODAY()


def test_a_launched_campaign_may_not_close_later(launched):
    launched.closes_on = days(31)

    assert errors_of(launched) == {
        "closes_on": [
            "La clôture d'une campagne lancée peut être avancée, pas repoussée : chaque "
            "invitation expire à la date annoncée dans son e-mail."
        ]
    }


def test_a_launched_campaign_may_not_be_closed_in_the_past(coop_a, programme_a):
    campaign = campaign_launched(
        cooperative=coop_a, programme=programme_a, buyers=1,
        now=timezone.now() - dt.timedelta(days=10),
    )  # fmt: skip
    campaign.closes_on = days(-1)

    assert errors_of(campaign) == {
        "closes_on": ["La clôture ne peut pas être avancée avant aujourd'hui."]
    }


def test_a_launched_campaign_keeps_its_name_and_reminders_open_to_change(launched):
    launched.name = "Enquête triennale 2026 (acquéreurs)"
    launched.reminder_days = [10]

    launched.full_clean()


@pytest.mark.parametrize("anonymous", [True, False])
def test_the_anonymity_of_a_launched_campaign_never_changes(coop_a, programme_a, anonymous):
    campaign = campaign_launched(
        cooperative=coop_a, programme=programme_a, buyers=1, anonymous=anonymous
    )
    campaign.anonymous = not anonymous

    assert errors_of(campaign) == {
        "anonymous": [
            "L'anonymat d'une campagne lancée ne change plus : les personnes invitées répondent "
            "sous cette promesse."
        ]
    }


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("questionnaire", "Le questionnaire d'une campagne lancée ne change plus"),
        ("kind", "Le type d'une campagne lancée ne change plus."),
        ("key_step", "L'étape clé d'une campagne lancée ne change plus"),
        ("days_after_step", "Le délai après l'étape d'une campagne lancée ne change plus"),
        ("opens_on", "L'ouverture d'une campagne lancée ne change plus"),
        ("population", "La population d'une campagne lancée ne change plus"),
        ("cooperative", "Une campagne lancée reste à sa coopérative."),
    ],
)
def test_what_a_launched_campaign_was_launched_with_never_changes(launched, coop_b, field, message):
    changes = {
        "questionnaire": lambda: questionnaire_from_template(cooperative=launched.cooperative),
        "kind": lambda: SurveyKind.NEW_OCCUPANT,
        "key_step": lambda: KeyStep.DELIVERY,
        "days_after_step": lambda: 60,
        "opens_on": lambda: days(-1),
        "population": lambda: {"source": "buyers", "programmes": [], "steps": ["livraison"]},
        "cooperative": lambda: coop_b,
    }
    setattr(launched, field, changes[field]())

    errors = errors_of(launched)

    assert list(errors) == [field]
    assert errors[field][0].startswith(message)


def test_a_draft_campaign_may_change_anything(coop_a):
    draft = campaign_create(cooperative=coop_a)
    draft.anonymous = False
    draft.opens_on = days(5)
    draft.closes_on = days(90)
    draft.questionnaire = questionnaire_from_template(cooperative=coop_a)

    draft.full_clean()


def test_a_model_form_with_every_field_refuses_to_lift_the_anonymity(launched):
    data = campaign_admin_data(launched, anonymous="", closes_on=days(45).isoformat())

    form = CampaignAdminLikeForm(data, instance=launched)

    assert not form.is_valid()
    assert form.errors["anonymous"] == [Campaign.FIXED_ONCE_LAUNCHED["anonymous"]]
    assert form.errors["closes_on"] == [Campaign.CLOSES_LATER]
    launched.refresh_from_db()
    assert launched.anonymous is True


# The admin --------------------------------------------------------------------------------------


def test_the_admin_shows_what_a_launched_campaign_keeps_as_read_only(admin_client, launched):
    content = admin_client.get(
        reverse("admin:enquetes_campaign_change", args=[launched.pk])
    ).content.decode()

    assert 'name="closes_on"' in content
    assert 'name="name"' in content
    for field in ("anonymous", "questionnaire", "kind", "key_step", "opens_on", "population"):
        assert f'name="{field}"' not in content, field


def test_the_admin_edits_every_field_of_a_draft_campaign(admin_client, coop_a):
    draft = campaign_create(cooperative=coop_a)

    content = admin_client.get(
        reverse("admin:enquetes_campaign_change", args=[draft.pk])
    ).content.decode()

    for field in ("anonymous", "questionnaire", "kind", "opens_on", "closes_on", "population"):
        assert f'name="{field}"' in content, field


def test_the_admin_cannot_lift_the_anonymity_of_a_launched_campaign(admin_client, launched):
    response = admin_client.post(
        reverse("admin:enquetes_campaign_change", args=[launched.pk]),
        campaign_admin_data(launched, anonymous="", name="Enquête renommée"),
    )

    assert response.status_code == 302
    launched.refresh_from_db()
    assert launched.name == "Enquête renommée"
    assert launched.anonymous is True


def test_the_admin_explains_why_a_launched_campaign_cannot_close_later(admin_client, launched):
    response = admin_client.post(
        reverse("admin:enquetes_campaign_change", args=[launched.pk]),
        campaign_admin_data(launched, closes_on=days(60).isoformat()),
    )

    assert response.status_code == 200
    assert "peut être avancée, pas repoussée" in response.content.decode()
    launched.refresh_from_db()
    assert launched.closes_on == days(30)


def test_the_admin_brings_the_closing_date_of_a_launched_campaign_forward(admin_client, launched):
    response = admin_client.post(
        reverse("admin:enquetes_campaign_change", args=[launched.pk]),
        campaign_admin_data(launched, closes_on=days(7).isoformat()),
    )

    assert response.status_code == 302
    launched.refresh_from_db()
    assert launched.closes_on == days(7)
