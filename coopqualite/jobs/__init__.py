"""Background jobs a person waits for (an import being written, an export, a report build).

- `enqueue` (here): put a task on the queue from a web request without hanging it when the
  broker does.
- `models.Job`: the abstract state every such job keeps (status, progress, heartbeat, attempts,
  error in French); a feature's concrete job model inherits it.
- `kinds`: each concrete job model registers its task there (in its app's `ready()`), saying
  whether the task may run again from the start after its worker died (idempotent).
- `services`: queue, claim, report progress, finish, fail, retry and sweep a job. The sweep turns
  a job whose worker died into "échec — relancer" (or queues it again, bounded), from the beat
  schedule, the `sweep_jobs` command and the page that shows the job.

Nothing here imports a feature.
"""

from __future__ import annotations

import logging
import threading

from celery import Task
from django.conf import settings
from django.db import connections
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue(task: Task, *args, **kwargs) -> bool:
    """Queue `task(*args, **kwargs)`; False when the broker cannot take it.

    Bounded by the broker settings (REDIS_TIMEOUT, CELERY_TASK_PUBLISH_RETRY_POLICY): a dead
    broker answers False at once, a hung one within about two REDIS_TIMEOUT. The caller turns
    False into a French message and a job marked failed, never a 500. Call it from
    `transaction.on_commit` like any enqueue. Without a broker (eager mode) the task runs here,
    and its own errors propagate; with TASKS_IN_THREADS (the demo) it runs in a thread of this
    process instead, so that the request answers at once and the page shows the job's progress.
    """
    if task.app.conf.task_always_eager:
        if settings.TASKS_IN_THREADS:
            threading.Thread(
                target=_run_in_thread, args=(task, args, kwargs), name=task.name, daemon=True
            ).start()
        else:
            task.apply_async(args, kwargs)
        return True
    try:
        task.apply_async(args, kwargs)
    except (OperationalError, OSError) as exc:
        logger.warning("Broker unavailable, task %s not queued: %s", task.name, exc)
        return False
    return True


def _run_in_thread(task: Task, args: tuple, kwargs: dict) -> None:
    """A task of the worker-less demo, beside the request that queued it (its errors are
    logged and recorded on its job by the task itself, as under a worker)."""
    try:
        task.apply(args, kwargs)
    except Exception:
        logger.exception("Task %s failed in its thread", task.name)
    finally:
        connections.close_all()
