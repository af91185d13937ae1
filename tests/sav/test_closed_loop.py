"""The closed loop through the real answering pages: an unhappy buyer who accepts to be
contacted back gets a call-back in a nominative campaign, and never in an anonymous one."""

import pytest
from django.utils import timezone

from enquetes.models import Answer, Response
from sav.models import CallBack
from sav.services.callbacks import callbacks_open
from tests.buyer.conftest import (
    csrf_post,
    make_campaign,
    make_invitation,
    pool_flushed,
    questions_by_key,
    triennial_answers,
)
from tests.buyer.test_answering import page_url

pytestmark = pytest.mark.django_db


def unhappy_pages(questions, *, consent: str) -> list[dict]:
    """The six pages of the triennial survey: "Pas du tout satisfait" overall, recommendation
    2/10, and the consent to be contacted back as given."""
    pages = triennial_answers(questions)
    pages[0][f"q{questions['satisfaction_globale'].pk}"] = "pas_du_tout_satisfait"
    pages[4][f"q{questions['recommandation'].pk}"] = "2"
    pages[5][f"q{questions['recontact'].pk}"] = consent
    return pages


def answer(client, invitation, pages) -> None:
    for number, data in enumerate(pages, start=1):
        assert csrf_post(client, page_url(invitation, number), data).status_code == 302


@pytest.fixture
def client():
    from django.test import Client

    return Client(enforce_csrf_checks=True)


def test_an_unhappy_consenting_answer_in_an_anonymous_campaign_opens_no_call_back(
    client, coop_a, buyer_a
):
    campaign = make_campaign(coop_a, anonymous=True)
    invitation = make_invitation(campaign, buyer_a)
    questions = questions_by_key(campaign)

    answer(client, invitation, unhappy_pages(questions, consent="oui"))
    pool_flushed()

    assert Response.objects.filter(campaign=campaign).count() == 1
    assert not Answer.objects.filter(question=questions["recontact"]).exists()
    assert callbacks_open(now=timezone.now()) == 0
    assert not CallBack.objects.exists()


def test_the_same_answer_in_a_named_campaign_opens_one(client, coop_a, buyer_a):
    campaign = make_campaign(coop_a, anonymous=False)
    invitation = make_invitation(campaign, buyer_a)

    answer(client, invitation, unhappy_pages(questions_by_key(campaign), consent="oui"))

    assert callbacks_open(now=timezone.now()) == 1
    assert CallBack.objects.get().buyer == buyer_a


def test_the_same_answer_without_consent_opens_none(client, coop_a, buyer_a):
    campaign = make_campaign(coop_a, anonymous=False)
    invitation = make_invitation(campaign, buyer_a)

    answer(client, invitation, unhappy_pages(questions_by_key(campaign), consent="non"))

    assert callbacks_open(now=timezone.now()) == 0
