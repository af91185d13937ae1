"""Fault drills: invitations sent by a real Celery worker (another process, real Redis, the
PostgreSQL test database) to a real SMTP server on loopback that misbehaves on command.

Duplicates are counted by what the SMTP server received per recipient. The worker's retry
delays are 1 second (OUTBOX_RETRY_DELAYS, read from its environment) so that a drill lasts
seconds; the sweep is driven by calling the dispatch with `now` advanced.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest
import redis
from django.utils import timezone

from coopqualite.outbox import tasks
from coopqualite.outbox.services import dispatch as outbox_dispatch
from enquetes.models import Message
from enquetes.services.dispatch import surveys_dispatch
from enquetes.services.sending import messages_plan
from tests.enquetes.factories import campaign_launched
from tests.services import worker_start, worker_stop

pytestmark = pytest.mark.integration

KIND = "enquetes.message"


def wait_until(condition, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def statuses() -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Message.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def settled() -> bool:
    return not Message.objects.filter(status__in=["pending", "sending"]).exists()


def emails_in_order(campaign) -> list[str]:
    """Plan the campaign's invitations; their addresses in the order they will be sent."""
    messages_plan(now=timezone.now(), campaign=campaign)
    return list(
        Message.objects.filter(invitation__campaign=campaign)
        .order_by("pk")
        .values_list("invitation__email", flat=True)
    )


def _drill_worker(request, monkeypatch, settings, email_timeout: int):
    """The worker of the drills: retries after 1 second, a 2-minute window."""
    for name, value in {
        "OUTBOX_RETRY_DELAYS": "1",
        "OUTBOX_RETRY_WINDOW": "120",
        "EMAIL_TIMEOUT": str(email_timeout),
    }.items():
        monkeypatch.setenv(name, value)
    settings.OUTBOX_RETRY_DELAYS, settings.OUTBOX_RETRY_WINDOW = [1], 120
    return request.getfixturevalue("celery_worker_smtp")


@pytest.fixture
def drill_worker(transactional_db, smtp_server, request, monkeypatch, settings):
    """A worker whose SMTP timeout is 2 seconds."""
    return _drill_worker(request, monkeypatch, settings, email_timeout=2)


@pytest.fixture
def patient_worker(transactional_db, smtp_server, request, monkeypatch, settings):
    """A worker whose SMTP timeout is 60 seconds: it waits for a held answer."""
    return _drill_worker(request, monkeypatch, settings, email_timeout=60)


def test_the_worker_sends_each_invitation_once_and_a_queued_again_batch_sends_nothing(
    coop_a, programme_a, smtp_server, drill_worker, monkeypatch
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=20)
    monkeypatch.setattr(outbox_dispatch, "BATCH", 7)  # three tasks: 7, 7 and 6 messages
    assert tasks.outbox_send_task.app.conf.task_always_eager is False

    queued = surveys_dispatch(now=timezone.now()).queued

    assert queued == 20
    assert wait_until(settled), statuses()
    emails = sorted(campaign.invitations.values_list("email", flat=True))
    smtp_server.wait_for(20, timeout=5)
    assert sorted(smtp_server.recipients()) == emails
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}

    # The same batch again (a duplicate enqueue, a redelivered task): nothing more is sent.
    ids = list(Message.objects.values_list("pk", flat=True))
    tasks.outbox_send_task.delay(KIND, ids)
    report = tasks.outbox_send_task.apply_async([KIND, ids], ignore_result=False).get(timeout=30)

    assert (report["sent"], report["skipped"]) == (0, 20)
    assert not wait_until(lambda: len(smtp_server.messages) > 20, timeout=3)
    assert sorted(smtp_server.recipients()) == emails
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}


