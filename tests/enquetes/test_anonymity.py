"""Anonymity that holds everywhere: in an anonymous campaign nothing shown or exported lets staff
link an answer to a person, and no figure computed on fewer than five people is shown.

Every page and export is tried with 1, 4 and 5 respondents (literal numbers: the threshold is five).
"""

import csv
import datetime as dt
import io
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from enquetes.models import Answer, Invitation, Message, Question, Response
from enquetes.selectors import (
    answered_over_time,
    campaign_results,
    programme_rates,
    programme_satisfaction,
)
from rapports.models import ReportVersion
from tests import factories
from tests.enquetes.exports import export_built
from tests.enquetes.factories import campaign_launched

COMMENT = "Le carrelage de la salle de bains est fendu"


@pytest.fixture
def anonymous(coop_a, programme_a):
    """An anonymous triennial campaign, launched, eight invitees of one programme."""
    return campaign_launched(cooperative=coop_a, programme=programme_a, buyers=8, anonymous=True)


def _questions(campaign) -> dict[str, Question]:
    return {q.key: q for q in Question.objects.filter(questionnaire=campaign.questionnaire)}


def answer(
    campaign,
    invitation: Invitation | None = None,
    *,
    channel: str = "web",
    comment: str = COMMENT,
    programme=None,
    key: uuid.UUID | None = None,
    **values: str,
) -> Response:
    """One submitted response as the answering journey writes it in an anonymous campaign: the
    invitation marked answered, the response without link to it and without date."""
    now = timezone.now()
    if invitation is not None:
        Invitation.objects.filter(pk=invitation.pk).update(started_at=now, answered_at=now)
        programme = invitation.programme
    response = Response.objects.create(
        campaign=campaign, completed=True, channel=channel, programme=programme,
        id=key or uuid.uuid4(),
    )  # fmt: skip
    questions = _questions(campaign)
    values = {"satisfaction_globale": "assez_satisfait", **values}
    for key, value in values.items():
        Answer.objects.create(response=response, question=questions[key], value=value)
    if comment:
        Answer.objects.create(response=response, question=questions["commentaire"], text=comment)
    return response


def answer_first(campaign, n: int) -> list[Invitation]:
    """The first `n` invitees (by name) answer."""
    invitations = list(campaign.invitations.order_by("last_name", "first_name", "pk")[:n])
    for invitation in invitations:
        answer(campaign, invitation)
    return invitations


def row_of(rows: list[str], invitation: Invitation) -> str:
    """The row of one invitee, found by the full name that opens it."""
    opening = f'fw-normal">{invitation.last_name} {invitation.first_name}<br>'
    (row,) = [row for row in rows if opening in row]
    return row


def rows_of(content: str) -> list[str]:
    body = content.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>.*?</tr>", body, flags=re.S)


RESPONDENTS = [(1, False), (4, False), (5, True)]


# The campaign page: who answered is never shown, only counts --------------------------------------


@pytest.mark.parametrize(("respondents", "shown"), RESPONDENTS)
def test_the_invitee_list_of_an_anonymous_campaign_never_says_who_answered(
    client, staff_a, anonymous, respondents, shown
):
    answered = answer_first(anonymous, respondents)
    client.force_login(staff_a)

    content = client.get(reverse("campaign_detail", args=[anonymous.pk])).content.decode()

    rows = rows_of(content)
    assert len(rows) == 8
    for row in rows:
        assert "Répondu" not in row and "Commencée" not in row
    for invitation in answered:
        row = row_of(rows, invitation)
        # the same actions as for anyone else: an answered row is not told apart
        assert reverse("response_entry", args=[invitation.pk]) in row
    assert re.search(r"Ont répondu</dt><dd[^>]*>" + str(respondents), content)


