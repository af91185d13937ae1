"""Invitations and reminders sent by the outbox to a real SMTP server (aiosmtpd), each at most
once, with honest states under faults.

The services are called directly, in this process, the clock driven by time_machine;
tests/enquetes/test_sending_worker.py runs the fault drills through a real Celery worker.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.test import Client, TestCase
from django.utils import timezone

from coopqualite.outbox.services import sending as outbox
from coopqualite.outbox.services.dispatch import outbox_dispatch
from coopqualite.outbox.services.sending import outbox_send, outbox_sweep
from enquetes.models import Campaign, Invitation, Message
from enquetes.services.dispatch import campaign_messages_resend, surveys_dispatch
from enquetes.services.sending import MAX_REMINDERS, invitation_unsubscribe, messages_plan
from tests.enquetes.factories import campaign_launched

PARIS = ZoneInfo("Europe/Paris")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)  # a Monday morning
SUBJECT = "Coop A vous demande votre avis"
KIND = "enquetes.message"


def send(ids):
    return outbox_send(kind=KIND, ids=ids)


def pending_ids() -> list[int]:
    return list(
        Message.objects.filter(status="pending").order_by("pk").values_list("pk", flat=True)
    )


def dispatch(now: dt.datetime | None = None) -> int:
    """The periodic dispatch, its queued tasks run in this process once it commits; returns the
    number of e-mails it planned."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        result = surveys_dispatch(now=now or timezone.now())
    return result.planned


def statuses(ids) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Message.objects.filter(pk__in=ids).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def planned(campaign, now=None) -> list[int]:
    messages_plan(now=now or timezone.now(), campaign=campaign)
    return pending_ids()


def in_order(ids) -> list[Message]:
    return list(Message.objects.filter(pk__in=ids).select_related("invitation").order_by("pk"))


# The invitation itself -------------------------------------------------------------------------


def test_a_launched_campaign_sends_one_personal_invitation_per_invitee_with_an_address(
    coop_a, programme_a, smtp_server, settings
):
    campaign = campaign_launched(
        cooperative=coop_a, programme=programme_a, buyers=3, without_email=2
    )
    assert campaign.invitations.count() == 5

    assert messages_plan(now=timezone.now(), campaign=campaign) == 3
    ids = pending_ids()
    report = send(ids)

    assert (report.sent, report.bounced, report.failed, report.cancelled) == (3, 0, 0, 0)
    invitations = {i.email: i for i in campaign.invitations.exclude(email="")}
    assert sorted(smtp_server.recipients()) == sorted(invitations)
    assert not Message.objects.filter(invitation__email="").exists()
    assert statuses(ids) == {"sent": 3}
    assert not Message.objects.filter(pk__in=ids, sent_at=None).exists()
    assert set(Message.objects.filter(pk__in=ids).values_list("phase", flat=True)) == {"accepted"}
    tokens = {i.token for i in campaign.invitations.all()}
    for mail in smtp_server.messages:
        invitation = invitations[mail.to]
        message = mail.message
        survey_url = f"{settings.SITE_URL}/r/{invitation.token}/"
        unsubscribe_url = f"{settings.SITE_URL}/d/{invitation.token}/"
        assert message["Subject"] == SUBJECT
        assert message["To"] == invitation.email
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        for body in (text, html):
            assert f"Bonjour {invitation.first_name} {invitation.last_name}" in body
            assert survey_url in body
            assert unsubscribe_url in body
            assert "Enquête triennale de satisfaction des acquéreurs" in body
            # The link is personal: nobody else's token is in the mail.
            assert not [t for t in tokens - {invitation.token} if t in body]
        assert "Rappel" not in text
        assert mail.header("List-Unsubscribe") == f"<{unsubscribe_url}>"
        assert mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
        assert mail.header("Auto-Submitted") == "auto-generated"


def test_a_retried_send_of_the_same_ids_sends_nothing_the_second_time(
    coop_a, programme_a, smtp_server
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=3)
    ids = planned(campaign)

    first = send(ids)
    second = send(ids)

    assert (first.sent, first.skipped) == (3, 0)
    assert (second.sent, second.skipped) == (0, 3)
    assert len(smtp_server.messages) == 3
    assert set(Message.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}


