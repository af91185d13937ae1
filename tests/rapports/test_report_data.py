"""What the annual report counts and hides, pinned with literal numbers on small data sets."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Action
from enquetes.models import Answer, Question, Response
from rapports.models import ReportVersion
from rapports.selectors import report_context
from tests.engagements.factories import ActionFactory
from tests.enquetes.factories import campaign_create

YEAR = 2025
AFTER = dt.date(2026, 11, 28)  # the report of 2025, read in November 2026


def context(coop, year: int = YEAR, today: dt.date = AFTER) -> dict:
    return report_context(version=ReportVersion(cooperative=coop, year=year), today=today)


def _action(coop, commitment, title: str, status: str, due: dt.date | None, done=None):
    return ActionFactory(
        cooperative=coop, commitments=[commitment], title=title, status=status,
        due_date=due, completed_on=done,
    )  # fmt: skip


@pytest.fixture
def plan(coop_a):
    """Commitment 6's action plan as at 31 December 2025: two actions done in the year, three
    open past their due date, and five that are neither (not due yet, no due date, abandoned,
    done the year before)."""
    commitment = coop_a.commitments.get(number=6)
    for title, status, due, done in [
        ("Faite à temps", "done", dt.date(2025, 4, 30), dt.date(2025, 4, 2)),
        ("Faite en retard", "done", dt.date(2025, 4, 30), dt.date(2025, 9, 15)),
        ("Prévue, échue en mars", "planned", dt.date(2025, 3, 31), None),
        ("En cours, échue en novembre", "in_progress", dt.date(2025, 11, 30), None),
        ("Prévue, échue l'an passé", "planned", dt.date(2024, 6, 30), None),
        ("En cours, due l'an prochain", "in_progress", dt.date(2026, 2, 28), None),
        ("Prévue, sans échéance", "planned", None, None),
        ("Abandonnée après son échéance", "abandoned", dt.date(2025, 2, 28), None),
        ("Faite l'an passé", "done", dt.date(2024, 11, 30), dt.date(2024, 12, 1)),
    ]:
        _action(coop_a, commitment, title, status, due, done)
    assert Action.objects.count() == 9
    return commitment


def test_the_report_counts_as_late_the_open_actions_past_their_due_date(coop_a, plan):
    figures = context(coop_a)["figures"]

    assert figures["actions_late"] == 3
    assert figures["actions_done"] == 2


def test_the_commitment_chapter_lists_the_late_actions_apart_from_those_done(coop_a, plan):
    sections = context(coop_a)["sections"]

    section = next(s for s in sections if s.commitment.number == 6)
    assert [a.title for a in section.late] == [
        "Prévue, échue l'an passé",
        "Prévue, échue en mars",
        "En cours, échue en novembre",
    ]
    assert sorted(a.title for a in section.done) == ["Faite en retard", "Faite à temps"]


def test_the_report_preview_shows_the_late_count(client, staff_a, coop_a, plan):
    version = ReportVersion.objects.create(cooperative=coop_a, year=YEAR)
    client.force_login(staff_a)

    page = client.get(reverse("report_preview", args=[version.pk])).content.decode()

    late = page.split("Actions en retard au 31 décembre 2025</p>")[1].split("</p>")[0]
    assert late.strip() == '<p class="key-figure-value">3'


def test_a_past_year_counts_late_actions_on_its_thirty_first_of_december(coop_a, plan):
    assert context(coop_a)["late_label"] == "au 31 décembre 2025"


def test_the_current_year_counts_late_actions_on_today_not_on_its_december(coop_a, plan):
    """Counted in November, "late on 31 December" would call late what is not due yet."""
    today = dt.date(2025, 11, 10)

    page = context(coop_a, today=today)

    assert page["late_label"] == "au 10 novembre 2025"
    assert page["figures"]["actions_late"] == 2  # "échue en novembre" (30th) is not late yet
    section = next(s for s in page["sections"] if s.commitment.number == 6)
    assert [a.title for a in section.late] == ["Prévue, échue l'an passé", "Prévue, échue en mars"]


# Small cells ----------------------------------------------------------------------------------


def _respond(campaign, n: int) -> None:
    questions = {q.key: q for q in Question.objects.filter(questionnaire=campaign.questionnaire)}
    for _ in range(n):
        response = Response.objects.create(campaign=campaign, completed=True)
        Answer.objects.create(
            response=response, question=questions["satisfaction_globale"], value="tres_satisfait"
        )
        Answer.objects.create(
            response=response, question=questions["commentaire"], text="Accueil chaleureux"
        )


def _version_quoting(campaign, quotes: list[str]) -> ReportVersion:
    version = ReportVersion.objects.create(
        cooperative=campaign.cooperative, year=campaign.opens_on.year,
        quotes=[{"campaign": campaign.pk, "text": text} for text in quotes],
    )  # fmt: skip
    version.campaigns.set([campaign])
    return version


@pytest.mark.parametrize("respondents, shown", [(4, False), (5, True)])
def test_the_report_publishes_an_anonymous_survey_from_five_respondents(
    client, staff_a, coop_a, respondents, shown
):
    campaign = campaign_create(cooperative=coop_a, launched_at=timezone.now(), anonymous=True)
    _respond(campaign, respondents)
    version = _version_quoting(campaign, ["Accueil chaleureux"])
    client.force_login(staff_a)

    page = client.get(reverse("report_preview", args=[version.pk])).content.decode()

    assert ("ne sont pas publiés" not in page) is shown
    assert ("Satisfaction par thème —" in page) is shown
    assert ("Accueil chaleureux" in page) is shown


def test_no_comment_is_quoted_without_a_persons_choice(client, staff_a, coop_a):
    campaign = campaign_create(cooperative=coop_a, launched_at=timezone.now(), anonymous=True)
    _respond(campaign, 5)
    version = _version_quoting(campaign, [])
    client.force_login(staff_a)

    page = client.get(reverse("report_preview", args=[version.pk])).content.decode()

    assert "Satisfaction par thème —" in page
    assert "Accueil chaleureux" not in page
    assert "Commentaires choisis" not in page


def test_a_campaign_the_version_does_not_present_is_not_in_the_report(client, staff_a, coop_a):
    """The running test campaign of issue 10: launched, answered, but not chosen."""
    chosen = campaign_create(
        cooperative=coop_a, name="Triennale 2025", launched_at=timezone.now(), anonymous=True
    )
    _respond(chosen, 5)
    test_run = campaign_create(
        cooperative=coop_a, name="Campagne de test", launched_at=timezone.now(), anonymous=False
    )
    _respond(test_run, 1)
    version = _version_quoting(chosen, [])
    client.force_login(staff_a)

    page = client.get(reverse("report_preview", args=[version.pk])).content.decode()

    assert "Triennale 2025" in page
    assert "Campagne de test" not in page
