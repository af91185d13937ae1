"""Queue, claim, report on, finish, fail, retry and sweep a background job (`models.Job`).

Every transition is a conditional update that tells whether it won, so that two workers, a
worker and the sweep, or two clicks never both act on one job:

- `job_queue`: put a pending job's task on the queue after the transaction commits; a broker
  that cannot take it fails the job with a French message (the page says so, never a 500).
- `job_run` (called by the job's task): claim pending → running, run the work with a `Progress`
  that writes progress, step and heartbeat, then done; `JobRejected` (a French reason) or any
  other error fails the job with a French message.
- `job_retry`: a person relaunches a failed job.
- `job_sweep` / `jobs_sweep`: a running job whose heartbeat is older than JOB_HEARTBEAT_TIMEOUT
  lost its worker: queued again when its task is idempotent and attempts remain, else failed; a
  pending job not started after JOB_QUEUE_TIMEOUT lost its message: queued again while attempts
  remain, else failed. `jobs_sweep` runs from the beat schedule and `manage.py sweep_jobs`; the
  page that shows a job sweeps that one job first (`job_sweep`), so a dead job never shows
  "en cours" to the person waiting for it, even without beat.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from coopqualite.jobs import enqueue, kinds
from coopqualite.jobs.models import Job

logger = logging.getLogger(__name__)

J = TypeVar("J", bound=Job)

# Options of the Celery task of a job kind. Idempotent: delivered at least once (acknowledged
# after it ran, put back on the queue if its worker dies; Redis hands an unacknowledged message
# out again after CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]). Otherwise at most once:
# acknowledged when it starts, a dead run is failed by the sweep and a person retries it.
IDEMPOTENT_TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True}
AT_MOST_ONCE_TASK_OPTIONS = {"acks_late": False, "reject_on_worker_lost": False}

BROKER_DOWN = (
    "Le service des traitements en arrière-plan est indisponible : le traitement n'a pas pu "
    "être lancé. Réessayez dans quelques minutes."
)
WORKER_LOST = "Le traitement s'est interrompu avant la fin : rien n'a été enregistré. Relancez-le."
NEVER_STARTED = (
    "Le traitement n'a jamais démarré (service des traitements indisponible). Relancez-le."
)
UNEXPECTED = (
    "Erreur inattendue pendant le traitement : rien n'a été enregistré. Relancez-le ; si "
    "l'erreur persiste, prévenez l'administrateur."
)


class JobRejected(Exception):
    """The work refuses to go on (message in French, shown on the job's page); the job fails."""


def now() -> dt.datetime:
    return timezone.now()


def _row(job: Job):
    return type(job)._default_manager.filter(pk=job.pk)


def _send(job: Job) -> None:
    """After commit: the task on the queue, or the job failed with BROKER_DOWN."""
    kind = kinds.for_model(type(job))

    def send() -> None:
        if not enqueue(kind.task, job.pk):
            job_fail(job=job, error=BROKER_DOWN)

    transaction.on_commit(send)


def job_queue(*, job: Job, now: dt.datetime) -> bool:
    """Queue a pending job (once the current transaction commits). False when it is no longer
    pending."""
    won = (
        _row(job)
        .filter(status=Job.Status.PENDING)
        .update(queued_at=now, attempts=F("attempts") + 1)
    )
    if won:
        _send(job)
    return bool(won)


def job_request_once(*, preview: Any, model: type[J], now: dt.datetime, **fields: Any) -> J:
    """The one job that writes `preview` (a checked file waiting for confirmation: a row with
    `confirmed_at`; the job model has a unique `preview_id`). The first call marks the preview
    confirmed by a conditional update, creates the job and queues it; every later call (a
    double click, a second tab, a retried request) returns that same job."""
    with transaction.atomic():
        won = (
            type(preview)
            ._default_manager.filter(pk=preview.pk, confirmed_at=None)
            .update(confirmed_at=now)
        )
        if not won:
            return model._default_manager.get(preview_id=preview.pk)
        job = model._default_manager.create(preview_id=preview.pk, requested_at=now, **fields)
        job_queue(job=job, now=now)
    return job


def job_claim(*, model: type[J], job_id: int, now: dt.datetime) -> J | None:
    """Pending → running for exactly one worker; None for every other caller (a duplicate
    message, a job done, failed or deleted)."""
    won = model._default_manager.filter(pk=job_id, status=Job.Status.PENDING).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, progress=0, step="", error=""
    )
    return model._default_manager.get(pk=job_id) if won else None


def job_finish(*, job: Job, now: dt.datetime) -> bool:
    """Running → done. Call it inside the transaction of the job's writes to make them one."""
    won = (
        _row(job)
        .filter(status=Job.Status.RUNNING)
        .update(status=Job.Status.DONE, progress=100, step="", heartbeat_at=now, finished_at=now)
    )
    if won:
        job.status, job.progress, job.finished_at = Job.Status.DONE, 100, now
    return bool(won)