def test_a_send_overlapping_another_one_never_sends_a_message_twice(
    coop_a, programme_a, smtp_server, monkeypatch
):
    """While the first call is building its first e-mail, a second call gets the same ids: it
    takes the messages not claimed yet, and the first call skips them."""
    from enquetes.services import sending

    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=3)
    ids = planned(campaign)
    build = sending.survey_invitation
    overlapping = []

    def build_while_another_sender_runs(invitation, *, reminder=0):
        if not overlapping:
            overlapping.append(None)  # only once, even if the inner call sends
            overlapping[0] = send(ids)
        return build(invitation, reminder=reminder)

    monkeypatch.setattr(sending, "survey_invitation", build_while_another_sender_runs)

    report = send(ids)

    assert (overlapping[0].sent, overlapping[0].skipped) == (2, 1)
    assert (report.sent, report.skipped) == (1, 2)
    assert sorted(smtp_server.recipients()) == sorted(
        campaign.invitations.values_list("email", flat=True)
    )


def _after_the_first_message_read(barrier: threading.Barrier):
    """An execute wrapper that waits at `barrier` once this connection has read the message
    rows for the first time (the SELECT of the due rows), so that two senders both read before
    either writes: without the conditional claim they would both send the same rows, every
    time."""
    read = []

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not read and sql.startswith("SELECT") and 'FROM "enquetes_message"' in sql:
            read.append(sql)
            barrier.wait(timeout=10)
        return result

    return wrapper


@pytest.mark.django_db(transaction=True)
def test_two_senders_reading_the_same_pending_messages_send_each_once(
    coop_a, programme_a, smtp_server
):
    if connection.vendor != "postgresql":
        # The in-memory SQLite test database (shared cache) answers "table is locked" at once
        # instead of waiting, and has no row locks: the test would measure that, not the claim.
        pytest.skip("Deux connexions concurrentes : PostgreSQL seulement (DATABASE_URL)")
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=12)
    ids = planned(campaign)
    both_read = threading.Barrier(2)
    reports, errors = [], []

    def sender():
        try:
            with connection.execute_wrapper(_after_the_first_message_read(both_read)):
                reports.append(send(ids))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sum(r.sent for r in reports) == 12
    assert sum(r.skipped for r in reports) == 12
    recipients = smtp_server.recipients()
    assert len(recipients) == 12
    assert sorted(recipients) == sorted(campaign.invitations.values_list("email", flat=True))
    assert statuses(ids) == {"sent": 12}


@pytest.mark.django_db(transaction=True)
def test_a_claim_is_not_blocked_by_a_lock_on_the_campaign_row(coop_a, programme_a, smtp_server):
    """Regression: a claim once locked the joined campaign and invitation rows too, so claims
    skipped unclaimed messages while anything held the campaign row."""
    if connection.vendor != "postgresql":
        pytest.skip("Deux connexions concurrentes : PostgreSQL seulement (DATABASE_URL)")
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=4)
    ids = planned(campaign)
    holding, release = threading.Event(), threading.Event()

    def hold_campaign_row():
        try:
            with transaction.atomic():
                Campaign.objects.select_for_update().get(pk=campaign.pk)
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=hold_campaign_row)
    thread.start()
    try:
        assert holding.wait(timeout=30)
        report = send(ids)
    finally:
        release.set()
        thread.join(timeout=30)

    assert report.sent == 4


def test_planning_twice_adds_no_rows(coop_a, programme_a):
    campaign = campaign_launched(
        cooperative=coop_a, programme=programme_a, buyers=3, without_email=1
    )
    now = timezone.now()

    assert messages_plan(now=now) == 3
    assert messages_plan(now=now) == 0
    assert messages_plan(now=now, campaign=campaign) == 0
    assert Message.objects.count() == 3
    assert set(Message.objects.values_list("number", "status")) == {(0, "pending")}


# Reminders -------------------------------------------------------------------------------------


def _days(time_machine, smtp_server, last_day: int, start=T0) -> dict[int, list]:
    """Run the dispatch each morning from day 1 to `last_day`; the mails received, by day."""
    by_day = {}
    for day in range(1, last_day + 1):
        time_machine.move_to(start + dt.timedelta(days=day), tick=False)
        before = len(smtp_server.messages)
        dispatch()
        if new := smtp_server.messages[before:]:
            by_day[day] = new
    return by_day


