"""Key-step campaigns: each buyer is invited a number of days after their step, while it is open."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from enquetes.models import Campaign, KeyStep, SurveyKind
from enquetes.periodic import surveys_dispatch_task
from enquetes.services.campaigns import campaign_start, key_step_invitations_create
from tests import factories
from tests.enquetes.factories import campaign_create, questionnaire_from_template

PARIS = ZoneInfo("Europe/Paris")
OPENS = dt.date(2026, 3, 2)
CLOSES = OPENS + dt.timedelta(days=90)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)


def day(n: int) -> dt.date:
    """The n-th day after the campaign opens."""
    return OPENS + dt.timedelta(days=n)


def run(n: int) -> int:
    """The key-step invitations of day n, in the morning."""
    return key_step_invitations_create(now=at(day(n)))


def delivered(programme, on: dt.date, **fields):
    return factories.BuyerFactory(
        lot=factories.LotFactory(programme=programme), delivery_date=on, **fields
    )


def after_delivery(cooperative, launch: bool = True, **fields) -> Campaign:
    """ "After delivery, 30 days", open from OPENS to CLOSES, launched the day it opens."""
    campaign = campaign_create(
        cooperative=cooperative,
        questionnaire=questionnaire_from_template(
            cooperative=cooperative, template_key="apres-livraison"
        ),
        name="Après livraison 2026",
        kind=SurveyKind.KEY_STEP,
        key_step=KeyStep.DELIVERY,
        days_after_step=30,
        opens_on=OPENS,
        days_open=(CLOSES - OPENS).days,
        **fields,
    )
    if launch:
        campaign_start(campaign=campaign, now=at(OPENS, 8))
    return campaign


def invited(campaign: Campaign) -> set[int]:
    return set(campaign.invitations.values_list("buyer_id", flat=True))


def test_a_buyer_is_not_invited_before_the_thirtieth_day_after_delivery(coop_a, programme_a):
    campaign = after_delivery(coop_a)
    delivered(programme_a, on=day(5))

    assert run(34) == 0  # 29 days after the delivery

    assert invited(campaign) == set()


def test_a_buyer_is_invited_thirty_days_after_delivery(coop_a, programme_a):
    campaign = after_delivery(coop_a)
    buyer = delivered(programme_a, on=day(5))

    assert run(35) == 1

    assert invited(campaign) == {buyer.pk}
    invitation = campaign.invitations.get()
    assert (invitation.last_name, invitation.email) == (buyer.last_name, buyer.email)
    assert invitation.programme == programme_a
    assert invitation.expires_at == campaign.closes_at


def test_a_buyer_is_invited_once_however_often_the_invitations_run(coop_a, programme_a):
    campaign = after_delivery(coop_a)
    delivered(programme_a, on=day(5))

    added = [run(35), run(35), run(36), run(60)]

    assert added == [1, 0, 0, 0]
    assert campaign.invitations.count() == 1


def test_a_buyer_delivered_long_before_the_campaign_opened_is_not_invited(coop_a, programme_a):
    campaign = after_delivery(coop_a)
    delivered(programme_a, on=OPENS - dt.timedelta(days=31))  # due the day before it opened

    assert [run(0), run(1), run(30)] == [0, 0, 0]

    assert invited(campaign) == set()


def test_a_buyer_due_the_day_the_campaign_opens_is_invited(coop_a, programme_a):
    campaign = after_delivery(coop_a, launch=False)
    buyer = delivered(programme_a, on=OPENS - dt.timedelta(days=30))

    campaign_start(campaign=campaign, now=at(OPENS, 8))

    assert invited(campaign) == {buyer.pk}


def test_a_buyer_due_after_the_campaign_closed_is_not_invited(coop_a, programme_a):
    campaign = after_delivery(coop_a)
    delivered(programme_a, on=CLOSES - dt.timedelta(days=10))

    added = run((CLOSES - OPENS).days + 20)

    assert added == 0
    assert invited(campaign) == set()


def test_a_buyer_due_on_the_closing_day_is_still_invited(coop_a, programme_a):
    campaign = after_delivery(coop_a)
    buyer = delivered(programme_a, on=CLOSES - dt.timedelta(days=30))

    run((CLOSES - OPENS).days)

    assert invited(campaign) == {buyer.pk}


def test_only_buyers_of_the_campaigns_cooperative_are_invited(coop_a, coop_b, programme_a):
    campaign = after_delivery(coop_a)
    ours = delivered(programme_a, on=day(5))
    delivered(factories.ProgrammeFactory(cooperative=coop_b), on=day(5))

    run(35)

    assert invited(campaign) == {ours.pk}


def test_the_programme_filter_is_honoured(coop_a, programme_a):
    campaign = after_delivery(coop_a, population={"programmes": [programme_a.pk]})
    wanted = delivered(programme_a, on=day(5))
    delivered(factories.ProgrammeFactory(cooperative=coop_a), on=day(5))

    run(35)

    assert invited(campaign) == {wanted.pk}


def test_a_campaign_that_is_not_launched_invites_nobody(coop_a, programme_a):
    campaign = after_delivery(coop_a, launch=False)
    delivered(programme_a, on=day(5))

    assert run(35) == 0

    assert invited(campaign) == set()


def test_a_triennial_campaign_gets_no_key_step_invitations(coop_a, programme_a):
    campaign = campaign_create(cooperative=coop_a, opens_on=OPENS, days_open=90)
    campaign_start(campaign=campaign, now=at(OPENS, 8))
    late = delivered(programme_a, on=day(5))

    run(35)

    assert late.pk not in invited(campaign)


@pytest.mark.parametrize("hour", [0, 23])
def test_the_periodic_task_invites_and_e_mails_the_buyers_who_became_due(
    coop_a, programme_a, mailoutbox, django_capture_on_commit_callbacks, hour
):
    campaign = after_delivery(coop_a)
    buyer = delivered(programme_a, on=day(5))
    delivered(programme_a, on=day(6))  # due tomorrow

    with (
        time_machine.travel(at(day(35), hour), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        surveys_dispatch_task()

    assert invited(campaign) == {buyer.pk}
    assert [mail.to for mail in mailoutbox] == [[buyer.email]]
    token = campaign.invitations.get().token
    assert f"/r/{token}/" in mailoutbox[0].body
    assert list(campaign.invitations.get().messages.values_list("number", "status")) == [
        (0, "sent")
    ]


def test_the_periodic_task_run_again_sends_nothing_more(
    coop_a, programme_a, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = after_delivery(coop_a)
    delivered(programme_a, on=day(5))

    for moment in (at(day(35), 9), at(day(35), 10), at(day(36), 9)):
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            surveys_dispatch_task()

    assert campaign.invitations.count() == 1
    assert len(mailoutbox) == 1
