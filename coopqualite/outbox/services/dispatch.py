"""Queuing outbox messages for the Celery workers: the one module of the outbox that imports
`coopqualite.outbox.tasks`. Features queue through `outbox_enqueue`; the periodic dispatch
(`outbox_dispatch`) sweeps and queues what is due, of every kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.db import connections, router, transaction

from coopqualite import jobs
from coopqualite.outbox import kinds, tasks
from coopqualite.outbox.models import OutboxMessage, outbox_rows
from coopqualite.outbox.services import sending

# Messages per task, over one SMTP connection. 100 rather than 50: the worker's CPU per e-mail
# fell by a fifth in the sending bench (the task's fixed costs: loading rows, connecting).
BATCH = 100
# From this many messages queued at once (a campaign's launch, a day of reminders), the table's
# statistics are taken again once the rows are committed: those PostgreSQL kept were taken when
# nearly every row had been sent, and with them the planner reads a batch's rows through the
# status index, every pending row of the wave scanned for each batch.
ANALYZE_FROM = 1000


def outbox_enqueue(*, kind: str, ids: list[int], now: dt.datetime) -> int:
    """Queue these messages in batches once the current transaction commits, and note when
    (the periodic dispatch leaves them to their task for a while). Queuing twice is harmless:
    a sender claims each row before sending. A broker that cannot take the tasks loses
    nothing: the rows stay pending, and the periodic dispatch queues them again later
    (`models.REQUEUE_AFTER`)."""
    if not ids:
        return 0
    model = kinds.get(kind).model
    outbox_rows(model).filter(pk__in=ids).update(queued_at=now)
    if len(ids) >= ANALYZE_FROM:
        transaction.on_commit(partial(_statistics_refresh, model), robust=True)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        transaction.on_commit(partial(jobs.enqueue, tasks.outbox_send_task, kind, batch))
    return len(ids)


@dataclass(frozen=True)
class OutboxDispatch:
    swept: int  # messages left "sending" by a dead worker, now uncertain
    queued: int  # messages queued for sending


def outbox_dispatch(*, now: dt.datetime) -> OutboxDispatch:
    """The safety net: mark what dead workers left, and queue every due message of every kind
    that no task is known to hold (never one waiting for its retry time)."""
    with transaction.atomic():
        swept = sending.outbox_sweep(now=now)
        queued = 0
        for kind in kinds.registered():
            ids = list(
                outbox_rows(kind.model).to_queue(now).order_by("pk").values_list("pk", flat=True)
            )
            queued += outbox_enqueue(kind=kind.name, ids=ids, now=now)
    return OutboxDispatch(swept=swept, queued=queued)


def _statistics_refresh(model: type[OutboxMessage]) -> None:
    """ANALYZE the model's table (PostgreSQL; SQLite's planner keeps no such statistics). It
    runs in the process that committed, a web request for a launch: SKIP_LOCKED gives up at
    once instead of waiting behind a vacuum, an index build or another ANALYZE."""
    db = router.db_for_write(model)
    if connections[db].vendor != "postgresql":
        return
    with connections[db].cursor() as cursor:
        table = connections[db].ops.quote_name(model._meta.db_table)
        cursor.execute(f"ANALYZE (SKIP_LOCKED) {table}")
