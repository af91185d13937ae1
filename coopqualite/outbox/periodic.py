"""The outbox's entry of the beat schedule (every minute): the same service as the
`dispatch_outbox` management command."""

import dataclasses

from celery import shared_task

from coopqualite.outbox.services import sending
from coopqualite.outbox.services.dispatch import outbox_dispatch


@shared_task
def outbox_dispatch_task() -> dict:
    return dataclasses.asdict(outbox_dispatch(now=sending.now()))