def job_fail(*, job: Job, error: str, now: dt.datetime | None = None) -> bool:
    """Pending or running → failed, with a French reason for the person who asked."""
    now = now or timezone.now()
    won = (
        _row(job)
        .filter(status__in=Job.UNFINISHED)
        .update(status=Job.Status.FAILED, error=error[:300], finished_at=now)
    )
    if won:
        job.status, job.error, job.finished_at = Job.Status.FAILED, error[:300], now
    return bool(won)


def job_retry(*, job: Job, now: dt.datetime) -> bool:
    """Failed → pending, queued again with a fresh count of attempts. False when the job is not
    failed (a second click finds it pending or running)."""
    won = _row(job).filter(status=Job.Status.FAILED).update(
        status=Job.Status.PENDING, progress=0, step="", error="", attempts=0,
        queued_at=None, started_at=None, heartbeat_at=None, finished_at=None,
    )  # fmt: skip
    return bool(won) and job_queue(job=job, now=now)


class Progress:
    """Given to the work by `job_run`: `progress(40, "Écriture des lignes")` records the
    percentage, the step (French, shown on the page) and the heartbeat.

    A job that writes all or nothing runs in one transaction; inside it, on PostgreSQL, the
    progress goes through a connection of its own (autocommit) so that the page sees it before
    the job commits. SQLite (the demo, where the job runs in the request) writes it in place.
    """

    def __init__(self, job: Job):
        self.job = job
        self._side: Any = None

    def __call__(self, percent: int, step: str = "") -> None:
        at = timezone.now()
        percent, step = max(0, min(100, int(percent))), step[:120]
        values = {"progress": percent, "step": step, "heartbeat_at": at}
        rows = _row(self.job).filter(status=Job.Status.RUNNING)
        default = connections[DEFAULT_DB_ALIAS]
        if default.in_atomic_block and default.vendor == "postgresql":
            self._write_aside(rows, values)
        else:
            rows.update(**values)
        self.job.progress, self.job.step, self.job.heartbeat_at = percent, step, at

    def _write_aside(self, rows, values: dict) -> None:
        query = rows.query.chain(UpdateQuery)
        query.add_update_values(values)
        sql, params = query.get_compiler(DEFAULT_DB_ALIAS).as_sql()
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        with self._side.cursor() as cursor:
            cursor.execute(sql, params)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def job_run(*, model: type[J], job_id: int, work: Callable[[J, Progress], None]) -> J | None:
    """The body of a job's task: claim, work, done (unless the work already finished it inside
    its transaction) or failed. None when the job was not ours to run."""
    job = job_claim(model=model, job_id=job_id, now=now())
    if job is None:
        return None
    progress = Progress(job)
    try:
        work(job, progress)
    except JobRejected as exc:
        job_fail(job=job, error=str(exc))
        return job
    except Exception:
        logger.exception("%s %s failed", model._meta.label_lower, job_id)
        job_fail(job=job, error=UNEXPECTED)
        return job
    finally:
        progress.close()
    job_finish(job=job, now=now())
    return job


def job_sweep(*, job: Job, now: dt.datetime) -> str:
    """Deal with one stale job: "requeued", "failed", or "" (not stale, or someone else acted
    first). Cheap when the job is fine: no query."""
    if not job.is_stale(now):
        return ""
    kind = kinds.for_model(type(job))
    # Conditional on the very state seen as stale: two sweeps never both act.
    seen = _row(job).filter(
        status=job.status, heartbeat_at=job.heartbeat_at, queued_at=job.queued_at
    )
    may_run_again = job.attempts < kind.max_attempts and (
        kind.idempotent or job.status == Job.Status.PENDING
    )
    if may_run_again:
        won = seen.update(
            status=Job.Status.PENDING, progress=0, step="", queued_at=now,
            attempts=F("attempts") + 1,
        )  # fmt: skip
        if won:
            _send(job)
            return "requeued"
        return ""
    error = WORKER_LOST if job.status == Job.Status.RUNNING else NEVER_STARTED
    won = seen.update(status=Job.Status.FAILED, error=error, finished_at=now)
    if won:
        logger.warning("%s %s swept: failed (%s)", kind.name, job.pk, job.status)
    return "failed" if won else ""


def jobs_sweep(*, now: dt.datetime, limit: int = 500) -> dict[str, int]:
    """Sweep the stale jobs of every kind: {"requeued": n, "failed": n}."""
    outcomes: Counter[str] = Counter({"requeued": 0, "failed": 0})
    for kind in kinds.registered():
        model = kind.model
        for job in model._default_manager.filter(model.stale_q(now)).order_by("pk")[:limit]:
            outcome = job_sweep(job=job, now=now)
            if outcome:
                outcomes[outcome] += 1
    return dict(outcomes)


def job_refresh(*, job: J, now: dt.datetime) -> J:
    """For the page that shows a job: sweep it if it is stale, then read it again."""
    if job_sweep(job=job, now=now):
        job.refresh_from_db()
    return job