def test_reminders_go_on_days_7_and_14_only_to_those_who_neither_answered_nor_unsubscribed(
    coop_a, programme_a, smtp_server, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=4)
    dispatch()
    assert len(smtp_server.messages) == 4
    answered, unsubscribed, *others = campaign.invitations.order_by("pk")
    time_machine.move_to(T0 + dt.timedelta(days=2), tick=False)
    Invitation.objects.filter(pk=answered.pk).update(answered_at=timezone.now())
    invitation_unsubscribe(invitation=unsubscribed, now=timezone.now())

    by_day = _days(time_machine, smtp_server, last_day=40)

    assert sorted(by_day) == [7, 14]
    expected = sorted(i.email for i in others)
    for day in (7, 14):
        assert sorted(m.to for m in by_day[day]) == expected
        for mail in by_day[day]:
            assert mail.message["Subject"].startswith("Rappel")
            assert mail.message["Subject"] == f"Rappel : {SUBJECT}"
            text = mail.message.get_body(preferencelist=("plain",)).get_content()
            assert "Vous n'avez pas encore répondu" in text
    sent = Message.objects.filter(status="sent").values_list("invitation__email", "number")
    assert sorted(n for e, n in sent if e == others[0].email) == [0, 1, 2]
    assert not Message.objects.filter(
        invitation__in=[answered, unsubscribed], number__gt=0
    ).exists()


def test_reminders_are_planned_once_however_often_the_dispatch_runs(
    coop_a, programme_a, smtp_server, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=2)
    dispatch()
    time_machine.move_to(T0 + dt.timedelta(days=7, minutes=5), tick=False)

    assert messages_plan(now=timezone.now(), campaign=campaign) == 2
    assert messages_plan(now=timezone.now(), campaign=campaign) == 0
    dispatch()
    dispatch()

    assert Message.objects.filter(number=1).count() == 2
    assert len(smtp_server.messages) == 4


