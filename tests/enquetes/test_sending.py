"""Invitations and reminders sent to a real SMTP server (aiosmtpd), each at most once.

The services are called directly, in this process; tests/enquetes/test_sending_worker.py does the
same through a real Celery worker.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import threading
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, TestCase
from django.utils import timezone

from enquetes.models import Campaign, Invitation, Message
from enquetes.services import sending
from enquetes.services.dispatch import surveys_dispatch
from enquetes.services.sending import (
    MAX_ATTEMPTS,
    MAX_REMINDERS,
    TransientSendError,
    invitation_unsubscribe,
    messages_plan,
    messages_send,
    messages_sweep,
    pending_message_ids,
)
from tests.enquetes.factories import campaign_launched
from tests.smtp import free_port

PARIS = ZoneInfo("Europe/Paris")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)  # a Monday morning
SUBJECT = "Coop A vous demande votre avis"


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
    return pending_message_ids()


# The invitation itself -------------------------------------------------------------------------


def test_a_launched_campaign_sends_one_personal_invitation_per_invitee_with_an_address(
    coop_a, programme_a, smtp_server, settings
):
    campaign = campaign_launched(
        cooperative=coop_a, programme=programme_a, buyers=3, without_email=2
    )
    assert campaign.invitations.count() == 5

    assert messages_plan(now=timezone.now(), campaign=campaign) == 3
    ids = pending_message_ids()
    report = messages_send(message_ids=ids)

    assert (report.sent, report.bounced, report.failed, report.cancelled) == (3, 0, 0, 0)
    invitations = {i.email: i for i in campaign.invitations.exclude(email="")}
    assert sorted(smtp_server.recipients()) == sorted(invitations)
    assert not Message.objects.filter(invitation__email="").exists()
    assert statuses(ids) == {"sent": 3}
    assert not Message.objects.filter(pk__in=ids, sent_at=None).exists()
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

    first = messages_send(message_ids=ids)
    second = messages_send(message_ids=ids)

    assert (first.sent, first.skipped) == (3, 0)
    assert (second.sent, second.skipped) == (0, 3)
    assert len(smtp_server.messages) == 3
    assert set(Message.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}


def test_a_send_overlapping_another_one_never_sends_a_message_twice(
    coop_a, programme_a, smtp_server, monkeypatch
):
    """While the first call is talking to the server, a second call gets the same ids."""
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=3)
    ids = planned(campaign)
    build = sending.survey_invitation
    overlapping = []

    def build_while_another_sender_runs(invitation, *, reminder=0):
        if not overlapping:
            overlapping.append(None)  # only once, even if the inner call sends
            overlapping[0] = messages_send(message_ids=ids)
        return build(invitation, reminder=reminder)

    monkeypatch.setattr(sending, "survey_invitation", build_while_another_sender_runs)

    report = messages_send(message_ids=ids)

    assert (overlapping[0].sent, overlapping[0].skipped) == (0, 3)
    assert report.sent == 3
    assert sorted(smtp_server.recipients()) == sorted(
        campaign.invitations.values_list("email", flat=True)
    )


def _after_the_first_message_read(barrier: threading.Barrier):
    """An execute wrapper that waits at `barrier` once this connection has read the message
    rows for the first time (the claim's SELECT), so that two senders both read before either
    writes: without a row lock they then both claim the same rows, every time."""
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
                reports.append(messages_send(message_ids=ids))
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
def test_a_claim_is_not_blocked_by_a_lock_on_the_campaign_row(coop_a, programme_a):
    """Regression: the claim's FOR UPDATE once locked the joined campaign and invitation rows
    too, so SKIP LOCKED skipped unclaimed messages while anything held the campaign row."""
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
        claimed = sending._claim(ids, timezone.now())
    finally:
        release.set()
        thread.join(timeout=30)

    assert sorted(claimed) == sorted(ids)


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
    ids = pending_message_ids()
    time_machine.move_to(T0 + dt.timedelta(days=8), tick=False)  # the worker was late

    report = messages_send(message_ids=ids)

    assert (report.sent, report.cancelled) == (0, 1)
    assert Message.objects.get(pk=ids[0]).error == "campagne fermée"
    assert len(smtp_server.messages) == 1


def test_a_reminder_pending_when_the_buyer_answers_is_cancelled(
    coop_a, programme_a, smtp_server, time_machine
):
    time_machine.move_to(T0, tick=False)
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=2)
    dispatch()
    time_machine.move_to(T0 + dt.timedelta(days=7), tick=False)
    messages_plan(now=timezone.now())
    ids = pending_message_ids()
    answered = campaign.invitations.order_by("pk").first()
    Invitation.objects.filter(pk=answered.pk).update(answered_at=timezone.now())

    report = messages_send(message_ids=ids)

    assert (report.sent, report.cancelled) == (1, 1)
    assert Message.objects.get(invitation=answered, number=1).error == "a déjà répondu"
    assert [m.to for m in smtp_server.messages].count(answered.email) == 1


# Refusals and failures -------------------------------------------------------------------------


def test_a_refused_address_is_bounced_and_the_rest_of_the_batch_is_sent(
    coop_a, programme_a, smtp_server
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=3)
    ids = planned(campaign)
    in_order = list(Message.objects.filter(pk__in=ids).select_related("invitation"))
    refused = in_order[1]  # in the middle of the batch
    smtp_server.refuse(refused.invitation.email, 550)

    report = messages_send(message_ids=ids)

    assert (report.sent, report.bounced) == (2, 1)
    refused.refresh_from_db()
    assert refused.status == Message.Status.BOUNCED
    assert refused.error == "Adresse refusée par le serveur de messagerie (550)"
    assert refused.sent_at is None
    assert sorted(smtp_server.recipients()) == sorted(
        m.invitation.email for m in in_order if m != refused
    )
    # A bounce is final: the next dispatch does not write again.
    assert dispatch() == 0
    assert len(smtp_server.messages) == 2


def test_a_temporary_refusal_of_a_recipient_is_retried_not_bounced(
    coop_a, programme_a, smtp_server
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=3)
    ids = planned(campaign)
    greylisted = Message.objects.filter(pk__in=ids).select_related("invitation")[1]
    smtp_server.refuse(greylisted.invitation.email, 451)

    with contextlib.suppress(TransientSendError):
        messages_send(message_ids=ids)

    greylisted.refresh_from_db()
    assert greylisted.status == Message.Status.PENDING
    smtp_server.handler.refused_recipients.clear()
    with contextlib.suppress(TransientSendError):
        messages_send(message_ids=pending_message_ids())
    assert sorted(smtp_server.recipients()) == sorted(
        campaign.invitations.values_list("email", flat=True)
    )


def test_an_unreachable_server_is_transient_and_the_messages_wait_for_the_next_try(
    coop_a, programme_a, smtp_server, settings
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=2)
    ids = planned(campaign)
    settings.EMAIL_PORT = free_port()  # nobody listens there

    for attempt in (1, 2):
        with pytest.raises(TransientSendError, match="Serveur de messagerie injoignable"):
            messages_send(message_ids=ids)
        rows = Message.objects.filter(pk__in=ids)
        assert {(m.status, m.attempts, m.claimed_at) for m in rows} == {("pending", attempt, None)}
        assert {m.error for m in rows} == {
            "Serveur de messagerie injoignable (ConnectionRefusedError)"
        }

    settings.EMAIL_PORT = smtp_server.port  # the server is back
    report = messages_send(message_ids=ids)

    assert report.sent == 2
    assert {(m.status, m.attempts) for m in Message.objects.filter(pk__in=ids)} == {("sent", 3)}
    assert len(smtp_server.messages) == 2


def test_after_the_last_attempt_an_unsendable_message_is_failed_and_not_sent_again(
    coop_a, programme_a, smtp_server, settings
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=2)
    ids = planned(campaign)
    settings.EMAIL_PORT = free_port()

    for _ in range(MAX_ATTEMPTS - 1):
        with pytest.raises(TransientSendError):
            messages_send(message_ids=ids)
    assert statuses(ids) == {"pending": 2}
    with pytest.raises(TransientSendError):
        messages_send(message_ids=ids)

    rows = list(Message.objects.filter(pk__in=ids))
    assert {(m.status, m.attempts) for m in rows} == {("failed", MAX_ATTEMPTS)}
    assert all(m.error.startswith(f"Abandon après {MAX_ATTEMPTS} essais") for m in rows)
    settings.EMAIL_PORT = smtp_server.port
    assert messages_send(message_ids=ids).skipped == 2
    assert dispatch() == 0
    assert smtp_server.messages == []


def test_a_451_on_data_is_transient_and_the_retry_sends_each_message_once(
    coop_a, programme_a, smtp_server
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=3)
    ids = planned(campaign)
    smtp_server.fail_data(1, after=1)  # the first message goes, the second gets 451

    with pytest.raises(TransientSendError, match="Le serveur de messagerie a répondu 451"):
        messages_send(message_ids=ids)

    assert statuses(ids) == {"sent": 1, "pending": 2}
    assert len(smtp_server.messages) == 1
    report = messages_send(message_ids=ids)
    assert (report.sent, report.skipped) == (2, 1)
    recipients = smtp_server.recipients()
    assert sorted(recipients) == sorted(campaign.invitations.values_list("email", flat=True))
    assert len(recipients) == len(set(recipients)) == 3
    attempts = sorted(Message.objects.filter(pk__in=ids).values_list("attempts", flat=True))
    assert attempts == [1, 2, 2]


def test_a_message_left_sending_by_a_crash_is_swept_as_failed_and_never_sent_again(
    coop_a, programme_a, smtp_server, monkeypatch
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=1)
    ids = planned(campaign)
    set_status = sending._set

    def crash_when_recording_the_send(message, status, **kwargs):
        if status == Message.Status.SENT:
            raise RuntimeError("le worker est tué juste après l'envoi")
        set_status(message, status, **kwargs)

    monkeypatch.setattr(sending, "_set", crash_when_recording_the_send)
    claimed = timezone.now()
    with pytest.raises(RuntimeError):
        messages_send(message_ids=ids, now=claimed)
    monkeypatch.undo()
    assert len(smtp_server.messages) == 1
    assert statuses(ids) == {"sending": 1}

    # Before the timeout, nothing is touched; a retried task does not send again.
    assert messages_sweep(now=claimed + dt.timedelta(minutes=14)) == 0
    assert messages_send(message_ids=ids).skipped == 1
    assert statuses(ids) == {"sending": 1}

    assert messages_sweep(now=claimed + dt.timedelta(minutes=16)) == 1

    message = Message.objects.get(pk=ids[0])
    assert message.status == Message.Status.FAILED
    assert "état incertain" in message.error
    assert dispatch(now=claimed + dt.timedelta(minutes=17)) == 0
    assert messages_send(message_ids=ids).skipped == 1
    assert len(smtp_server.messages) == 1


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
    assert (message.status, message.error) == ("cancelled", "désinscrit")
    messages_send(message_ids=ids)
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
