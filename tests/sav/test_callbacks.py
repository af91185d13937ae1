"""The closed loop: an unhappy answer in a nominative campaign from a buyer who accepted to be
contacted opens a call-back with its deadline; its outcome is recorded once; never in an
anonymous campaign, never without consent."""

import datetime as dt

import pytest
from django.utils import timezone

from enquetes.models import Answer, Campaign, Invitation, Response
from enquetes.services.questionnaires import questionnaire_from_template
from sav.models import CallBack
from sav.services.callbacks import callback_record, callbacks_open
from tests.sav.conftest import at

pytestmark = pytest.mark.django_db


def _response(coop, buyer, *, anonymous, nps="3", consent="oui"):
    questionnaire = questionnaire_from_template(
        cooperative=coop, template_key="fin-parfait-achevement"
    )
    consent_q = questionnaire.questions.get(key="recontact")  # the template's last question
    campaign = Campaign.objects.create(
        cooperative=coop, questionnaire=questionnaire, name="Fin de parfait achèvement",
        kind="triennial", opens_on=dt.date(2026, 7, 1), closes_on=dt.date(2026, 8, 31),
        anonymous=anonymous,
    )  # fmt: skip
    invitation = Invitation.objects.create(
        campaign=campaign, buyer=buyer, last_name=buyer.last_name, email=buyer.email,
        answered_at=timezone.now(), expires_at=timezone.now() + dt.timedelta(days=30),
    )  # fmt: skip
    response = Response.objects.create(
        campaign=campaign, invitation=None if anonymous else invitation, completed=True,
        submitted_on=None if anonymous else dt.date(2026, 7, 10),
    )  # fmt: skip
    nps_q = questionnaire.questions.get(type="nps")
    Answer.objects.create(response=response, question=nps_q, value=nps)
    Answer.objects.create(response=response, question=consent_q, value=consent)
    return response


def test_an_unhappy_consenting_respondent_gets_a_call_back_with_its_deadline(
    coop_a, delivered_buyer, staff_a
):
    response = _response(coop_a, delivered_buyer, anonymous=False)

    assert callbacks_open(now=at(2026, 7, 11)) == 1
    assert callbacks_open(now=at(2026, 7, 11)) == 0

    callback = CallBack.objects.get()
    assert (callback.response, callback.buyer) == (response, delivered_buyer)
    assert callback.reasons == "Recommandation 3/10"
    # 5 working days after Friday 10 July: 14 July is a holiday
    assert callback.due == dt.date(2026, 7, 20)
    assert callback_record(callback=callback, outcome="reached", note="Rappelée, RDV pris.",
                           user=staff_a, now=at(2026, 7, 15))  # fmt: skip
    assert not callback_record(callback=callback, outcome="solved", note="", user=staff_a,
                               now=at(2026, 7, 16))  # fmt: skip
    assert CallBack.objects.get().outcome == "reached"


def test_a_response_is_not_called_back_before_the_day_it_was_submitted(coop_a, delivered_buyer):
    _response(coop_a, delivered_buyer, anonymous=False)  # submitted on 10 July

    assert callbacks_open(now=at(2026, 7, 9)) == 0
    assert callbacks_open(now=at(2026, 7, 10)) == 1


def test_no_call_back_in_an_anonymous_campaign(coop_a, delivered_buyer):
    _response(coop_a, delivered_buyer, anonymous=True)

    assert callbacks_open(now=at(2026, 7, 11)) == 0
    assert CallBack.objects.count() == 0


def test_no_call_back_without_consent_or_above_the_threshold(coop_a, delivered_buyer):
    _response(coop_a, delivered_buyer, anonymous=False, consent="non")
    _response(coop_a, delivered_buyer, anonymous=False, nps="8")

    assert callbacks_open(now=at(2026, 7, 11)) == 0
