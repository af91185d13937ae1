"""A concrete job kind for the tests of the jobs package (its table made by the test database's
syncdb, the jobs app having no migrations, or else inside the test's transaction), a task whose
work each test chooses."""

from __future__ import annotations

import pytest
from celery import shared_task
from django.db import connection, models

from coopqualite.jobs import kinds
from coopqualite.jobs.models import Job
from coopqualite.jobs.services import job_run


class SampleJob(Job):
    label = models.CharField(max_length=20, blank=True)

    class Meta(Job.Meta):
        app_label = "jobs"


WORK = {"fn": lambda job, progress: None}
RUNS: list[int] = []


@shared_task(name="tests.jobs.sample_job_task")
def sample_job_task(job_id: int) -> None:
    RUNS.append(job_id)
    job_run(model=SampleJob, job_id=job_id, work=lambda job, progress: WORK["fn"](job, progress))


@pytest.fixture
def sample_kind(db):
    # The jobs app has no migrations: the test database may have its table already (syncdb).
    if SampleJob._meta.db_table not in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            editor.create_model(SampleJob)
    RUNS.clear()
    WORK["fn"] = lambda job, progress: None

    def register(*, idempotent: bool = True, max_attempts: int = 3) -> kinds.Kind:
        kind = kinds.Kind(
            model=SampleJob, task=sample_job_task, idempotent=idempotent, max_attempts=max_attempts
        )
        kinds.register(kind)
        return kind

    register()
    yield register
    kinds._registry.pop(SampleJob._meta.label_lower, None)
