"""The charts of the results page: satisfaction by theme, commitment and programme as bars with
their target, response progress with round ticks; masked groups never drawn."""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from engagements.models import Indicator
from enquetes.models import Invitation
from enquetes.result_charts import satisfaction_targets
from tests import factories
from tests.enquetes.factories import campaign_create, campaign_launched
from tests.enquetes.test_anonymity import answer

NBSP = "\u00a0"


def svg_of(page: str, css_class: str, title: str) -> str:
    charts = re.findall(rf'<svg[^>]*class="chart {css_class}".*?</svg>', page, re.S)
    (chart,) = [c for c in charts if f">{title}</title>" in c]
    return html.unescape(chart)


def texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


@pytest.fixture
def nominative(coop_a):
    return campaign_create(cooperative=coop_a, launched_at=timezone.now(), anonymous=False)


def sav_indicator(coop, **fields) -> Indicator:
    return Indicator.objects.create(
        commitment=coop.commitments.get(number=6),
        name="Satisfaction sur le service après-vente",
        target=fields.pop("target", 80),
        period="year",
        source="survey",
        survey_selector=fields.pop("survey_selector", "theme:sav"),
        survey_feed=fields.pop("survey_feed", "triennial"),
        **fields,
    )


def test_satisfaction_by_theme_is_drawn_as_bars_with_the_target_of_its_indicator(
    client, staff_a, coop_a, nominative
):
    sav_indicator(coop_a, target=80)
    for value in ("tres_satisfait", "tres_satisfait", "assez_satisfait", "peu_satisfait"):
        answer(nominative, sav_sollicite="oui", sav_traitement=value)
    client.force_login(staff_a)

    page = client.get(reverse("campaign_results", args=[nominative.pk])).content.decode()

    chart = svg_of(page, "bar-chart", "Taux de satisfaction par thème")
    assert "Service après-vente — 4 répondants" in texts(chart)
    assert f"75{NBSP}%" in texts(chart)
    assert f"Service après-vente — 4 répondants : 75{NBSP}% (cible 80{NBSP}%)" in chart
    assert f"Satisfaction globale — 4 répondants : 100{NBSP}%" in chart
    assert texts(chart)[:6] == [f"{t}{NBSP}%" for t in (0, 20, 40, 60, 80, 100)]


def test_satisfaction_by_commitment_carries_the_target_of_the_commitments_survey_indicator(
    client, staff_a, coop_a, nominative
):
    sav_indicator(coop_a, target=70)
    answer(nominative, sav_sollicite="oui", sav_traitement="tres_satisfait")
    client.force_login(staff_a)

    page = client.get(reverse("campaign_results", args=[nominative.pk])).content.decode()

    chart = svg_of(page, "bar-chart", "Taux de satisfaction par engagement")
    assert re.search(rf"6\. [^:;]+ — 1 répondant : 100{NBSP}% \(cible 70{NBSP}%\)", chart)


def test_a_target_of_another_kind_of_campaign_or_a_lower_is_better_indicator_is_not_drawn(
    coop_a, nominative
):
    sav_indicator(coop_a, survey_feed="new_occupant")
    sav_indicator(coop_a, survey_selector="theme:logement", direction="lower")
    sav_indicator(coop_a, survey_selector="theme:prix", target=65)

    targets = satisfaction_targets(nominative)

    assert targets.themes == {"prix": 65}


def test_a_questionnaire_family_the_campaign_does_not_use_brings_no_target(coop_a, nominative):
    sav_indicator(coop_a, survey_family="une-autre-famille")

    assert satisfaction_targets(nominative).themes == {}


def test_programmes_masked_for_anonymity_are_never_drawn(client, staff_a, coop_a):
    anonymous = campaign_launched(cooperative=coop_a, buyers=8, anonymous=True)
    big = factories.ProgrammeFactory(cooperative=coop_a, name="Grand")
    middle = factories.ProgrammeFactory(cooperative=coop_a, name="Moyen")
    small = factories.ProgrammeFactory(cooperative=coop_a, name="Petit")
    for programme, n in ((big, 9), (middle, 6), (small, 2)):
        for _ in range(n):
            answer(anonymous, programme=programme)
    client.force_login(staff_a)

    page = client.get(reverse("campaign_results", args=[anonymous.pk])).content.decode()

    chart = svg_of(page, "bar-chart", "Taux de satisfaction d&#x27;ensemble par programme")
    assert "Grand — 9 répondants" in texts(chart)
    assert "Moyen" not in chart and "Petit" not in chart


def test_an_anonymous_campaign_of_four_respondents_draws_no_satisfaction(client, staff_a, coop_a):
    anonymous = campaign_launched(cooperative=coop_a, buyers=8, anonymous=True)
    for invitation in anonymous.invitations.all()[:4]:
        answer(anonymous, invitation)
    client.force_login(staff_a)

    page = client.get(reverse("campaign_results", args=[anonymous.pk])).content.decode()

    assert 'class="chart bar-chart"' not in page
    assert 'class="chart line-chart"' not in page


def test_response_progress_has_round_ticks_french_days_and_the_number_invited(
    client, staff_a, coop_a
):
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC), tick=False):
        campaign = campaign_launched(cooperative=coop_a, buyers=47, anonymous=False)
    invitations = list(campaign.invitations.order_by("pk"))
    for day, (first, last) in ((2, (0, 3)), (3, (3, 20)), (4, (20, 43))):
        moment = dt.datetime(2026, 11, day, 10, tzinfo=dt.UTC)
        Invitation.objects.filter(pk__in=[i.pk for i in invitations[first:last]]).update(
            answered_at=moment
        )
    client.force_login(staff_a)

    page = client.get(reverse("campaign_results", args=[campaign.pk])).content.decode()

    chart = svg_of(page, "line-chart", "Réponses reçues, en cumul, jour après jour")
    assert [t for t in texts(chart) if t.isdigit()] == ["0", "20", "40", "60"]
    assert "47 invités" in texts(chart)
    assert "2 nov." in texts(chart) and "4 nov." in texts(chart)
    assert "(en tout : 43 réponses)" in chart
