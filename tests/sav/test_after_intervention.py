"""Satisfaction checked after the intervention (issue 12 §3): closing a lifted claim invites its
buyer, once, to the running "after an intervention" campaign (one invitation per claim, by
e-mail through the outbox and in their space); without a running campaign nobody is invited and
staff are told; the indicator of commitment 6 reads the answers."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError
from django.urls import reverse

from engagements.sources import JOURNEY_METRICS, Figure
from enquetes.answering.saving import response_save_page
from enquetes.models import Campaign, Invitation, Message, Question
from enquetes.services.campaigns import campaign_start, key_step_invitations_create
from enquetes.services.dispatch import invitation_add
from enquetes.services.pool import pool_flush
from enquetes.services.questionnaires import questionnaire_from_template
from sav.metrics import satisfaction_after_intervention
from sav.models import Claim
from sav.services import claims
from tests import factories
from tests.espace.conftest import signed_in
from tests.sav.conftest import at

pytestmark = pytest.mark.django_db

SEPTEMBER = (dt.date(2026, 9, 1), dt.date(2026, 9, 30))


def _campaign(coop, *, anonymous=False, programmes=(), opens_on=dt.date(2026, 6, 1), name=None):
    """A launched after-intervention campaign on the shipped one-question questionnaire."""
    questionnaire = questionnaire_from_template(cooperative=coop, template_key="apres-intervention")
    campaign = Campaign.objects.create(
        cooperative=coop, questionnaire=questionnaire, name=name or "Après intervention 2026",
        kind="key_step", key_step="after_intervention", opens_on=opens_on,
        closes_on=dt.date(2026, 12, 31), anonymous=anonymous,
        population={"source": "buyers", "programmes": list(programmes), "steps": []},
    )  # fmt: skip
    campaign_start(campaign=campaign, now=at(2026, 6, 1))
    return campaign


def _lifted(buyer, staff, company, *, day=9, category="plumbing", room="Salle de bains"):
    """A claim of the buyer, accepted, assigned, done and lifted by them in September 2026."""
    claim = claims.claim_file(
        lot=buyer.lot, buyer=buyer, channel="space", category=category, room=room,
        description="Le siphon fuit.", now=at(2026, 9, day),
    )  # fmt: skip
    claims.claim_accept(claim=claim, user=staff, now=at(2026, 9, day, 11))
    claims.claim_assign(claim=claim, company=company, intervention_on=dt.date(2026, 9, day + 5),
                        user=staff, now=at(2026, 9, day, 12))  # fmt: skip
    claims.claim_mark_done(claim=claim, user=staff, now=at(2026, 9, day + 5))
    claims.claim_lift(claim=claim, now=at(2026, 9, day + 6))
    return claim


def _answer(invitation: Invitation, value: str, now) -> None:
    """The buyer answers the one question and sends it, as the survey page does."""
    question = Question.objects.get(questionnaire=invitation.campaign.questionnaire)
    response_save_page(invitation=invitation, questions=[question], cleaned={question.pk: value},
                       now=now, submit=True)  # fmt: skip
    pool_flush(now=now, campaign_id=invitation.campaign_id, everything=True)


# Who is invited, when, and once -------------------------------------------------------------------


@time_machine.travel(at(2026, 9, 16), tick=False)
def test_closing_a_lifted_claim_invites_its_buyer_once_and_emails_the_invitation(
    coop_a, delivered_buyer, staff_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = _campaign(coop_a)
    claim = _lifted(delivered_buyer, staff_a, company_a)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_close(claim=claim, user=staff_a, now=at(2026, 9, 16))

    invitation = Invitation.objects.get(campaign=campaign)
    assert Claim.objects.get(pk=claim.pk).survey_invitation == invitation
    assert (invitation.buyer, invitation.email, invitation.subject) == (
        delivered_buyer, "amelie.girard@exemple.fr",
        f"votre demande {claim.reference} : Plomberie, sanitaires (Salle de bains)",
    )  # fmt: skip
    assert [m.to for m in mailoutbox] == [["amelie.girard@exemple.fr"]]
    assert mailoutbox[0].subject == f"{coop_a.name} vous demande votre avis"
    assert f"Elle porte sur votre demande {claim.reference}" in mailoutbox[0].body
    assert Message.objects.get(invitation=invitation).status == "sent"


@time_machine.travel(at(2026, 9, 16), tick=False)
def test_the_invitation_is_made_once_per_claim(coop_a, delivered_buyer, staff_a, company_a):
    campaign = _campaign(coop_a)
    claim = _lifted(delivered_buyer, staff_a, company_a)
    claims.claim_close(claim=claim, user=staff_a, now=at(2026, 9, 16))
    invitation = Invitation.objects.get()

    again = invitation_add(campaign=campaign, buyer=delivered_buyer, subject=invitation.subject,
                           now=at(2026, 9, 17))  # fmt: skip
    other = _lifted(delivered_buyer, staff_a, company_a, day=2)
    other.survey_invitation = invitation

    assert again == invitation
    assert Message.objects.filter(invitation=invitation).count() == 1
    with pytest.raises(IntegrityError):
        other.save(update_fields=["survey_invitation"])


@time_machine.travel(at(2026, 9, 16), tick=False)
def test_two_claims_of_one_buyer_make_two_invitations(coop_a, delivered_buyer, staff_a, company_a):
    campaign = _campaign(coop_a)
    first = _lifted(delivered_buyer, staff_a, company_a, day=2)
    second = _lifted(delivered_buyer, staff_a, company_a, day=8, category="electricity", room="")
    claims.claim_close(claim=first, user=staff_a, now=at(2026, 9, 15))
    claims.claim_close(claim=second, user=staff_a, now=at(2026, 9, 16))

    assert sorted(campaign.invitations.values_list("subject", flat=True)) == [
        f"votre demande {first.reference} : Plomberie, sanitaires (Salle de bains)",
        f"votre demande {second.reference} : Électricité",
    ]


def test_closing_a_refused_claim_invites_nobody(coop_a, delivered_buyer, staff_a):
    _campaign(coop_a)
    claim = claims.claim_file(
        lot=delivered_buyer.lot, buyer=delivered_buyer, channel="phone", category="other",
        description="Le voisin fait du bruit.", now=at(2026, 9, 9),
    )  # fmt: skip
    claims.claim_refuse(claim=claim, user=staff_a, now=at(2026, 9, 10), reason="Hors SAV.")

    claims.claim_close(claim=claim, user=staff_a, now=at(2026, 9, 11))

    assert Invitation.objects.count() == 0


def test_a_campaign_of_other_programmes_is_not_used_the_latest_running_one_is(
    coop_a, delivered_buyer, staff_a, company_a
):
    elsewhere = factories.ProgrammeFactory(cooperative=coop_a)
    _campaign(coop_a, programmes=[elsewhere.pk], opens_on=dt.date(2026, 9, 1), name="Ailleurs")
    _campaign(coop_a, opens_on=dt.date(2026, 6, 1), name="Juin")
    latest = _campaign(coop_a, opens_on=dt.date(2026, 7, 1), name="Juillet")
    claim = _lifted(delivered_buyer, staff_a, company_a)

    claims.claim_close(claim=claim, user=staff_a, now=at(2026, 9, 16))

    assert Invitation.objects.get().campaign == latest


def test_the_dated_dispatch_never_invites_to_an_after_intervention_campaign(
    coop_a, delivered_buyer
):
    campaign = _campaign(coop_a)

    assert key_step_invitations_create(now=at(2026, 9, 16)) == 0
    assert campaign.invitations.count() == 0


# What staff and the buyer see ---------------------------------------------------------------------


def test_without_a_running_campaign_the_claim_page_says_nobody_will_be_asked(
    client, coop_a, delivered_buyer, staff_a, company_a
):
    claim = _lifted(delivered_buyer, staff_a, company_a)
    client.force_login(staff_a)
    url = reverse("claim_detail", args=[claim.pk])

    before = client.get(url).content.decode()
    claims.claim_close(claim=claim, user=staff_a, now=at(2026, 9, 16))
    after = client.get(url).content.decode()

    assert "Aucune enquête après intervention en cours" in before
    assert "?type=apres-intervention" in before
    assert "Close alors qu'aucune enquête après intervention n'était en cours" in after
    assert Invitation.objects.count() == 0


@time_machine.travel(at(2026, 9, 20), tick=False)
def test_staff_see_the_answer_of_a_nominative_campaign_not_of_an_anonymous_one(
    client, coop_a, delivered_buyer, staff_a, company_a
):
    client.force_login(staff_a)
    pages = {}
    for anonymous in (False, True):
        Campaign.objects.all().delete()
        campaign = _campaign(coop_a, anonymous=anonymous)
        claim = _lifted(delivered_buyer, staff_a, company_a)
        claims.claim_close(claim=claim, user=staff_a, now=at(2026, 9, 16))
        _answer(Invitation.objects.get(campaign=campaign), "peu_satisfait", at(2026, 9, 18))
        pages[anonymous] = client.get(reverse("claim_detail", args=[claim.pk])).content.decode()

    assert "Réponse du 18 septembre 2026 : <strong>Peu satisfait</strong>" in pages[False]
    assert "Peu satisfait" not in pages[True]
    assert "Campagne anonyme : sa réponse n'est pas rattachée à la demande." in pages[True]


@time_machine.travel(at(2026, 9, 17), tick=False)
def test_the_buyer_finds_the_waiting_survey_on_their_claim_and_home_then_thanks(
    client, coop_a, delivered_buyer, staff_a, company_a
):
    _campaign(coop_a)
    claim = _lifted(delivered_buyer, staff_a, company_a)
    claims.claim_close(claim=claim, user=staff_a, now=at(2026, 9, 16))
    invitation = Invitation.objects.get()
    signed_in(client, delivered_buyer)
    claim_url = reverse("espace_claim", args=[claim.pk])
    survey_url = reverse("survey_start", args=[invitation.token])

    page = client.get(claim_url).content.decode()
    home = client.get(reverse("espace_home")).content.decode()
    _answer(invitation, "tres_satisfait", at(2026, 9, 17))
    answered = client.get(claim_url).content.decode()

    assert "Votre avis sur l'intervention" in page and survey_url in page
    assert survey_url in home and "Satisfaction après intervention</a>" in home
    assert survey_url not in answered
    assert "Merci d'avoir donné votre avis sur l'intervention." in answered


@time_machine.travel(at(2026, 9, 17), tick=False)
def test_another_buyer_of_the_household_is_not_handed_the_survey(
    client, coop_a, delivered_buyer, staff_a, company_a
):
    _campaign(coop_a)
    claim = _lifted(delivered_buyer, staff_a, company_a)
    claims.claim_close(claim=claim, user=staff_a, now=at(2026, 9, 16))
    partner = factories.BuyerFactory(lot=delivered_buyer.lot, email="marc.girard@exemple.fr")
    signed_in(client, partner)

    page = client.get(reverse("espace_claim", args=[claim.pk])).content.decode()

    assert Invitation.objects.get().token not in page


# The indicator of commitment 6 --------------------------------------------------------------------


def _answered(coop, campaign, staff, company, values, day=18):
    for value in values:
        buyer = factories.BuyerFactory(
            lot=factories.LotFactory(programme=factories.ProgrammeFactory(cooperative=coop)),
            delivery_date=dt.date(2026, 4, 2),
        )
        claim = _lifted(buyer, staff, company)
        claims.claim_close(claim=claim, user=staff, now=at(2026, 9, 16))
        _answer(Invitation.objects.get(campaign=campaign, buyer=buyer), value, at(2026, 9, day))


def test_the_satisfaction_after_intervention_counts_a_complete_period(coop_a, staff_a, company_a):
    campaign = _campaign(coop_a)
    answers = ["tres_satisfait", "assez_satisfait", "assez_satisfait", "peu_satisfait", "nsp"]
    _answered(coop_a, campaign, staff_a, company_a, answers)

    with time_machine.travel(at(2026, 9, 30), tick=False):
        running = satisfaction_after_intervention(coop_a.pk, *SEPTEMBER)
    with time_machine.travel(at(2026, 10, 1), tick=False):
        complete = JOURNEY_METRICS["sav_satisfaction_after_intervention"].compute(
            coop_a.pk, *SEPTEMBER
        )

    assert running is None  # the month is not over
    assert complete == Figure(Decimal("75.0"), 4)  # "ne sait pas" left out


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["tres_satisfait"] * 3 + ["pas_du_tout_satisfait"], None),  # 4 respondents: hidden
        (["tres_satisfait"] * 3 + ["pas_du_tout_satisfait", "assez_satisfait"],
         Figure(Decimal("80.0"), 5)),
    ],
)  # fmt: skip
def test_an_anonymous_campaign_counts_once_closed_and_never_under_five_respondents(
    coop_a, staff_a, company_a, values, expected
):
    campaign = _campaign(coop_a, anonymous=True)
    _answered(coop_a, campaign, staff_a, company_a, values)
    Campaign.objects.filter(pk=campaign.pk).update(closes_on=dt.date(2026, 9, 30))

    with time_machine.travel(at(2026, 10, 1), tick=False):
        figure = satisfaction_after_intervention(coop_a.pk, *SEPTEMBER)

    assert figure == expected
