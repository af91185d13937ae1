"""Honest labels: a base of respondents is respondents, waves are compared on the questions they
share, the federation sees the last completed triennial wave."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from enquetes.models import Answer, Invitation, Question, Response
from enquetes.selectors import campaign_results
from tests import factories
from tests.enquetes.factories import campaign_create, questionnaire_from_template


def respond(campaign, n: int, **values: str) -> None:
    questions = {q.key: q for q in Question.objects.filter(questionnaire=campaign.questionnaire)}
    for _ in range(n):
        response = Response.objects.create(campaign=campaign, completed=True)
        for key, value in values.items():
            Answer.objects.create(response=response, question=questions[key], value=value)


@pytest.fixture
def campaign(coop_a):
    return campaign_create(cooperative=coop_a, launched_at=timezone.now(), anonymous=False)


# Répondants and avis exprimés --------------------------------------------------------------------

TWO_SAV_OPINIONS = {
    "sav_sollicite": "oui",
    "sav_traitement": "assez_satisfait",
    "sav_delai": "peu_satisfait",
}


def test_the_base_of_a_theme_is_its_respondents_and_its_opinions_are_counted_apart(campaign):
    respond(campaign, 7, **TWO_SAV_OPINIONS)
    respond(campaign, 2, sav_sollicite="oui", sav_traitement="nsp", sav_delai="nsp")

    results = campaign_results(campaign)

    sav = next(rate for theme, rate, _ in results.themes if theme == "Service après-vente")
    assert (sav.respondents, sav.opinions, sav.rate) == (7, 14, 50.0)


def test_the_base_of_a_commitment_is_its_respondents(campaign):
    respond(campaign, 7, **TWO_SAV_OPINIONS)

    results = campaign_results(campaign)

    rate = next(rate for commitment, rate in results.commitments if commitment.number == 6)
    assert (rate.respondents, rate.opinions) == (7, 14)


def test_the_results_page_shows_respondents_as_the_base_and_the_opinions_beside(
    client, staff_a, campaign
):
    respond(campaign, 7, **TWO_SAV_OPINIONS)
    client.force_login(staff_a)

    page = client.get(reverse("campaign_results", args=[campaign.pk])).content.decode()

    themes = page.split('id="titre-themes"')[1].split("<table")[1].split("</table>")[0]
    row = themes.split("Service après-vente")[1].split("</tr>")[0]
    assert re.search(r">7 répondants<", row) and "14 avis exprimés" in row
    assert "avis exprimés" in page.split("Méthode")[1]


# Waves compared on the questions they share ------------------------------------------------------


def test_a_theme_changes_over_the_questions_both_waves_asked_only(coop_a):
    older = questionnaire_from_template(cooperative=coop_a)
    older.questions.filter(key="sav_delai").delete()
    previous = campaign_create(
        cooperative=coop_a, questionnaire=older, name="2023", launched_at=timezone.now(),
        opens_on=timezone.localdate() - dt.timedelta(days=1100), anonymous=False,
    )  # fmt: skip
    current = campaign_create(
        cooperative=coop_a, name="2026", launched_at=timezone.now(), anonymous=False
    )
    respond(previous, 4, sav_traitement="tres_satisfait")
    respond(current, 4, sav_traitement="tres_satisfait", sav_delai="pas_du_tout_satisfait")

    results = campaign_results(current)

    sav = next(row for row in results.themes if row[0] == "Service après-vente")
    assert sav[1].rate == 50.0
    assert sav[2] == 0.0  # sav_traitement: 100 % then 100 %; sav_delai was not asked


def test_a_question_whose_type_changed_is_not_compared(coop_a):
    older = questionnaire_from_template(cooperative=coop_a)
    older.questions.filter(key="sav_delai").update(type="single")
    previous = campaign_create(
        cooperative=coop_a, questionnaire=older, name="2023", launched_at=timezone.now(),
        opens_on=timezone.localdate() - dt.timedelta(days=1100), anonymous=False,
    )  # fmt: skip
    current = campaign_create(
        cooperative=coop_a, name="2026", launched_at=timezone.now(), anonymous=False
    )
    respond(previous, 4, sav_traitement="tres_satisfait", sav_delai="tres_satisfait")
    respond(current, 4, sav_traitement="tres_satisfait", sav_delai="pas_du_tout_satisfait")

    results = campaign_results(current)

    delai = next(r for r in results.questions if r.question.key == "sav_delai")
    assert delai.previous_rate is None and delai.change is None
    sav = next(row for row in results.themes if row[0] == "Service après-vente")
    assert sav[2] == 0.0


# The federation's overview ----------------------------------------------------------------------


def _invite(campaign, invited: int, answered: int) -> None:
    Invitation.objects.bulk_create(
        Invitation(
            campaign=campaign, last_name=f"N{i}", expires_at=campaign.closes_at,
            answered_at=timezone.now() if i < answered else None,
        )
        for i in range(invited)
    )  # fmt: skip


def test_a_just_launched_wave_neither_counts_as_up_to_date_nor_hides_the_finished_one(
    client, federation_a, coop_a
):
    finished = campaign_create(
        cooperative=coop_a, name="Triennale 2022", launched_at=timezone.now(),
        opens_on=timezone.localdate() - dt.timedelta(days=4 * 365),
    )  # fmt: skip
    _invite(finished, invited=100, answered=69)
    running = campaign_create(cooperative=coop_a, name="Triennale 2026", launched_at=timezone.now())
    _invite(running, invited=100, answered=2)
    client.force_login(federation_a)

    page = client.get(reverse("federation_surveys")).content.decode()

    row = page.split("Coop A")[1].split("</tr>")[0]
    assert "69\u00a0%" in row
    assert "En retard" in row and "À jour" not in row
    assert "en cours" in row and "2\u00a0%" in row


def test_a_completed_wave_within_three_years_is_up_to_date(client, federation_a, coop_a):
    finished = campaign_create(
        cooperative=coop_a, name="Triennale 2025", launched_at=timezone.now(),
        opens_on=timezone.localdate() - dt.timedelta(days=400),
    )  # fmt: skip
    _invite(finished, invited=10, answered=7)
    client.force_login(federation_a)

    page = client.get(reverse("federation_surveys")).content.decode()

    row = page.split("Coop A")[1].split("</tr>")[0]
    assert "70\u00a0%" in row and "À jour" in row and "en cours" not in row


def test_the_federation_counts_the_homes_of_cooperatives_without_a_completed_wave(
    client, federation_a, coop_a
):
    campaign_create(
        cooperative=coop_a, name="Triennale 2025", launched_at=timezone.now(),
        opens_on=timezone.localdate() - dt.timedelta(days=400),
    )  # fmt: skip
    other = factories.CooperativeFactory(
        federation=coop_a.federation, name="Coop sans vague", homes_count=1200
    )
    campaign_create(cooperative=other, launched_at=timezone.now())  # running, not completed
    client.force_login(federation_a)

    page = client.get(reverse("federation_surveys")).content.decode()

    assert "1\u202f200 logements" in page
