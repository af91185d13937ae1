"""The services that start e-mails: launching a campaign and the periodic dispatch, the same
service behind the view, the management command and the periodic task."""

from __future__ import annotations

import datetime as dt
import io
import logging
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from coopqualite.outbox.services import dispatch as outbox_dispatch
from coopqualite.outbox.services.sending import outbox_send
from enquetes import periodic
from enquetes.models import Campaign, Invitation, KeyStep, Message, SurveyKind
from enquetes.services import sending
from enquetes.services.campaigns import CampaignError, campaign_start
from enquetes.services.dispatch import LaunchResult, campaign_launch, surveys_dispatch
from tests import factories
from tests.enquetes.factories import buyers_create, campaign_create, campaign_launched
from tests.faults import broker_at, closed_port

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


# Launching ---------------------------------------------------------------------------------------


def test_launching_invites_the_population_plans_and_queues_its_e_mails(
    coop_a, programme_a, mailoutbox, django_capture_on_commit_callbacks
):
    buyers_create(programme=programme_a, count=3, without_email=1)
    campaign = campaign_create(cooperative=coop_a, opens_on=NOW.date())

    with django_capture_on_commit_callbacks(execute=False) as queued:
        result = campaign_launch(campaign=campaign, now=NOW)

    assert result == LaunchResult(invited=4, queued=3)
    assert Campaign.objects.get(pk=campaign.pk).launched_at == NOW
    assert Message.objects.filter(invitation__campaign=campaign, number=0).count() == 3
    assert len(queued) == 1  # one batch, sent once the transaction commits
    assert mailoutbox == []


def test_launching_counts_only_the_e_mails_of_this_campaign(coop_a, programme_a):
    other = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=2, now=NOW)
    sending.messages_plan(now=NOW, campaign=other)  # two e-mails of another campaign pending
    programme = factories.ProgrammeFactory(cooperative=coop_a)
    buyers_create(programme=programme, count=3)
    campaign = campaign_create(
        cooperative=coop_a, opens_on=NOW.date(), population={"programmes": [programme.pk]}
    )

    result = campaign_launch(campaign=campaign, now=NOW)

    assert result == LaunchResult(invited=3, queued=3)


def test_a_campaign_launched_twice_is_refused_and_nothing_more_is_written(coop_a, programme_a):
    buyers_create(programme=programme_a, count=2)
    campaign = campaign_create(cooperative=coop_a, opens_on=NOW.date())
    campaign_launch(campaign=campaign, now=NOW)

    with pytest.raises(CampaignError, match="déjà lancée"):
        campaign_launch(campaign=campaign, now=NOW + dt.timedelta(hours=1))

    assert Campaign.objects.get(pk=campaign.pk).launched_at == NOW
    assert Message.objects.count() == 2


def test_a_launch_that_fails_while_planning_leaves_the_campaign_as_it_was(
    coop_a, programme_a, monkeypatch
):
    buyers_create(programme=programme_a, count=2)
    campaign = campaign_create(cooperative=coop_a, opens_on=NOW.date())

    def planning_breaks(**kwargs):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(sending, "messages_plan", planning_breaks)
    with pytest.raises(RuntimeError):
        campaign_launch(campaign=campaign, now=NOW)

    campaign.refresh_from_db()
    assert campaign.launched_at is None
    assert campaign.questionnaire.frozen_at is None
    assert Invitation.objects.filter(campaign=campaign).count() == 0


def test_the_launch_page_says_what_was_done_in_french(client, staff_a, coop_a, programme_a):
    buyers_create(programme=programme_a, count=1, without_email=1)
    campaign = campaign_create(cooperative=coop_a)
    client.force_login(staff_a)

    response = client.post(f"/enquetes/{campaign.pk}/lancer/", follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Campagne lancée : 2 invitations créées, 1 e-mail mis en file d'envoi."
    ]


# The periodic dispatch ---------------------------------------------------------------------------


@pytest.fixture
def due_work(coop_a, programme_a):
    """At NOW (the clock stands still there): a triennial campaign whose three invitations are
    not planned yet, a key-step buyer who became due, and an e-mail left "sending" by a dead
    worker an hour ago."""
    traveller = time_machine.travel(NOW, tick=False)
    traveller.start()
    triennial = campaign_launched(
        cooperative=coop_a, programme=programme_a, buyers=3, now=NOW - dt.timedelta(hours=2)
    )
    key_step = Campaign.objects.create(
        cooperative=coop_a,
        questionnaire=campaign_create(cooperative=coop_a).questionnaire,
        name="Après la livraison",
        kind=SurveyKind.KEY_STEP,
        key_step=KeyStep.DELIVERY,
        days_after_step=30,
        opens_on=NOW.date() - dt.timedelta(days=60),
        closes_on=NOW.date() + dt.timedelta(days=300),
        reminder_days=[],
    )
    campaign_start(campaign=key_step, now=NOW - dt.timedelta(days=60))
    factories.BuyerFactory(
        lot=factories.LotFactory(programme=programme_a),
        delivery_date=NOW.date() - dt.timedelta(days=31),
    )
    stuck = Message.objects.create(
        invitation=triennial.invitations.first(), number=1, status=Message.Status.SENDING,
        claimed_at=NOW - dt.timedelta(hours=1), attempts=1,
    )  # fmt: skip
    yield stuck
    traveller.stop()