@pytest.mark.parametrize("key", ["repondu", "commence", "sans-reponse"])
def test_an_anonymous_campaign_offers_no_filter_by_answer(client, staff_a, anonymous, key):
    answer_first(anonymous, 1)
    client.force_login(staff_a)

    response = client.get(reverse("campaign_detail", args=[anonymous.pk]), {"filtre": key})

    content = response.content.decode()
    assert f"?filtre={key}" not in content
    assert len(response.context["page"]) == 8  # the filter is ignored


def test_an_anonymous_campaign_page_does_not_show_which_reminders_were_cancelled(
    client, staff_a, anonymous
):
    answered, waiting = anonymous.invitations.order_by("last_name", "pk")[:2]
    answer(anonymous, answered)
    Message.objects.create(invitation=answered, number=0, status="sent", sent_at=timezone.now())
    Message.objects.create(
        invitation=answered, number=1, status="cancelled", reason="a déjà répondu"
    )
    Message.objects.create(invitation=waiting, number=0, status="sent", sent_at=timezone.now())
    Message.objects.create(invitation=waiting, number=1, status="sent", sent_at=timezone.now())
    client.force_login(staff_a)

    content = client.get(reverse("campaign_detail", args=[anonymous.pk])).content.decode()

    assert "a déjà répondu" not in content
    answered_row = row_of(rows_of(content), answered)
    waiting_row = row_of(rows_of(content), waiting)
    assert "Relance" not in answered_row and "annulé" not in answered_row
    assert "Relance" not in waiting_row


def test_a_nominative_campaign_page_still_shows_who_answered(client, staff_a, coop_a, programme_a):
    campaign = campaign_launched(
        cooperative=coop_a, programme=programme_a, buyers=3, anonymous=False
    )
    invitation = campaign.invitations.order_by("last_name", "pk").first()
    Invitation.objects.filter(pk=invitation.pk).update(answered_at=timezone.now())
    client.force_login(staff_a)

    content = client.get(reverse("campaign_detail", args=[campaign.pk])).content.decode()

    assert "?filtre=repondu" in content
    assert "Répondu le" in row_of(rows_of(content), invitation)


def test_entering_a_phone_response_does_not_reveal_that_an_anonymous_invitee_answered(
    client, staff_a, anonymous
):
    invitation = anonymous.invitations.order_by("last_name", "pk").first()
    answer(anonymous, invitation)
    client.force_login(staff_a)

    response = client.get(reverse("response_entry", args=[invitation.pk]))

    assert response.status_code == 200
    assert "déjà répondu" not in response.content.decode()


# Results, comments and exports: nothing under five respondents -----------------------------------


@pytest.mark.parametrize(("respondents", "shown"), RESPONDENTS)
def test_the_results_of_an_anonymous_campaign_need_five_respondents(
    client, staff_a, anonymous, respondents, shown
):
    answer_first(anonymous, respondents)
    client.force_login(staff_a)

    content = client.get(reverse("campaign_results", args=[anonymous.pk])).content.decode()

    assert ("Assez satisfait" in content) is shown
    assert ("les résultats ne sont pas affichés" in content) is not shown


@pytest.mark.parametrize(("respondents", "shown"), RESPONDENTS)
def test_the_comments_of_an_anonymous_campaign_need_five_respondents(
    client, staff_a, anonymous, respondents, shown
):
    answer_first(anonymous, respondents)
    client.force_login(staff_a)

    content = client.get(reverse("campaign_comments", args=[anonymous.pk])).content.decode()

    assert (COMMENT in content) is shown
    assert ("moins de 5 répondants" in content) is not shown


@pytest.mark.parametrize("respondents", [1, 4])
def test_the_report_quotes_nothing_of_an_anonymous_campaign_under_five_respondents(
    client, staff_a, coop_a, anonymous, respondents
):
    answer_first(anonymous, respondents)
    # Even a comment someone ticked to be quoted (quotes stored before the answers were counted).
    version = ReportVersion.objects.create(
        cooperative=coop_a,
        year=anonymous.opens_on.year,
        quotes=[{"campaign": anonymous.pk, "text": COMMENT}],
    )
    version.campaigns.add(anonymous)
    client.force_login(staff_a)

    content = client.get(reverse("report_preview", args=[version.pk])).content.decode()

    assert anonymous.name in content  # the campaign is reported, its answers are not
    assert COMMENT not in content and "Satisfaction par thème" not in content


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _xlsx_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


