"""Survey-fed indicators read only results that mean something: the campaigns they name, once
closed (a continuous key-step campaign: its complete periods), over a minimum base of respondents.
The scorecard, the public transparency page and the report read the same figure."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from engagements.models import Commitment, Indicator, Measurement
from engagements.services.measuring import indicators_refresh
from enquetes.models import Answer, Question, Response
from enquetes.services.tallies import tallies_store
from rapports.models import ReportVersion
from rapports.selectors import report_context
from tests.enquetes.factories import campaign_create, questionnaire_from_template


def report_of(cooperative, year: int) -> dict:
    """What the report of `year` says today (a draft with no campaign chosen)."""
    return report_context(
        version=ReportVersion(cooperative=cooperative, year=year), today=timezone.localdate()
    )


PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=PARIS), tick=False):
        yield


def respond(campaign, n: int, *, submitted_on=None, **values: str) -> None:
    """`n` completed responses giving `values` ({question key: value})."""
    questions = {q.key: q for q in Question.objects.filter(questionnaire=campaign.questionnaire)}
    for _ in range(n):
        response = Response.objects.create(
            campaign=campaign, completed=True, submitted_on=submitted_on
        )
        Answer.objects.bulk_create(
            Answer(response=response, question=questions[key], value=value)
            for key, value in values.items()
        )


def survey_indicator(coop, feed: str = "triennial", period: str = "year", **fields) -> Indicator:
    indicator = Indicator(
        commitment=Commitment.objects.get(cooperative=coop, charter_number=6),
        name="Satisfaction sur le service après-vente", target=Decimal("80"), period=period,
        source="survey", survey_selector="theme:sav", is_public=True, **fields,
    )  # fmt: skip
    indicator.survey_feed = feed  # the campaigns that feed it
    indicator.save()
    return indicator


def closed_wave(coop, **fields):
    """A triennial wave of 2026, closed in March."""
    return campaign_create(
        cooperative=coop, name="Enquête triennale 2026", opens_on=dt.date(2026, 1, 12),
        days_open=60, launched_at=dt.datetime(2026, 1, 12, 9, tzinfo=PARIS), **fields,
    )  # fmt: skip


def running_test_campaign(coop):
    """A test campaign of the same kind, still open, closing within the year."""
    return campaign_create(
        cooperative=coop, name="Test", opens_on=dt.date(2026, 11, 2), days_open=40,
        launched_at=dt.datetime(2026, 11, 2, 9, tzinfo=PARIS),
    )  # fmt: skip


SATISFIED = {"sav_sollicite": "oui", "sav_traitement": "assez_satisfait"}
UNHAPPY = {"sav_sollicite": "oui", "sav_traitement": "peu_satisfait"}
FURIOUS = {
    "sav_sollicite": "oui",
    "sav_traitement": "pas_du_tout_satisfait",
    "sav_delai": "pas_du_tout_satisfait",
}


def test_one_answer_in_a_running_test_campaign_does_not_overwrite_the_closed_waves_figure(
    client, coop_a, staff_a
):
    indicator = survey_indicator(coop_a)
    wave = closed_wave(coop_a)
    respond(wave, 30, **SATISFIED)
    respond(wave, 10, **UNHAPPY)
    respond(running_test_campaign(coop_a), 1, **FURIOUS)
    coop_a.transparency_enabled = True
    coop_a.save()

    indicators_refresh(today=TODAY)

    stored = Measurement.objects.get(indicator=indicator, period_start=dt.date(2026, 1, 1))
    assert (stored.value, stored.base) == (Decimal("75.0"), 40)
    client.force_login(staff_a)
    scorecard = client.get(reverse("scorecard")).content.decode()
    row = scorecard.split(indicator.name)[1].split("</tr>")[0]
    assert "75 %" in row and not re.search(r"(?<![\d,])0 %", row)
    client.logout()
    public = client.get(reverse("transparency", args=[coop_a.slug])).content.decode()
    assert "<strong>75 %</strong>" in public
    section = next(s for s in report_of(coop_a, 2026)["sections"]
                   if s.commitment.charter_number == 6)  # fmt: skip
    assert [(row.indicator, row.value) for row in section.indicators] == [
        (indicator, Decimal("75.0"))
    ]


def test_the_base_of_a_survey_figure_counts_respondents_not_answers(coop_a):
    indicator = survey_indicator(coop_a)
    wave = closed_wave(coop_a)
    respond(wave, 30, **FURIOUS)  # two answers each in the theme

    indicators_refresh(today=TODAY)

    assert Measurement.objects.get(indicator=indicator).base == 30


def test_an_open_wave_feeds_nothing_yet(coop_a):
    indicator = survey_indicator(coop_a)
    respond(running_test_campaign(coop_a), 40, **SATISFIED)

    indicators_refresh(today=TODAY)

    assert not Measurement.objects.filter(indicator=indicator).exists()


def test_a_campaign_of_another_kind_does_not_feed_a_triennial_indicator(coop_a):
    indicator = survey_indicator(coop_a)
    other = closed_wave(coop_a, kind="new_occupant")
    respond(other, 40, **SATISFIED)

    indicators_refresh(today=TODAY)

    assert not Measurement.objects.filter(indicator=indicator).exists()


def test_a_period_below_the_minimum_base_shows_base_insuffisante(client, coop_a, staff_a):
    indicator = survey_indicator(coop_a)
    respond(closed_wave(coop_a), 12, **SATISFIED)
    client.force_login(staff_a)

    indicators_refresh(today=TODAY)

    page = client.get(reverse("indicator_detail", args=[indicator.pk])).content.decode()
    assert "base insuffisante (n\u00a0=\u00a012)" in page
    assert "100 %" not in page
    scorecard = client.get(reverse("scorecard")).content.decode()
    assert "100 %" not in scorecard.split(indicator.name)[1].split("</tr>")[0]


def test_the_minimum_base_is_set_per_indicator(client, coop_a, staff_a):
    indicator = survey_indicator(coop_a, min_base=10)
    respond(closed_wave(coop_a), 12, **SATISFIED)
    client.force_login(staff_a)

    indicators_refresh(today=TODAY)

    page = client.get(reverse("indicator_detail", args=[indicator.pk])).content.decode()
    assert "100 %" in page and "base insuffisante" not in page


def test_the_default_minimum_base_is_a_setting(client, coop_a, staff_a, settings):
    settings.SURVEY_INDICATOR_MIN_BASE = 10
    indicator = survey_indicator(coop_a)
    respond(closed_wave(coop_a), 12, **SATISFIED)
    client.force_login(staff_a)

    indicators_refresh(today=TODAY)

    page = client.get(reverse("indicator_detail", args=[indicator.pk])).content.decode()
    assert "100 %" in page and "base insuffisante" not in page


@pytest.fixture
def delivery_campaign(coop_a):
    """A nominative key-step campaign that runs all year: buyers one month after delivery."""
    return campaign_create(
        cooperative=coop_a, name="Un mois après la livraison", kind="key_step",
        key_step="delivery", anonymous=False, opens_on=dt.date(2026, 1, 5), days_open=360,
        questionnaire=questionnaire_from_template(
            cooperative=coop_a, template_key="apres-livraison"
        ),
        launched_at=dt.datetime(2026, 1, 5, 9, tzinfo=PARIS),
    )  # fmt: skip


def test_a_continuous_key_step_campaign_feeds_its_complete_periods_only(coop_a, delivery_campaign):
    indicator = survey_indicator(coop_a, feed="key_step:delivery", period="quarter")
    indicator.survey_selector = "theme:livraison"
    indicator.save()
    key = "satisfaction_livraison"
    respond(delivery_campaign, 32, submitted_on=dt.date(2026, 8, 14), **{key: "tres_satisfait"})
    respond(delivery_campaign, 35, submitted_on=dt.date(2026, 10, 2), **{key: "peu_satisfait"})

    indicators_refresh(today=TODAY, periods_back=2)

    measured = dict(
        Measurement.objects.filter(indicator=indicator).values_list("period_start", "base")
    )
    assert measured == {dt.date(2026, 7, 1): 32}  # the fourth quarter is not over


def test_a_figure_stored_from_a_running_campaign_is_withdrawn_at_the_next_refresh(coop_a):
    indicator = survey_indicator(coop_a)
    respond(running_test_campaign(coop_a), 1, **FURIOUS)
    stale = Measurement.objects.create(
        indicator=indicator, period_start=dt.date(2026, 1, 1), value=0, base=2, is_computed=True
    )

    indicators_refresh(today=TODAY)

    assert not Measurement.objects.filter(pk=stale.pk).exists()


def test_an_anonymous_campaign_under_five_respondents_feeds_no_figure_whatever_the_base(coop_a):
    indicator = survey_indicator(coop_a, min_base=1)
    respond(closed_wave(coop_a, anonymous=True), 4, **SATISFIED)

    indicators_refresh(today=TODAY)

    assert not Measurement.objects.filter(indicator=indicator).exists()


def test_the_report_shows_no_figure_below_the_minimum_base(coop_a):
    indicator = survey_indicator(coop_a)
    respond(closed_wave(coop_a), 12, **SATISFIED)

    indicators_refresh(today=TODAY)

    section = next(s for s in report_of(coop_a, 2026)["sections"]
                   if s.commitment.charter_number == 6)  # fmt: skip
    row = next(r for r in section.indicators if r.indicator == indicator)
    assert (row.value, row.status) == (None, "none")


def test_the_indicator_form_asks_which_campaigns_feed_a_survey_indicator(client, coop_a, staff_a):
    commitment = Commitment.objects.get(cooperative=coop_a, charter_number=6)
    client.force_login(staff_a)
    data = {
        "name": "Satisfaction SAV", "unit": "%", "direction": "higher", "target": "80",
        "period": "year", "source": "survey", "survey_selector": "theme:sav", "position": "0",
    }  # fmt: skip

    refused = client.post(reverse("indicator_new", args=[commitment.pk]), data)
    accepted = client.post(
        reverse("indicator_new", args=[commitment.pk]),
        {**data, "survey_feed": "key_step:perfect_completion", "min_base": "50"},
    )

    assert "Choisissez les campagnes qui alimentent l&#x27;indicateur." in refused.content.decode()
    assert accepted.status_code == 302
    created = Indicator.objects.get(commitment=commitment, name="Satisfaction SAV")
    assert (created.survey_feed, created.min_base) == ("key_step:perfect_completion", 50)


def test_a_closed_wave_feeds_its_indicator_from_its_stored_counts(coop_a):
    indicator = survey_indicator(coop_a)
    wave = closed_wave(coop_a)
    respond(wave, 30, **SATISFIED)
    respond(wave, 10, **UNHAPPY)
    assert tallies_store() == 1
    Answer.objects.filter(response__campaign=wave).delete()  # the counts stand for them

    indicators_refresh(today=TODAY)

    stored = Measurement.objects.get(indicator=indicator, period_start=dt.date(2026, 1, 1))
    assert (stored.value, stored.base) == (Decimal("75.0"), 40)