def test_the_dispatch_invites_plans_sweeps_and_queues(
    due_work, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = surveys_dispatch(now=NOW)

    assert (result.invited, result.planned, result.swept, result.queued) == (1, 4, 1, 4)
    assert len(mailoutbox) == 4
    due_work.refresh_from_db()
    assert due_work.status == Message.Status.UNCERTAIN


def _by_command() -> dict:
    out = io.StringIO()
    call_command("dispatch_surveys", stdout=out)
    return {"output": out.getvalue()}


def _by_periodic_task() -> dict:
    return periodic.surveys_dispatch_task.delay().get()


@pytest.mark.parametrize("door", [_by_command, _by_periodic_task], ids=["command", "task"])
def test_the_command_and_the_periodic_task_run_the_same_dispatch(
    due_work, mailoutbox, django_capture_on_commit_callbacks, door
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = door()

    assert len(mailoutbox) == 4
    assert Message.objects.filter(status=Message.Status.SENT).count() == 4
    assert Message.objects.get(pk=due_work.pk).status == Message.Status.UNCERTAIN
    if door is _by_command:
        assert answer["output"] == (
            "1 acquéreur invité, 4 e-mails planifiés, 1 envoi interrompu marqué incertain, "
            "4 e-mails mis en file d'envoi.\n"
        )
    else:
        assert answer == {"invited": 1, "planned": 4, "swept": 1, "queued": 4}


def test_the_dispatch_queues_pending_e_mails_in_batches(
    coop_a, programme_a, monkeypatch, django_capture_on_commit_callbacks
):
    campaign_launched(cooperative=coop_a, programme=programme_a, buyers=5, now=NOW)
    monkeypatch.setattr(outbox_dispatch, "BATCH", 2)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        result = surveys_dispatch(now=NOW)

    assert result.queued == 5
    assert len(queued) == 3  # 2 + 2 + 1


# What sending writes in the logs ----------------------------------------------------------------


def test_each_outcome_is_logged_with_ids_only_never_the_token_the_address_or_the_name(
    coop_a, programme_a, smtp_server, caplog, time_machine
):
    time_machine.move_to(NOW, tick=False)
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=3, now=NOW)
    sending.messages_plan(now=NOW, campaign=campaign)
    sent, refused, answered = Message.objects.select_related("invitation").order_by("pk")
    smtp_server.refuse(refused.invitation.email, 550)
    Invitation.objects.filter(pk=answered.invitation_id).update(answered_at=NOW)

    with caplog.at_level(logging.INFO, logger="coopqualite.outbox.services.sending"):
        outbox_send(kind="enquetes.message", ids=[sent.pk, refused.pk, answered.pk])

    lines = [record.getMessage() for record in caplog.records]
    assert lines == [
        f"enquetes.message {sent.pk} (campaign {campaign.pk}, number 0): sent",
        f"enquetes.message {refused.pk} (campaign {campaign.pk}, number 0): bounced "
        "(Adresse refusée par le serveur de messagerie (550))",
        f"enquetes.message {answered.pk} (campaign {campaign.pk}, number 0): cancelled "
        "(a déjà répondu)",
    ]
    secrets = [
        value
        for invitation in Invitation.objects.filter(campaign=campaign)
        for value in (invitation.token, invitation.email, invitation.last_name)
    ]
    assert not [s for s in secrets if any(s in line for line in lines)]


def test_a_launch_while_the_broker_is_down_loses_no_e_mail(
    client, staff_a, coop_a, programme_a, smtp_server, django_capture_on_commit_callbacks
):
    buyers_create(programme=programme_a, count=2)
    campaign = campaign_create(cooperative=coop_a)
    client.force_login(staff_a)

    down = f"redis://127.0.0.1:{closed_port()}/0"
    with broker_at(down), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/enquetes/{campaign.pk}/lancer/")

    assert response.status_code == 302
    assert list(Message.objects.values_list("status", flat=True)) == ["pending", "pending"]
    # The broker is back; the periodic dispatch queues them once their task is presumed lost.
    with django_capture_on_commit_callbacks(execute=True):
        soon = outbox_dispatch.outbox_dispatch(now=timezone.now() + dt.timedelta(minutes=9))
    with django_capture_on_commit_callbacks(execute=True):
        later = outbox_dispatch.outbox_dispatch(now=timezone.now() + dt.timedelta(minutes=10))

    assert (soon.queued, later.queued) == (0, 2)
    assert list(Message.objects.values_list("status", flat=True)) == ["sent", "sent"]
    assert len(smtp_server.messages) == 2