def _streamed_csv(client, campaign):
    return client.get(reverse("campaign_export_csv", args=[campaign.pk]))


def _built_xlsx(client, campaign):
    return export_built(client, campaign, "xlsx")


EXPORTS = [(_streamed_csv, _csv_rows), (_built_xlsx, _xlsx_rows)]


@pytest.mark.parametrize(("export", "read"), EXPORTS)
@pytest.mark.parametrize(("respondents", "shown"), RESPONDENTS)
def test_the_export_of_an_anonymous_campaign_needs_five_respondents(
    client, staff_a, anonymous, respondents, shown, export, read
):
    answer_first(anonymous, respondents)
    client.force_login(staff_a)

    response = export(client, anonymous)

    if shown:
        assert response.status_code == 200
        assert len(read(response)) == 1 + 5
    else:
        assert response.status_code == 302
        assert response["Location"] == reverse("campaign_results", args=[anonymous.pk])
        assert COMMENT not in response.content.decode()


@pytest.mark.parametrize(("export", "read"), EXPORTS)
def test_an_anonymous_export_has_neither_channel_nor_date_nor_row_key(
    client, staff_a, anonymous, export, read
):
    for invitation in anonymous.invitations.all()[:4]:
        answer(anonymous, invitation)
    answer(anonymous, channel="phone")
    client.force_login(staff_a)

    header = list(read(export(client, anonymous))[0])

    keys = list(
        Question.objects.filter(questionnaire=anonymous.questionnaire)
        .order_by("section__position", "position", "pk")
        .values_list("key", flat=True)
    )
    assert keys[-1] == "recontact"  # the consent to be contacted back: never asked here
    assert header == keys[:-1]


def test_an_anonymous_export_lists_the_rows_in_the_order_of_their_random_keys(
    client, staff_a, anonymous
):
    """Neither the order of writing (EDBCA) nor one that needs every row in memory to sort: the
    responses' keys, random UUIDs (here chosen: E 1, C 2, D 3, A 4, B 5)."""
    for letter, key in zip("EDBCA", (1, 3, 5, 2, 4), strict=True):
        answer(anonymous, comment=f"Commentaire {letter}", key=uuid.UUID(int=key))
    client.force_login(staff_a)

    rows = _csv_rows(client.get(reverse("campaign_export_csv", args=[anonymous.pk])))

    column = rows[0].index("commentaire")
    assert [row[column] for row in rows[1:]] == [f"Commentaire {x}" for x in "ECDAB"]


# Every breakdown goes through the same mask --------------------------------------------------


def test_a_channel_with_fewer_than_five_respondents_is_hidden_with_its_complement(anonymous):
    for _ in range(6):
        answer(anonymous, channel="web")
    for _ in range(2):
        answer(anonymous, channel="phone")

    channels = campaign_results(anonymous).channels

    # phone (2) is hidden; web (6) would give it away by subtraction from the total (8)
    assert [(c.label, c.respondents, c.hidden) for c in channels] == [
        ("Internet", None, True),
        ("Téléphone", None, True),
    ]


def test_channels_of_five_respondents_or_more_are_shown(anonymous):
    for _ in range(6):
        answer(anonymous, channel="web")
    for _ in range(5):
        answer(anonymous, channel="phone")

    channels = campaign_results(anonymous).channels

    assert [(c.label, c.respondents) for c in channels] == [("Internet", 6), ("Téléphone", 5)]


