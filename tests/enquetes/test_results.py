"""Results as the HLM movement computes them, anonymity, exports, indicators, federation."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from engagements.models import Indicator
from engagements.services.measuring import measurement_compute
from enquetes.models import Answer, Campaign, ExportJob, Invitation, Question, Response
from enquetes.selectors import campaign_results, wilson
from tests import factories
from tests.enquetes.exports import export_asked, export_built
from tests.enquetes.factories import campaign_create


def test_the_wilson_interval_matches_the_textbook_values():
    low, high = wilson(50, 100)

    assert round(low, 1) == 40.4
    assert round(high, 1) == 59.6


@pytest.mark.parametrize(
    "satisfied, opinions, low, high",
    [(8, 10, 49.0, 94.3), (1, 20, 0.9, 23.6), (45, 50, 78.6, 95.7)],
)
def test_the_wilson_interval_is_not_centred_on_the_observed_rate(satisfied, opinions, low, high):
    # Bounds solved independently from (p̂ − p)² = z²·p(1 − p)/n, z = 1.96.
    interval = wilson(satisfied, opinions)

    assert (round(interval[0], 1), round(interval[1], 1)) == (low, high)


def test_the_wilson_interval_of_an_extreme_rate_stays_within_0_and_100():
    assert tuple(round(bound, 1) for bound in wilson(0, 10)) == (0.0, 27.8)
    assert tuple(round(bound, 1) for bound in wilson(10, 10)) == (72.2, 100.0)


def test_the_wilson_interval_of_no_opinion_is_zero():
    assert wilson(0, 0) == (0.0, 0.0)


def _respond(campaign, values: dict[str, list[str] | str], programme=None, n: int = 1):
    """n completed responses with the given answers ({question key: value(s) or text})."""
    questions = {q.key: q for q in Question.objects.filter(questionnaire=campaign.questionnaire)}
    for _ in range(n):
        response = Response.objects.create(campaign=campaign, completed=True, programme=programme)
        for key, value in values.items():
            question = questions[key]
            if question.type == "text":
                Answer.objects.create(response=response, question=question, text=value)
                continue
            for v in value if isinstance(value, list) else [value]:
                Answer.objects.create(response=response, question=question, value=v)


@pytest.fixture
def campaign(coop_a):
    return campaign_create(cooperative=coop_a, launched_at=timezone.now(), anonymous=False)


def _question(results, key):
    return next(r for r in results.questions if r.question.key == key)


def test_the_satisfaction_rate_leaves_dont_know_out_of_its_base(campaign):
    _respond(campaign, {"satisfaction_globale": "tres_satisfait"}, n=3)
    _respond(campaign, {"satisfaction_globale": "assez_satisfait"}, n=3)
    _respond(campaign, {"satisfaction_globale": "peu_satisfait"}, n=2)
    _respond(campaign, {"satisfaction_globale": "nsp"}, n=2)

    result = _question(campaign_results(campaign), "satisfaction_globale")

    assert result.rate.opinions == 8
    assert result.rate.rate == 75.0
    assert result.rate.very_rate == 37.5
    assert result.respondents == 10


def test_the_change_is_measured_against_the_previous_campaign_of_the_same_kind(coop_a):
    previous = campaign_create(
        cooperative=coop_a, name="2023", launched_at=timezone.now(),
        opens_on=timezone.localdate() - dt.timedelta(days=1100), anonymous=False,
    )  # fmt: skip
    current = campaign_create(
        cooperative=coop_a, name="2026", launched_at=timezone.now(), anonymous=False
    )
    _respond(previous, {"sav_traitement": "tres_satisfait", "sav_sollicite": "oui"}, n=1)
    _respond(previous, {"sav_traitement": "peu_satisfait", "sav_sollicite": "oui"}, n=1)
    _respond(current, {"sav_traitement": "assez_satisfait", "sav_sollicite": "oui"}, n=3)
    _respond(current, {"sav_traitement": "peu_satisfait", "sav_sollicite": "oui"}, n=1)

    results = campaign_results(current)

    assert results.previous == previous
    assert _question(results, "sav_traitement").change == 25.0
    sav = next(row for row in results.themes if row[0] == "Service après-vente")
    assert sav[2] == 25.0


def test_the_recommendation_score_is_promoters_minus_detractors(campaign):
    for value, n in [("10", 5), ("8", 3), ("3", 2)]:
        _respond(campaign, {"recommandation": value}, n=n)

    assert _question(campaign_results(campaign), "recommandation").nps == 30.0


@pytest.mark.parametrize("respondents, shown", [(4, False), (5, True)])
def test_an_anonymous_campaign_shows_its_results_from_five_respondents(
    client, staff_a, coop_a, respondents, shown
):
    campaign = campaign_create(cooperative=coop_a, launched_at=timezone.now(), anonymous=True)
    _respond(campaign, {"satisfaction_globale": "tres_satisfait"}, n=respondents)
    client.force_login(staff_a)

    page = client.get(reverse("campaign_results", args=[campaign.pk])).content.decode()

    assert ("les résultats ne sont pas affichés" not in page) is shown
    assert ("Très satisfait" in page) is shown
    assert ("Satisfaction par thème" in page) is shown


def test_a_named_campaign_shows_its_results_whatever_the_number_of_respondents(
    client, staff_a, campaign
):
    _respond(campaign, {"satisfaction_globale": "tres_satisfait"}, n=1)
    client.force_login(staff_a)

    page = client.get(reverse("campaign_results", args=[campaign.pk])).content.decode()

    assert "les résultats ne sont pas affichés" not in page
    assert "Très satisfait" in page


def _answered_invitations(campaign, programme, *, invited: int, answered: int) -> None:
    for number in range(invited):
        Invitation.objects.create(
            campaign=campaign, programme=programme, last_name=f"{programme.name} {number}",
            expires_at=campaign.closes_at,
            answered_at=timezone.now() if number < answered else None,
        )  # fmt: skip


def _row(section: str, name: str) -> str:
    return section.split(name)[1].split("</tr>")[0]


def test_an_anonymous_campaign_hides_the_response_rate_of_programmes_below_five_answers(
    client, staff_a, coop_a
):
    campaign = campaign_create(cooperative=coop_a, launched_at=timezone.now(), anonymous=True)
    four = factories.ProgrammeFactory(cooperative=coop_a, name="Quatre réponses")
    five = factories.ProgrammeFactory(cooperative=coop_a, name="Cinq réponses")
    _answered_invitations(campaign, four, invited=5, answered=4)
    _answered_invitations(campaign, five, invited=20, answered=5)
    # hidden too: with it the hidden cells hold 5 answers, none can be had by subtraction
    one = factories.ProgrammeFactory(cooperative=coop_a, name="Une réponse")
    _answered_invitations(campaign, one, invited=3, answered=1)
    client.force_login(staff_a)

    page = client.get(reverse("campaign_results", args=[campaign.pk])).content.decode()

    table = page.split("Taux de réponse par programme")[1].split("</table>")[0]
    assert "masqué" in _row(table, "Quatre réponses")
    assert "80\u00a0%" not in _row(table, "Quatre réponses")
    assert "masqué" not in _row(table, "Cinq réponses")
    assert "25\u00a0%" in _row(table, "Cinq réponses")


def test_a_named_campaign_shows_the_response_rate_of_every_programme(client, staff_a, coop_a):
    campaign = campaign_create(cooperative=coop_a, launched_at=timezone.now(), anonymous=False)
    one = factories.ProgrammeFactory(cooperative=coop_a, name="Une réponse")
    _answered_invitations(campaign, one, invited=4, answered=1)
    client.force_login(staff_a)

    page = client.get(reverse("campaign_results", args=[campaign.pk])).content.decode()

    table = page.split("Taux de réponse par programme")[1].split("</table>")[0]
    assert "25\u00a0%" in _row(table, "Une réponse")
    assert "masqué" not in table


def test_an_anonymous_campaign_hides_the_satisfaction_of_programmes_below_five_respondents(
    client, staff_a, coop_a
):
    campaign = campaign_create(cooperative=coop_a, launched_at=timezone.now(), anonymous=True)
    four = factories.ProgrammeFactory(cooperative=coop_a, name="Quatre répondants")
    five = factories.ProgrammeFactory(cooperative=coop_a, name="Cinq répondants")
    _respond(campaign, {"satisfaction_globale": "tres_satisfait"}, programme=four, n=4)
    _respond(campaign, {"satisfaction_globale": "tres_satisfait"}, programme=five, n=4)
    _respond(campaign, {"satisfaction_globale": "peu_satisfait"}, programme=five, n=1)
    # hidden too: with it the hidden cells hold 5 respondents, none can be had by subtraction
    one = factories.ProgrammeFactory(cooperative=coop_a, name="Un répondant")
    _respond(campaign, {"satisfaction_globale": "peu_satisfait"}, programme=one, n=1)
    client.force_login(staff_a)

    page = client.get(reverse("campaign_results", args=[campaign.pk])).content.decode()

    section = page.split("Satisfaction par programme")[1].split("Question par question")[0]
    assert "masqué" in _row(section, "Quatre répondants")
    assert "100\u00a0%" not in _row(section, "Quatre répondants")
    assert "masqué" not in _row(section, "Cinq répondants")
    assert "80\u00a0%" in _row(section, "Cinq répondants")


def test_the_csv_export_neutralises_spreadsheet_formulas(client, staff_a, campaign):
    _respond(campaign, {"commentaire": '=HYPERLINK("http://x","clic")', "recommandation": "9"})
    client.force_login(staff_a)

    response = client.get(reverse("campaign_export_csv", args=[campaign.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))

    column = rows[0].index("commentaire")
    assert rows[1][column] == '\'=HYPERLINK("http://x","clic")'
    assert rows[1][rows[0].index("recommandation")] == "9"


def test_the_xlsx_export_holds_no_formula(client, staff_a, campaign):
    _respond(campaign, {"commentaire": "=1+1", "satisfaction_globale": "assez_satisfait"})
    client.force_login(staff_a)

    response = export_built(client, campaign, "xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))

    assert rows[1][rows[0].index("commentaire")] == "'=1+1"
    assert rows[1][rows[0].index("satisfaction_globale")] == "Assez satisfait"


def test_an_anonymous_export_names_nobody(client, staff_a, coop_a, buyer_a):
    campaign = campaign_create(cooperative=coop_a, launched_at=timezone.now(), anonymous=True)
    invitation = Invitation.objects.create(
        campaign=campaign, buyer=buyer_a, last_name=buyer_a.last_name,
        email=buyer_a.email, expires_at=campaign.closes_at, answered_at=timezone.now(),
    )  # fmt: skip
    _respond(campaign, {"satisfaction_globale": "tres_satisfait"}, n=5)
    client.force_login(staff_a)

    body = b"".join(
        client.get(reverse("campaign_export_csv", args=[campaign.pk])).streaming_content
    ).decode()

    assert invitation.last_name not in body and invitation.email not in body
    assert "nom" not in body.splitlines()[0]


def _named_response(campaign, buyer) -> Invitation:
    """A buyer invited to `campaign` who answered: a nominative export carries their name."""
    invitation = Invitation.objects.create(
        campaign=campaign, buyer=buyer, last_name=buyer.last_name, first_name=buyer.first_name,
        email=buyer.email, expires_at=campaign.closes_at, answered_at=timezone.now(),
    )  # fmt: skip
    response = Response.objects.create(
        campaign=campaign, invitation=invitation, completed=True, submitted_on=timezone.localdate()
    )
    question = Question.objects.get(questionnaire=campaign.questionnaire, key="commentaire")
    Answer.objects.create(response=response, question=question, text="Bien suivis")
    return invitation


@pytest.mark.parametrize("reader", ["board_a", "federation_a"])
def test_the_board_and_the_federation_cannot_download_a_nominative_campaigns_export(
    client, request, campaign, buyer_a, reader
):
    _named_response(campaign, buyer_a)
    client.force_login(request.getfixturevalue(reader))

    streamed = client.get(reverse("campaign_export_csv", args=[campaign.pk]))
    asked = export_asked(client, campaign, "xlsx")

    assert (streamed.status_code, asked.status_code) == (403, 403)
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("reader", ["board_a", "federation_a"])
def test_the_board_and_the_federation_download_an_anonymous_campaigns_export(
    client, request, coop_a, buyer_a, reader
):
    campaign = campaign_create(cooperative=coop_a, launched_at=timezone.now(), anonymous=True)
    _respond(campaign, {"commentaire": "Bien suivis"}, n=5)
    client.force_login(request.getfixturevalue(reader))

    response = client.get(reverse("campaign_export_csv", args=[campaign.pk]))

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert "Bien suivis" in body and buyer_a.last_name not in body


def test_the_staff_download_a_nominative_campaigns_export_with_names(
    client, staff_a, campaign, buyer_a
):
    _named_response(campaign, buyer_a)
    client.force_login(staff_a)

    response = client.get(reverse("campaign_export_csv", args=[campaign.pk]))

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][rows[0].index("nom")] == "Girard"


@pytest.mark.parametrize(
    ("persona", "anonymous", "offered"),
    [("staff_a", False, True), ("board_a", False, False), ("board_a", True, True)],
)
def test_the_results_page_offers_the_exports_only_to_who_may_download_them(
    client, request, coop_a, persona, anonymous, offered
):
    campaign = campaign_create(cooperative=coop_a, launched_at=timezone.now(), anonymous=anonymous)
    _respond(campaign, {"satisfaction_globale": "tres_satisfait"}, n=5)
    client.force_login(request.getfixturevalue(persona))

    page = client.get(reverse("campaign_results", args=[campaign.pk])).content.decode()

    assert (reverse("campaign_export_csv", args=[campaign.pk]) in page) is offered
    assert (reverse("campaign_export_request", args=[campaign.pk]) in page) is offered


def test_the_export_reads_a_constant_number_of_queries(
    client, staff_a, campaign, django_assert_max_num_queries
):
    client.force_login(staff_a)
    _respond(campaign, {"satisfaction_globale": "tres_satisfait", "commentaire": "Bien"}, n=2)
    with django_assert_max_num_queries(12) as few:
        b"".join(client.get(reverse("campaign_export_csv", args=[campaign.pk])).streaming_content)
    _respond(campaign, {"satisfaction_globale": "peu_satisfait", "commentaire": "Bof"}, n=40)

    with django_assert_max_num_queries(len(few.captured_queries)):
        b"".join(client.get(reverse("campaign_export_csv", args=[campaign.pk])).streaming_content)


def test_a_survey_indicator_reads_the_results_of_a_closed_campaign(coop_a):
    closed = campaign_create(
        cooperative=coop_a, launched_at=timezone.now(), anonymous=False,
        opens_on=timezone.localdate() - dt.timedelta(days=40),
    )  # fmt: skip
    _respond(closed, {"sav_traitement": "tres_satisfait", "sav_sollicite": "oui"}, n=3)
    _respond(closed, {"sav_traitement": "pas_du_tout_satisfait", "sav_sollicite": "oui"}, n=1)
    indicator = Indicator.objects.create(
        commitment=coop_a.commitments.get(number=6), name="Satisfaction SAV", target=80,
        period="year", source="survey", survey_selector="theme:sav", survey_feed="triennial",
    )  # fmt: skip

    measurement = measurement_compute(
        indicator=indicator, period_start=dt.date(closed.closes_on.year, 1, 1)
    )

    assert measurement.value == 75
    assert measurement.base == 4


def test_the_federation_sees_who_is_late_on_the_triennial_survey(client, federation_a, coop_a):
    late = factories.CooperativeFactory(
        federation=coop_a.federation, name="Coop en retard", homes_count=1900
    )
    campaign_create(
        cooperative=late, launched_at=timezone.now(),
        opens_on=timezone.localdate() - dt.timedelta(days=4 * 365),
    )  # fmt: skip
    recent = campaign_create(
        cooperative=coop_a, launched_at=timezone.now(),
        opens_on=timezone.localdate() - dt.timedelta(days=400),
    )  # fmt: skip
    Invitation.objects.create(
        campaign=recent, last_name="X", expires_at=recent.closes_at, answered_at=timezone.now()
    )
    Invitation.objects.create(campaign=recent, last_name="Y", expires_at=recent.closes_at)
    client.force_login(federation_a)

    page = client.get(reverse("federation_surveys")).content.decode()

    assert "1 coopérative sans enquête triennale" in page
    assert "1\u202f900 logements" in page
    row = page.split("Coop A")[1].split("</tr>")[0]
    assert "50\u00a0%" in row and "À jour" in row


def test_comments_can_be_searched(client, staff_a, campaign):
    _respond(campaign, {"commentaire": "L'ascenseur tombe en panne"})
    _respond(campaign, {"commentaire": "Très bon accueil"})
    client.force_login(staff_a)

    page = client.get(reverse("campaign_comments", args=[campaign.pk]), {"q": "ascenseur"})

    assert "ascenseur tombe" in page.content.decode()
    assert "Très bon accueil" not in page.content.decode()


def test_the_results_page_is_open_to_the_board_but_the_invitee_list_is_not(
    client, board_a, campaign
):
    client.force_login(board_a)

    assert client.get(reverse("campaign_results", args=[campaign.pk])).status_code == 200
    assert client.get(reverse("campaign_detail", args=[campaign.pk])).status_code == 403


def test_campaign_results_take_a_fixed_number_of_queries(
    client, staff_a, campaign, django_assert_max_num_queries
):
    client.force_login(staff_a)
    _respond(campaign, {"satisfaction_globale": "tres_satisfait"}, n=5)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("campaign_results", args=[campaign.pk]))
    programme = factories.ProgrammeFactory(cooperative=campaign.cooperative)
    _respond(campaign, {"satisfaction_globale": "peu_satisfait", "recommandation": "7"},
             programme=programme, n=30)  # fmt: skip

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("campaign_results", args=[campaign.pk]))


def test_a_campaign_cannot_close_before_it_opens(coop_a):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        campaign_create(cooperative=coop_a, opens_on=timezone.localdate(), days_open=-1)


def test_the_other_campaigns_do_not_count(campaign, coop_b):
    other = campaign_create(cooperative=coop_b, launched_at=timezone.now())
    _respond(other, {"satisfaction_globale": "pas_du_tout_satisfait"}, n=4)
    _respond(campaign, {"satisfaction_globale": "tres_satisfait"}, n=1)

    assert _question(campaign_results(campaign), "satisfaction_globale").rate.rate == 100.0
    assert Campaign.objects.count() == 2


def test_the_admin_shows_no_response_nor_answer(client, db):
    from django.contrib import admin

    assert Response not in admin.site._registry
    assert Answer not in admin.site._registry
    assert Campaign in admin.site._registry
