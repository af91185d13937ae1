"""A new campaign in two steps: which survey over which people, then a form that asks only what
that survey needs; messages that say what happened in words."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from enquetes.models import Campaign
from tests.enquetes.factories import campaign_create, questionnaire_from_template
from tests.enquetes.test_campaign_pages import campaign_data, new_url


def page_of(client, task: str) -> str:
    response = client.get(new_url(task))
    assert response.status_code == 200
    return response.content.decode()


def field_names(page: str) -> set[str]:
    form = page.split('action="/enquetes/nouvelle/formulaire/')[1].split("</form>")[0]
    return set(re.findall(r'name="(\w+)"', form)) - {"csrfmiddlewaretoken"}


def flashes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def staff(client, staff_a):
    client.force_login(staff_a)
    return staff_a


def test_the_first_step_offers_each_survey_as_a_link_to_its_own_form(client, staff):
    page = client.get(reverse("campaign_new")).content.decode()

    links = re.findall(r'href="/enquetes/nouvelle/formulaire/\?type=([\w-]+)"', page)
    assert links == [
        "triennale", "triennale-fichier", "etape", "apres-intervention", "nouvel-occupant",
        "nouvel-occupant-fichier",
    ]  # fmt: skip
    assert "Enquête d&#x27;étape clé du parcours" in page


def test_an_unknown_survey_goes_back_to_the_first_step(client, staff):
    response = client.get(new_url("inconnue"))

    assert response.status_code == 302
    assert response["Location"] == reverse("campaign_new")


def test_a_triennial_survey_does_not_ask_for_a_step_or_a_delay_after_it(client, staff, programme_a):
    page = page_of(client, "triennale")

    assert field_names(page) == {
        "name", "questionnaire", "opens_on", "closes_on", "anonymous", "reminders",
        "programmes", "steps",
    }  # fmt: skip
    assert "Délai après l" not in page and "délai après l" not in page


def test_an_imported_file_has_no_programme_or_step_filter(client, staff, programme_a):
    page = page_of(client, "triennale-fichier")

    assert "programmes" not in field_names(page) and "steps" not in field_names(page)


def test_a_key_step_survey_asks_for_its_step_and_delay_but_no_step_filter(
    client, staff, programme_a
):
    names = field_names(page_of(client, "etape"))

    assert {"key_step", "days_after_step", "programmes"} <= names
    assert "steps" not in names


def test_one_questionnaire_choice_groups_the_cooperatives_questionnaires_and_the_templates(
    client, staff, coop_a, coop_b
):
    ours = questionnaire_from_template(cooperative=coop_a)
    questionnaire_from_template(cooperative=coop_a, template_key="apres-livraison")  # key step
    theirs = questionnaire_from_template(cooperative=coop_b)

    page = page_of(client, "triennale")

    assert 'name="template"' not in page
    select = page.split('name="questionnaire"')[1].split("</select>")[0]
    assert re.findall(r'<optgroup label="([^"]+)"', select) == [
        "Vos questionnaires", "Modèles fournis (une copie est créée)",
    ]  # fmt: skip
    values = re.findall(r'<option value="([\w-]*)"', select)
    assert values == ["", f"questionnaire-{ours.pk}", "modele-triennale-acquereurs"]
    assert f"questionnaire-{theirs.pk}" not in page


def test_a_questionnaire_of_another_cooperative_cannot_be_chosen(client, staff, coop_b):
    theirs = questionnaire_from_template(cooperative=coop_b)

    response = client.post(new_url(), campaign_data(questionnaire=f"questionnaire-{theirs.pk}"))

    assert response.status_code == 200
    assert "questionnaire" in response.context["form"].errors
    assert not Campaign.objects.exists()


def test_a_survey_of_an_imported_file_is_created_with_its_source_and_no_filter(
    client, staff, programme_a
):
    response = client.post(
        new_url("triennale-fichier"),
        campaign_data(programmes=[programme_a.pk], steps=["delivered"]),
    )

    campaign = Campaign.objects.get()
    assert campaign.kind == "triennial"
    assert campaign.population == {"source": "import", "programmes": [], "steps": []}
    assert flashes(response) == [
        "Campagne « Enquête triennale 2026 » créée. Importez maintenant le fichier des "
        "personnes à interroger, puis lancez-la."
    ]


def test_a_key_step_survey_is_created_with_its_step_and_says_when_buyers_are_invited(client, staff):
    response = client.post(
        new_url("etape"),
        campaign_data(
            name="Un mois après la livraison", key_step="delivery", days_after_step="31",
            questionnaire="modele-apres-livraison",
        ),
    )  # fmt: skip

    campaign = Campaign.objects.get()
    assert (campaign.kind, campaign.key_step, campaign.days_after_step) == (
        "key_step", "delivery", 31,
    )  # fmt: skip
    assert campaign.questionnaire.family == "apres-livraison"
    assert flashes(response) == [
        "Campagne « Un mois après la livraison » créée. Une fois lancée, chaque acquéreur sera "
        "invité 31 jours après son étape."
    ]


def test_an_after_intervention_survey_asks_neither_step_nor_delay_and_offers_its_template(
    client, staff, programme_a
):
    page = page_of(client, "apres-intervention")

    assert field_names(page) == {
        "name", "questionnaire", "opens_on", "closes_on", "anonymous", "reminders", "programmes",
    }  # fmt: skip
    assert re.findall(r'<option value="(modele-[\w-]+)"', page) == ["modele-apres-intervention"]


def test_an_after_intervention_survey_is_created_on_its_step_and_launched_without_invitations(
    client, staff
):
    client.post(
        new_url("apres-intervention"),
        campaign_data(name="Après intervention", questionnaire="modele-apres-intervention",
                      anonymous=None),
    )  # fmt: skip
    campaign = Campaign.objects.get()

    response = client.post(reverse("campaign_launch", args=[campaign.pk]))

    assert (campaign.kind, campaign.key_step, campaign.anonymous) == (
        "key_step", "after_intervention", False,
    )  # fmt: skip
    assert [q.key for q in campaign.questionnaire.questions.all()] == ["satisfaction_intervention"]
    assert flashes(response) == [
        "Campagne « Après intervention » créée. Une fois lancée, chaque acquéreur sera invité "
        "à la clôture de sa demande au service après-vente.",
        "Campagne lancée : 0 invitation créée, aucun e-mail à envoyer pour l'instant. Chaque "
        "acquéreur sera invité à la clôture de sa demande au service après-vente.",
    ]


def test_the_key_step_survey_does_not_offer_the_step_after_an_intervention(client, staff):
    response = client.post(
        new_url("etape"),
        campaign_data(key_step="after_intervention", questionnaire="modele-apres-intervention"),
    )

    assert "key_step" in response.context["form"].errors
    assert Campaign.objects.count() == 0


def test_a_triennial_survey_is_created_on_an_existing_questionnaire_with_the_default_delay(
    client, staff, coop_a
):
    ours = questionnaire_from_template(cooperative=coop_a)

    client.post(new_url(), campaign_data(questionnaire=f"questionnaire-{ours.pk}"))

    campaign = Campaign.objects.get()
    assert campaign.questionnaire == ours
    assert (campaign.key_step, campaign.days_after_step) == ("", 30)


def test_launching_an_imported_file_says_how_many_e_mails_leave_without_zero_invitations(
    client, staff, coop_a
):
    from enquetes.models import Invitation

    campaign = campaign_create(cooperative=coop_a, population={"source": "import"})
    for n in range(2):
        Invitation.objects.create(
            campaign=campaign, last_name=f"Nom {n}", email=f"n{n}@example.org",
            expires_at=campaign.closes_at,
        )  # fmt: skip

    response = client.post(reverse("campaign_launch", args=[campaign.pk]))

    assert flashes(response) == ["Campagne lancée : 2 e-mails mis en file d'envoi."]


def test_launching_a_key_step_survey_says_when_the_next_buyers_are_invited(client, staff, coop_a):
    questionnaire = questionnaire_from_template(cooperative=coop_a, template_key="apres-livraison")
    campaign = campaign_create(
        cooperative=coop_a, questionnaire=questionnaire, kind="key_step", key_step="delivery",
        days_after_step=1, opens_on=timezone.localdate() - dt.timedelta(days=0),
    )  # fmt: skip

    response = client.post(reverse("campaign_launch", args=[campaign.pk]))

    assert flashes(response) == [
        "Campagne lancée : 0 invitation créée, aucun e-mail à envoyer pour l'instant. Les "
        "acquéreurs qui atteindront l'étape seront invités 1 jour après."
    ]