def test_an_outage_then_451_answers_shorter_than_the_window_lose_nothing_and_duplicate_nothing(
    coop_a, programme_a, smtp_server, drill_worker, monkeypatch
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=30)
    emails = emails_in_order(campaign)
    refused = emails[4], emails[17]
    for address in refused:
        smtp_server.refuse(address, 550)
    monkeypatch.setattr(outbox_dispatch, "BATCH", 10)
    smtp_server.stop_listening()

    surveys_dispatch(now=timezone.now())

    # Down: each batch tries one message again and again, the others wait without attempts.
    assert wait_until(lambda: Message.objects.filter(attempts__gte=3).count() == 3)
    assert Message.objects.filter(attempts=0).count() == 27
    smtp_server.temporary_failure(True)
    smtp_server.start_listening()  # back, but answering 451 after each message
    assert wait_until(lambda: Message.objects.filter(reason__contains="(451)").count() >= 10)
    smtp_server.temporary_failure(False)

    assert wait_until(settled, timeout=60), statuses()
    assert statuses() == {"sent": 28, "bounced": 2}
    received = smtp_server.received_by()
    assert sorted(received) == sorted(set(emails) - set(refused))  # 0 lost
    assert set(received.values()) == {1}  # 0 duplicates


def test_connections_dropped_after_the_data_leave_those_messages_uncertain_and_never_resent(
    coop_a, programme_a, smtp_server, drill_worker
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=20)
    emails = emails_in_order(campaign)
    dropped = {emails[0], emails[7], emails[19]}
    for address in dropped:
        smtp_server.drop_after_data(address)

    surveys_dispatch(now=timezone.now())

    assert wait_until(settled), statuses()
    assert statuses() == {"sent": 17, "uncertain": 3}
    uncertain = Message.objects.filter(status="uncertain").values_list("invitation__email")
    assert {email for (email,) in uncertain} == dropped
    # Nothing sends them again: not the dispatch an hour later, not a retry.
    later = outbox_dispatch.outbox_dispatch(now=timezone.now() + dt.timedelta(hours=1))
    assert later.queued == 0
    assert not wait_until(lambda: len(smtp_server.messages) > 20, timeout=3)
    received = smtp_server.received_by()
    assert sorted(received) == sorted(emails)
    assert set(received.values()) == {1}


def test_answers_later_than_the_timeout_leave_those_messages_uncertain_and_never_resent(
    coop_a, programme_a, smtp_server, drill_worker
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=10)
    emails = emails_in_order(campaign)
    slow = {emails[2], emails[6]}
    for address in slow:
        smtp_server.delay_reply(address, 4)  # the worker gives up after 2 seconds

    surveys_dispatch(now=timezone.now())

    assert wait_until(settled), statuses()
    assert statuses() == {"sent": 8, "uncertain": 2}
    reasons = set(Message.objects.filter(status="uncertain").values_list("reason", flat=True))
    assert len(reasons) == 1
    assert reasons.pop().startswith(
        "État incertain : pas de réponse du serveur dans le délai après la transmission"
    )
    assert not wait_until(lambda: len(smtp_server.messages) > 10, timeout=3)
    assert set(smtp_server.received_by().values()) == {1}


def test_a_worker_killed_mid_send_leaves_one_message_for_the_sweep_and_nothing_sent_twice(
    coop_a, programme_a, smtp_server, patient_worker, redis_url_or_skip
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=20)
    emails = emails_in_order(campaign)
    smtp_server.delay_reply(emails[5], 60)  # the sixth is held in flight

    surveys_dispatch(now=timezone.now())
    assert smtp_server.handler.holding.wait(timeout=30)
    os.kill(patient_worker.pid, signal.SIGKILL)
    patient_worker.wait(timeout=10)

    in_order = list(Message.objects.order_by("pk").values_list("status", flat=True))
    assert in_order == ["sent"] * 5 + ["sending"] + ["pending"] * 14
    # The periodic dispatch, 16 minutes later: the sweep, then what is still pending.
    after = outbox_dispatch.outbox_dispatch(now=timezone.now() + dt.timedelta(minutes=16))
    assert (after.swept, after.queued) == (1, 14)
    second = worker_start()
    try:
        assert wait_until(settled), statuses()
    finally:
        worker_stop(second)
        # The killed worker's task stays unacknowledged in Redis: forget it.
        redis.Redis.from_url(redis_url_or_skip).delete("unacked", "unacked_index")

    assert statuses() == {"sent": 19, "uncertain": 1}
    assert Message.objects.get(status="uncertain").invitation.email == emails[5]
    received = smtp_server.received_by()
    assert sorted(received) == sorted(emails)  # the held one was received, once
    assert set(received.values()) == {1}
