"""Asking for an export of a campaign's answers built in the background (`ExportJob`,
`coopqualite.jobs`): the job kind registered by the app, the request that creates the job once
per campaign and format while one is unfinished, and the retry of a failed one. A broker that
cannot take the task fails the job with a French reason (`job_queue`), never a 500."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from cooperatives.models import User
from coopqualite.jobs import kinds
from coopqualite.jobs.models import Job
from coopqualite.jobs.services import job_queue, job_retry
from enquetes.models import Campaign, ExportJob
from enquetes.tasks import export_build_task

# Idempotent: a build run again from the start stores a whole new file, the row last.
EXPORT_JOBS = kinds.Kind(model=ExportJob, task=export_build_task, idempotent=True)


def export_request(
    *, campaign: Campaign, format: str, user: User | None, now: dt.datetime
) -> ExportJob:
    """The export of `campaign` in `format`, queued once the transaction commits; while one is
    pending or running, a second request (a double click, a colleague) returns that one."""
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                campaign=campaign, format=format, requested_by=user, requested_at=now
            )
            job_queue(job=job, now=now)
    except IntegrityError:
        unfinished = ExportJob.objects.filter(
            campaign=campaign, format=format, status__in=Job.UNFINISHED
        ).first()
        if unfinished is None:  # finished between the two queries: ask again
            return export_request(campaign=campaign, format=format, user=user, now=now)
        return unfinished
    return job


def export_retry(*, job: ExportJob, now: dt.datetime) -> bool:
    """Build a failed export again (False when it is not failed)."""
    try:
        with transaction.atomic():
            return job_retry(job=job, now=now)
    except IntegrityError:  # another export of this format is being built meanwhile
        return False
