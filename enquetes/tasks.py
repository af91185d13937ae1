"""Thin Celery tasks: take ids, call a service, return."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from enquetes.services import campaigns, sending

BATCH = 50


@shared_task(
    autoretry_for=(sending.TransientSendError,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=sending.MAX_ATTEMPTS,
)
def messages_send_task(message_ids: list[int]) -> dict:
    report = sending.messages_send(message_ids=message_ids)
    return report.__dict__


def enqueue_pending(limit: int | None = None) -> int:
    """Queue the pending messages in batches, once the current transaction commits."""
    ids = sending.pending_message_ids(limit=limit)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        transaction.on_commit(lambda batch=batch: messages_send_task.delay(batch))
    return len(ids)


@shared_task
def surveys_dispatch_task() -> int:
    """Periodic: invite key-step buyers who became due, plan invitations and reminders, queue
    what is pending, and mark messages stuck by a crash."""
    now = timezone.now()
    campaigns.key_step_invitations_create(now=now)
    sending.messages_plan(now=now)
    sending.messages_sweep(now=now)
    return enqueue_pending()
