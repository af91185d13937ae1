"""What a Coop'HLM activity and RSE report holds beside the figures of each commitment:
indicators by cooperative principle, satisfaction and recommendation by programme (masked
under five), next year's action plan, the ISO 26000 self-assessment; nothing empty."""

import datetime as dt

import pytest
from django.utils import timezone

from engagements.models import Action
from engagements.services.iso import iso_assessment_save
from enquetes.models import Answer, Question, Response
from rapports.models import ReportVersion
from rapports.services.building import report_html
from tests import factories
from tests.engagements.factories import ActionFactory, IndicatorFactory, MeasurementFactory
from tests.enquetes.factories import campaign_create

YEAR = 2025


def version_of(coop, campaigns=()) -> ReportVersion:
    version = ReportVersion.objects.create(cooperative=coop, year=YEAR)
    version.campaigns.set(campaigns)
    return version


def respond(campaign, programme, n: int, nps: str) -> None:
    questions = {q.key: q for q in Question.objects.filter(questionnaire=campaign.questionnaire)}
    nps_question = next(q for q in questions.values() if q.type == "nps")
    for _ in range(n):
        response = Response.objects.create(campaign=campaign, completed=True, programme=programme)
        Answer.objects.create(
            response=response, question=questions["satisfaction_globale"], value="tres_satisfait"
        )
        Answer.objects.create(response=response, question=nps_question, value=nps)


@pytest.fixture
def survey(coop_a):
    campaign = campaign_create(
        cooperative=coop_a, name="Triennale 2025", opens_on=dt.date(YEAR, 3, 1),
        launched_at=timezone.now(), anonymous=True,
    )  # fmt: skip
    large = factories.ProgrammeFactory(cooperative=coop_a, name="Les Tilleuls")
    other = factories.ProgrammeFactory(cooperative=coop_a, name="Le Clos")
    respond(campaign, large, 6, "10")  # 6 promoters: +100
    respond(campaign, other, 5, "3")  # 5 detractors: −100
    return campaign


def test_satisfaction_and_recommendation_are_given_by_programme_with_their_bases(coop_a, survey):
    page = report_html(version=version_of(coop_a, [survey]))

    table = page.split("Satisfaction et recommandation par programme")[1].split("</table>")[0]
    assert "Les Tilleuls" in table and "6 répondants" in table and ">100<" in table
    assert "Le Clos" in table and "5 répondants" in table and ">-100<" in table


def test_a_programme_under_five_respondents_is_masked_and_so_is_the_next_smallest(coop_a, survey):
    respond(survey, factories.ProgrammeFactory(cooperative=coop_a, name="Les Aubépines"), 2, "9")

    page = report_html(version=version_of(coop_a, [survey]))

    table = page.split("Satisfaction et recommandation par programme")[1].split("</table>")[0]
    for name in ("Les Aubépines", "Le Clos"):  # 2 people, and 5 that would give them away
        assert "masqué (anonymat)" in table.split(name)[1].split("</tr>")[0]
    assert "6 répondants" in table.split("Les Tilleuls")[1].split("</tr>")[0]
    assert "2 répondants" not in table


def test_indicators_are_counted_by_cooperative_principle(coop_a):
    commitment = coop_a.commitments.get(number=1)
    indicator = IndicatorFactory(commitment=commitment, target=80, period="year")
    MeasurementFactory(indicator=indicator, period_start=dt.date(YEAR, 1, 1), value=90)
    principles = list(commitment.principles.values_list("name", flat=True))

    page = report_html(version=version_of(coop_a))

    table = page.split("par principe coopératif")[1].split("</table>")[0]
    for name in principles:
        row = table.split(name)[1].split("</tr>")[0]
        assert row.count('class="num">1<') == 1  # one indicator on target


def test_next_years_action_plan_lists_the_open_actions_due_next_year(coop_a):
    commitment = coop_a.commitments.get(number=6)
    ActionFactory(
        cooperative=coop_a, title="Publier les délais", status=Action.Status.PLANNED,
        due_date=dt.date(YEAR + 1, 6, 30), commitments=[commitment],
    )  # fmt: skip
    ActionFactory(
        cooperative=coop_a, title="Action déjà faite", status=Action.Status.DONE,
        due_date=dt.date(YEAR + 1, 6, 30), completed_on=dt.date(YEAR, 12, 1),
    )  # fmt: skip

    page = report_html(version=version_of(coop_a))

    plan = page.split(f"Plan d'actions {YEAR + 1}")[1].split("</table>")[0]
    assert "Publier les délais" in plan and "30 juin 2026" in plan
    assert "Action déjà faite" not in plan


def test_the_iso_self_assessment_is_drawn_beside_the_previous_year(coop_a, director_a):
    iso_assessment_save(
        cooperative=coop_a, year=YEAR - 1, user=director_a, rows={"environment": {"score": 2}}
    )
    iso_assessment_save(
        cooperative=coop_a, year=YEAR, user=director_a,
        rows={"environment": {"score": 3, "strengths": "Chantiers sobres"}},
    )  # fmt: skip

    page = report_html(version=version_of(coop_a))

    chapter = page.split('id="titre-iso"')[1].split("</section>")[0]
    assert "<svg" in chapter
    row = chapter.split('<th scope="row">Environnement</th>')[1].split("</tr>")[0]
    assert '<td class="num">2</td><td class="num">3</td><td>Chantiers sobres</td>' in row


def test_without_self_assessment_or_plan_the_report_has_no_empty_chapter(coop_a):
    page = report_html(version=version_of(coop_a))

    assert 'id="titre-iso"' not in page
    assert 'id="titre-priorites"' not in page
    assert "Ce rapport ne présente aucune enquête de satisfaction." in page
