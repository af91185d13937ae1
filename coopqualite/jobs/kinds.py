"""The kinds of background job: one concrete model each (inheriting `models.Job`), with its
Celery task, registered in its app's `AppConfig.ready()` (the jobs package imports no feature):

    kinds.register(kinds.Kind(model=BuyerImportJob, task=buyer_import_task, idempotent=True))

The task takes the job's id and calls `services.job_run`. `idempotent`: running the task again
from the start after its worker died writes nothing twice (its writes are one transaction that
also consumes what it works on); only then does the sweep queue a dead job again (at most
`max_attempts` times in all), and only then is the task declared with `acks_late` (see
`services.JOB_TASK_OPTIONS`). Otherwise a dead job is failed and a person retries it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from celery import Task

    from coopqualite.jobs.models import Job


@dataclass(frozen=True)
class Kind:
    model: type[Job]
    task: Task
    idempotent: bool
    max_attempts: int = 3

    @property
    def name(self) -> str:
        return self.model._meta.label_lower


_registry: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    _registry[kind.name] = kind


def for_model(model: type[Any]) -> Kind:
    try:
        return _registry[model._meta.label_lower]
    except KeyError:
        raise LookupError(f"jobs: no kind registered for {model._meta.label_lower}") from None


def registered() -> list[Kind]:
    return list(_registry.values())
