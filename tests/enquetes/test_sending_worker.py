"""Invitations sent by a real Celery worker (another process, real Redis, the PostgreSQL test
database) to a real SMTP server: each exactly once, even when a batch is queued again."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from enquetes import tasks
from enquetes.models import Message
from enquetes.services import dispatch
from tests.enquetes.factories import campaign_launched

pytestmark = pytest.mark.integration

BUYERS = 20


def wait_until(condition, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_the_worker_sends_each_invitation_once_and_a_queued_again_batch_sends_nothing(
    coop_a, programme_a, smtp_server, celery_worker_smtp, monkeypatch
):
    campaign = campaign_launched(
        cooperative=coop_a, programme=programme_a, buyers=BUYERS, without_email=2
    )
    monkeypatch.setattr(dispatch, "BATCH", 7)  # three tasks for the worker: 7, 7 and 6 messages
    assert tasks.messages_send_task.app.conf.task_always_eager is False

    queued = dispatch.surveys_dispatch(now=timezone.now()).queued

    assert queued == BUYERS
    ids = list(Message.objects.values_list("pk", flat=True))
    assert len(ids) == BUYERS
    assert wait_until(lambda: not Message.objects.exclude(status="sent").exists()), dict(
        Message.objects.values_list("pk", "status")
    )
    emails = sorted(campaign.invitations.exclude(email="").values_list("email", flat=True))
    smtp_server.wait_for(BUYERS, timeout=5)
    assert sorted(smtp_server.recipients()) == emails
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}

    # The same batch again (a duplicate enqueue, a redelivered task): nothing more is sent.
    tasks.messages_send_task.delay(ids)
    report = tasks.messages_send_task.apply_async([ids], ignore_result=False).get(timeout=30)

    assert report["sent"] == 0
    assert report["skipped"] == BUYERS
    assert not wait_until(lambda: len(smtp_server.messages) > BUYERS, timeout=3)
    assert sorted(smtp_server.recipients()) == emails
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}