def test_a_small_programme_is_hidden_with_the_next_smallest_so_that_no_subtraction_reveals_it(
    coop_a, anonymous
):
    big = factories.ProgrammeFactory(cooperative=coop_a, name="Grand")
    middle = factories.ProgrammeFactory(cooperative=coop_a, name="Moyen")
    small = factories.ProgrammeFactory(cooperative=coop_a, name="Petit")
    for programme, n in ((big, 9), (middle, 6), (small, 2)):
        for _ in range(n):
            answer(anonymous, programme=programme)

    rows = {row.label: row for row in programme_satisfaction(anonymous)}

    assert (rows["Grand"].hidden, rows["Grand"].respondents) == (False, 9)
    assert rows["Moyen"].hidden and rows["Petit"].hidden
    assert rows["Moyen"].rate is None and rows["Petit"].rate is None


def test_the_response_rate_of_a_small_programme_is_hidden_with_its_complement(
    coop_a, programme_a, anonymous
):
    other = factories.ProgrammeFactory(cooperative=coop_a, name="Autre programme")
    for buyer in [factories.BuyerFactory(lot=factories.LotFactory(programme=other))]:
        Invitation.objects.create(
            campaign=anonymous, buyer=buyer, programme=other, last_name=buyer.last_name,
            expires_at=anonymous.closes_at, answered_at=timezone.now(),
        )  # fmt: skip
    answer_first(anonymous, 6)

    rows = {row["name"]: row for row in programme_rates(anonymous)}

    assert rows["Autre programme"]["hidden"] and rows["Autre programme"]["answered"] is None
    assert rows[anonymous.invitations.first().programme.name]["hidden"]


def test_a_question_answered_by_fewer_than_five_is_hidden_in_an_anonymous_campaign(anonymous):
    for _ in range(6):
        answer(anonymous, sav_sollicite="non")
    for _ in range(3):
        answer(anonymous, sav_sollicite="oui", sav_traitement="pas_du_tout_satisfait")

    results = campaign_results(anonymous)

    questions = {r.question.key: r for r in results.questions}
    assert not questions["sav_sollicite"].hidden
    assert questions["sav_traitement"].hidden
    assert "Service après-vente" not in [theme for theme, _, _ in results.themes]
    assert "Service après-vente" in results.hidden_themes
    assert 6 not in [commitment.number for commitment, _ in results.commitments]
    assert any(label.startswith("6. ") for label in results.hidden_commitments)


def _answered_on(campaign, counts: dict[int, int]) -> None:
    """`counts[day]` invitees answer on that day of March 2026 (invitations added if needed)."""
    invitations = list(campaign.invitations.order_by("pk"))
    for day, n in counts.items():
        for _ in range(n):
            invitation = (
                invitations.pop()
                if invitations
                else Invitation.objects.create(
                    campaign=campaign, last_name="Ajout", expires_at=campaign.closes_at
                )
            )
            Invitation.objects.filter(pk=invitation.pk).update(
                answered_at=dt.datetime(2026, 3, day, 10, tzinfo=dt.UTC)
            )


def test_the_answers_over_time_are_grouped_until_each_step_holds_five(anonymous):
    _answered_on(anonymous, {2: 5, 3: 1, 4: 4, 5: 2})

    # the 3rd and 4th together make a step of 5; the 2 of the 5th join the step before them
    assert answered_over_time(anonymous) == [(dt.date(2026, 3, 2), 5), (dt.date(2026, 3, 5), 12)]


def test_the_answers_over_time_of_four_respondents_are_not_shown(anonymous):
    _answered_on(anonymous, {2: 2, 3: 2})

    assert answered_over_time(anonymous) == []


def test_the_answers_over_time_of_a_nominative_campaign_are_shown_day_by_day(coop_a, programme_a):
    campaign = campaign_launched(
        cooperative=coop_a, programme=programme_a, buyers=3, anonymous=False
    )
    _answered_on(campaign, {2: 1, 3: 2})

    assert answered_over_time(campaign) == [(dt.date(2026, 3, 2), 1), (dt.date(2026, 3, 3), 3)]