def test_a_dispatch_that_stopped_for_weeks_never_sends_two_reminders_at_once(
    coop_a, programme_a, smtp_server, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign_launched(cooperative=coop_a, programme=programme_a, buyers=1)
    dispatch()
    time_machine.move_to(T0 + dt.timedelta(days=20), tick=False)  # worker down since day 1

    dispatch()
    dispatch()

    assert [m.message["Subject"].startswith("Rappel") for m in smtp_server.messages] == [
        False,
        True,
    ]
    time_machine.move_to(T0 + dt.timedelta(days=27, hours=2), tick=False)  # (DST on day 27)
    dispatch()
    assert len(smtp_server.messages) == 3  # the second reminder, 7 days after the first


def test_no_more_reminders_than_configured_and_never_more_than_the_maximum(
    coop_a, programme_a, smtp_server, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign_launched(
        cooperative=coop_a, programme=programme_a, buyers=1, reminder_days=[2, 4, 6, 8, 10]
    )
    dispatch()

    by_day = _days(time_machine, smtp_server, last_day=30)

    assert MAX_REMINDERS == 3
    assert sorted(by_day) == [2, 4, 6]
    assert sorted(Message.objects.values_list("number", flat=True)) == [0, 1, 2, 3]


def test_no_reminder_after_the_campaign_closes(coop_a, programme_a, smtp_server, time_machine):
    time_machine.move_to(T0, tick=False)
    campaign = campaign_launched(
        cooperative=coop_a, programme=programme_a, buyers=2, days_open=10, reminder_days=[7, 14]
    )
    dispatch()

    by_day = _days(time_machine, smtp_server, last_day=30)

    assert campaign.closes_on == (T0 + dt.timedelta(days=10)).date()
    assert sorted(by_day) == [7]
    assert not Message.objects.filter(number=2).exists()


def test_a_reminder_planned_before_the_closing_is_cancelled_if_sent_after_it(
    coop_a, programme_a, smtp_server, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign_launched(
        cooperative=coop_a, programme=programme_a, buyers=1, days_open=7, reminder_days=[7]
    )
    dispatch()
    time_machine.move_to(T0 + dt.timedelta(days=7, hours=14), tick=False)  # last open day
    assert messages_plan(now=timezone.now()) == 1
    ids = pending_ids()
    time_machine.move_to(T0 + dt.timedelta(days=8), tick=False)  # the worker was late

    report = send(ids)

    assert (report.sent, report.cancelled) == (0, 1)
    assert Message.objects.get(pk=ids[0]).reason == "campagne fermée"
    assert len(smtp_server.messages) == 1


def test_a_reminder_pending_when_the_buyer_answers_is_cancelled(
    coop_a, programme_a, smtp_server, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=2)
    dispatch()
    time_machine.move_to(T0 + dt.timedelta(days=7), tick=False)
    messages_plan(now=timezone.now())
    ids = pending_ids()
    answered = campaign.invitations.order_by("pk").first()
    Invitation.objects.filter(pk=answered.pk).update(answered_at=timezone.now())

    report = send(ids)

    assert (report.sent, report.cancelled) == (1, 1)
    assert Message.objects.get(invitation=answered, number=1).reason == "a déjà répondu"
    assert [m.to for m in smtp_server.messages].count(answered.email) == 1


# Refusals, failures and retries ------------------------------------------------------------------


def test_a_refused_address_is_bounced_and_the_rest_of_the_batch_is_sent(
    coop_a, programme_a, smtp_server
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=3)
    ids = planned(campaign)
    messages = in_order(ids)
    refused = messages[1]  # in the middle of the batch
    smtp_server.refuse(refused.invitation.email, 550)

    report = send(ids)

    assert (report.sent, report.bounced) == (2, 1)
    refused.refresh_from_db()
    assert refused.status == Message.Status.BOUNCED
    assert refused.reason == "Adresse refusée par le serveur de messagerie (550)"
    assert (refused.phase, refused.sent_at, refused.next_attempt_at) == ("envelope", None, None)
    assert sorted(smtp_server.recipients()) == sorted(
        m.invitation.email for m in messages if m != refused
    )
    # A bounce is final: the next dispatch does not write again.
    assert dispatch() == 0
    assert len(smtp_server.messages) == 2


def test_a_temporary_refusal_of_a_recipient_retries_that_message_a_minute_later_only(
    coop_a, programme_a, smtp_server, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=3)
    ids = planned(campaign)
    greylisted = in_order(ids)[1]
    smtp_server.refuse(greylisted.invitation.email, 451)

    report = send(ids)

    assert (report.sent, report.retrying) == (2, 1)
    greylisted.refresh_from_db()
    assert (greylisted.status, greylisted.attempts) == ("pending", 1)
    assert greylisted.next_attempt_at == T0 + dt.timedelta(minutes=1)
    assert greylisted.reason == "Destinataire refusé pour l'instant par le serveur (451)"
    smtp_server.handler.refused_recipients.clear()
    assert send(ids).sent == 0  # not before its time
    time_machine.move_to(T0 + dt.timedelta(minutes=1), tick=False)
    assert send(ids).sent == 1
    assert sorted(smtp_server.recipients()) == sorted(
        campaign.invitations.values_list("email", flat=True)
    )


def test_an_unreachable_server_costs_an_attempt_to_the_message_tried_only_and_all_wait_for_it(
    coop_a, programme_a, smtp_server, settings, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=3)
    ids = planned(campaign)
    smtp_server.stop_listening()

    report = send(ids)

    assert (report.retrying, report.deferred) == (1, 2)
    tried, *untried = in_order(ids)
    assert (tried.status, tried.attempts, tried.phase) == ("pending", 1, "connect")
    assert tried.reason == "Serveur de messagerie injoignable (ConnectionRefusedError)"
    assert [(m.status, m.attempts) for m in untried] == [("pending", 0), ("pending", 0)]
    soon = T0 + dt.timedelta(minutes=1)
    assert {m.next_attempt_at for m in in_order(ids)} == {soon}
    assert report.retries == {soon: ids}  # the task queues them again with a countdown

    smtp_server.start_listening()  # the server is back
    time_machine.move_to(soon, tick=False)
    assert send(ids).sent == 3
    assert sorted((m.status, m.attempts) for m in in_order(ids)) == [
        ("sent", 1), ("sent", 1), ("sent", 2)
    ]  # fmt: skip
    assert len(smtp_server.messages) == 3


def test_a_dispatch_never_queues_a_message_waiting_for_its_retry_time(
    coop_a, programme_a, smtp_server, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=1)
    ids = planned(campaign)
    smtp_server.fail_data(1)
    report = send(ids)
    retry_at = T0 + dt.timedelta(minutes=1)
    assert report.retries == {retry_at: ids}  # its task queues it with a countdown

    def periodic_dispatch(minutes: float) -> int:
        time_machine.move_to(T0 + dt.timedelta(minutes=minutes), tick=False)
        with TestCase.captureOnCommitCallbacks(execute=True):
            return outbox_dispatch(now=timezone.now()).queued

    assert periodic_dispatch(0.98) == 0  # waiting for its retry time
    assert periodic_dispatch(1) == 0  # its countdown task holds it
    assert Message.objects.get().attempts == 1
    assert periodic_dispatch(11) == 1  # that task was lost: the safety net queues it
    assert statuses(ids) == {"sent": 1}
    assert len(smtp_server.messages) == 1


def test_the_default_schedule_retries_after_1_5_15_60_minutes_then_every_3_hours_for_24_hours(
    coop_a, programme_a, smtp_server, time_machine
):
    """The schedule of the settings as shipped (not overridden here): a server down for a day."""
    time_machine.move_to(T0, tick=False)
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=1)
    ids = planned(campaign)
    smtp_server.stop_listening()
    tries = []

    while statuses(ids) == {"pending": 1} and len(tries) < 20:
        message = Message.objects.get()
        time_machine.move_to(message.next_attempt_at or T0, tick=False)
        tries.append(timezone.now() - T0)
        send(ids)

    minutes = [int(t.total_seconds()) // 60 for t in tries]
    assert minutes == [
        0, 1, 6, 21, 81, 261, 441, 621, 801, 981, 1161, 1341, 1440
    ]  # fmt: skip
    message = Message.objects.get()
    assert (message.status, message.attempts) == ("failed", 13)
    assert message.reason == (
        "Abandon après 13 essais en 24 h : Serveur de messagerie injoignable "
        "(ConnectionRefusedError)"
    )
    assert message.next_attempt_at is None


def test_a_451_after_the_data_is_retried_and_each_message_is_sent_once(
    coop_a, programme_a, smtp_server, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=3)
    ids = planned(campaign)
    smtp_server.fail_data(1, after=1)  # the first message goes, the second gets 451

    report = send(ids)

    assert (report.sent, report.retrying) == (2, 1)
    refused = Message.objects.get(status="pending")
    assert (refused.phase, refused.reason) == (
        "submitted", "Message refusé pour l'instant par le serveur (451)"
    )  # fmt: skip
    time_machine.move_to(T0 + dt.timedelta(minutes=1), tick=False)
    assert send(ids).sent == 1
    recipients = smtp_server.recipients()
    assert sorted(recipients) == sorted(campaign.invitations.values_list("email", flat=True))
    assert len(recipients) == len(set(recipients)) == 3


def test_a_554_after_the_data_fails_the_message_and_it_is_not_retried(
    coop_a, programme_a, smtp_server, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=2)
    ids = planned(campaign)
    smtp_server.fail_data(1, code=554)

    report = send(ids)

    assert (report.sent, report.failed) == (1, 1)
    failed = Message.objects.get(status="failed")
    assert (failed.phase, failed.reason, failed.next_attempt_at) == (
        "submitted", "Message refusé par le serveur de messagerie (554)", None
    )  # fmt: skip
    time_machine.move_to(T0 + dt.timedelta(days=1), tick=False)
    dispatch()
    assert len(smtp_server.messages) == 1


def test_a_connection_dropped_after_the_data_leaves_the_message_uncertain_never_resent(
    coop_a, programme_a, smtp_server, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=3)
    ids = planned(campaign)
    dropped = in_order(ids)[0]
    smtp_server.drop_after_data(dropped.invitation.email)

    report = send(ids)

    assert (report.uncertain, report.sent) == (1, 2)  # the others on a new connection
    dropped.refresh_from_db()
    assert (dropped.status, dropped.phase, dropped.next_attempt_at) == (
        "uncertain", "submitted", None
    )  # fmt: skip
    assert dropped.reason == (
        "État incertain : connexion perdue (SMTPServerDisconnected) après la transmission du "
        "message ; le serveur a peut-être reçu le message, il n'est pas renvoyé automatiquement"
    )
    time_machine.move_to(T0 + dt.timedelta(days=1), tick=False)
    dispatch()
    assert smtp_server.received_by()[dropped.invitation.email] == 1
    assert len(smtp_server.messages) == 3


def test_an_answer_later_than_the_timeout_leaves_the_message_uncertain(
    coop_a, programme_a, smtp_server, settings
):
    settings.EMAIL_TIMEOUT = 1
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=2)
    ids = planned(campaign)
    slow = in_order(ids)[0]
    smtp_server.delay_reply(slow.invitation.email, 3)

    report = send(ids)

    assert (report.uncertain, report.sent) == (1, 1)
    slow.refresh_from_db()
    assert slow.reason.startswith(
        "État incertain : pas de réponse du serveur dans le délai après la transmission"
    )
    assert len(smtp_server.messages) == 2


def test_a_database_error_mid_batch_leaves_one_message_sending_and_the_others_pending(
    coop_a, programme_a, smtp_server, monkeypatch, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=5)
    ids = planned(campaign)
    step = outbox._step
    calls = []

    def database_lost_when_writing_the_third_outcome(spec, done, message, at, **kwargs):
        calls.append(message)
        if len(calls) >= 4:  # claim 1; write 1 + claim 2; write 2 + claim 3; write 3 + claim 4
            raise OperationalError("la connexion à la base est perdue")
        return step(spec, done, message, at, **kwargs)

    monkeypatch.setattr(outbox, "_step", database_lost_when_writing_the_third_outcome)
    with pytest.raises(OperationalError):
        send(ids)
    monkeypatch.undo()

    rows = in_order(ids)
    assert [(m.status, m.attempts) for m in rows] == [
        ("sent", 1), ("sent", 1), ("sending", 1), ("pending", 0), ("pending", 0)
    ]  # fmt: skip
    assert len(smtp_server.messages) == 3  # the third was sent: only its state was lost

    # Before the timeout nothing is swept; after it the third is uncertain, the others go.
    assert outbox_sweep(now=T0 + dt.timedelta(minutes=14)) == 0
    time_machine.move_to(T0 + dt.timedelta(minutes=16), tick=False)
    dispatch()
    assert [m.status for m in in_order(ids)] == ["sent", "sent", "uncertain", "sent", "sent"]
    assert set(smtp_server.received_by().values()) == {1}
    assert len(smtp_server.messages) == 5


def test_a_message_that_cannot_be_built_fails_without_stopping_the_batch(
    coop_a, programme_a, smtp_server, monkeypatch
):
    from enquetes.services import sending

    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=2)
    ids = planned(campaign)
    build = sending.survey_invitation
    broken = in_order(ids)[0].invitation_id

    def build_or_break(invitation, *, reminder=0):
        if invitation.pk == broken:
            raise ValueError("gabarit cassé")
        return build(invitation, reminder=reminder)

    monkeypatch.setattr(sending, "survey_invitation", build_or_break)
    report = send(ids)

    assert (report.failed, report.sent) == (1, 1)
    failed = Message.objects.get(invitation_id=broken)
    assert (failed.reason, failed.phase) == (
        "Message impossible à préparer (ValueError)",
        "prepare",
    )


# Resending on request -----------------------------------------------------------------------------


def test_resending_failed_messages_sends_them_once_and_a_second_click_resends_nothing(
    coop_a, programme_a, smtp_server, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=2)
    ids = planned(campaign)
    smtp_server.fail_data(1, code=554)
    send(ids)
    assert statuses(ids) == {"sent": 1, "failed": 1}
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    seen_at = timezone.now()  # the campaign page was drawn

    with django_capture_on_commit_callbacks(execute=True):
        first = campaign_messages_resend(
            campaign=campaign, uncertain=False, seen_at=seen_at, now=seen_at
        )
    with django_capture_on_commit_callbacks(execute=True):
        second = campaign_messages_resend(
            campaign=campaign, uncertain=False, seen_at=seen_at, now=seen_at
        )

    assert (first, second) == (1, 0)
    assert statuses(ids) == {"sent": 2}
    assert set(smtp_server.received_by().values()) == {1}


def test_a_message_failed_again_after_the_page_was_drawn_is_not_resent_by_that_page(
    coop_a, programme_a, smtp_server, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=1)
    ids = planned(campaign)
    smtp_server.fail_data(1, code=554)
    send(ids)
    seen_at = T0 + dt.timedelta(minutes=30)  # the page shows the failure
    campaign_messages_resend(campaign=campaign, uncertain=False, seen_at=seen_at, now=seen_at)
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    smtp_server.fail_data(1, code=554)
    send(ids)  # fails again, after the page was drawn
    assert statuses(ids) == {"failed": 1}

    again = campaign_messages_resend(
        campaign=campaign, uncertain=False, seen_at=seen_at, now=timezone.now()
    )

    assert again == 0
    assert statuses(ids) == {"failed": 1}


def test_uncertain_messages_are_resent_only_when_asked_for_by_name(
    coop_a, programme_a, smtp_server, django_capture_on_commit_callbacks
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=1)
    ids = planned(campaign)
    smtp_server.drop_after_data(in_order(ids)[0].invitation.email)
    send(ids)
    smtp_server.handler.dropped.clear()
    seen_at = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        failed_only = campaign_messages_resend(
            campaign=campaign, uncertain=False, seen_at=seen_at, now=seen_at
        )
    assert (failed_only, statuses(ids)) == (0, {"uncertain": 1})
    with django_capture_on_commit_callbacks(execute=True):
        knowingly = campaign_messages_resend(
            campaign=campaign, uncertain=True, seen_at=seen_at, now=seen_at
        )

    assert knowingly == 1
    assert statuses(ids) == {"sent": 1}
    assert len(smtp_server.messages) == 2  # received twice: the person asked for it


# Unsubscribing ---------------------------------------------------------------------------------


def _unsubscribe_path(invitation) -> str:
    return f"/d/{invitation.token}/"


def test_the_unsubscribe_page_asks_for_confirmation_and_a_get_changes_nothing(
    client, coop_a, programme_a
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=1)
    ids = planned(campaign)
    invitation = campaign.invitations.get()

    response = client.get(_unsubscribe_path(invitation))

    assert response.status_code == 200
    content = response.content.decode()
    assert '<form method="post">' in content
    assert "Confirmer" in content
    invitation.refresh_from_db()
    assert invitation.unsubscribed_at is None
    assert statuses(ids) == {"pending": 1}


def test_confirming_the_unsubscription_cancels_pending_messages_and_further_reminders(
    client, coop_a, programme_a, smtp_server
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=2)
    ids = planned(campaign)
    leaving = campaign.invitations.order_by("pk").first()

    response = client.post(_unsubscribe_path(leaving))

    assert response.status_code == 200
    assert "C'est noté" in response.content.decode()
    leaving.refresh_from_db()
    assert leaving.unsubscribed_at is not None
    message = Message.objects.get(invitation=leaving)
    assert (message.status, message.reason) == ("cancelled", "désinscrit")
    send(ids)
    assert leaving.email not in smtp_server.recipients()
    assert len(smtp_server.messages) == 1


def test_a_mail_client_one_click_post_unsubscribes_without_a_csrf_token(
    coop_a, programme_a, smtp_server, settings, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=1)
    dispatch()
    mail = smtp_server.messages[0]
    url = mail.header("List-Unsubscribe").strip("<>")
    assert url.startswith(settings.SITE_URL)
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        urlsplit(url).path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    invitation = campaign.invitations.get()
    assert invitation.unsubscribed_at == T0
    time_machine.move_to(T0 + dt.timedelta(days=7), tick=False)
    assert dispatch() == 0
    assert len(smtp_server.messages) == 1


def test_an_unknown_unsubscribe_token_is_not_found(client, db):
    response = client.post("/d/" + "x" * 43 + "/")

    assert response.status_code == 404


# The management command ------------------------------------------------------------------------


def test_the_dispatch_surveys_command_plans_and_sends(
    coop_a, programme_a, smtp_server, django_capture_on_commit_callbacks
):
    campaign_launched(cooperative=coop_a, programme=programme_a, buyers=2, without_email=1)
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("dispatch_surveys", stdout=out)

    assert "2 e-mails planifiés" in out.getvalue()
    assert "2 e-mails mis en file d'envoi." in out.getvalue()
    assert len(smtp_server.messages) == 2
    assert statuses(Message.objects.values_list("pk", flat=True)) == {"sent": 2}

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("dispatch_surveys", stdout=out)
    assert "0 e-mail mis en file d'envoi." in out.getvalue()
    assert len(smtp_server.messages) == 2
