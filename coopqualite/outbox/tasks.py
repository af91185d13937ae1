"""The one Celery task of the outbox: a kind and ids in, `outbox_send`, then the retries due
soon queued with a countdown (later ones are left to the periodic dispatch). Only the work
module is imported here; `services.dispatch` queues this task."""

import logging

from celery import shared_task

from coopqualite.outbox.services import sending

log = logging.getLogger(__name__)


@shared_task
def outbox_send_task(kind: str, ids: list[int]) -> dict:
    report = sending.outbox_send(kind=kind, ids=ids)
    for when, retry_ids in sorted(report.retries.items()):
        try:
            outbox_send_task.apply_async((kind, retry_ids), eta=when)
        except Exception as exc:  # the broker is down: the periodic dispatch will queue them
            log.warning("%s: retry of %s message(s) not queued (%s)", kind, len(retry_ids), exc)
    return report.counts()
