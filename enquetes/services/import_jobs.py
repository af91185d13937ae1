"""Queueing the writing of a confirmed population file (`PopulationImportJob`,
`coopqualite.jobs`): the job kind registered by the app, and the confirmation that creates the
job once per file."""

from __future__ import annotations

import datetime as dt

from cooperatives.models import User
from cooperatives.services.buyer_import import HAS_ERRORS, ImportRejected, has_errors
from coopqualite.jobs import kinds
from coopqualite.jobs.services import job_request_once
from enquetes.models import PopulationImport, PopulationImportJob
from enquetes.tasks import population_import_task

# Idempotent: the writes, the count and "done" are one transaction that deletes the file.
POPULATION_IMPORT_JOBS = kinds.Kind(
    model=PopulationImportJob, task=population_import_task, idempotent=True
)


def population_import_request(
    *, pending: PopulationImport, user: User, now: dt.datetime
) -> PopulationImportJob:
    """Confirm a checked file: its job, created and queued once (a second confirmation returns
    the same job). A file with errors is refused at once (ImportRejected): no job."""
    if has_errors(pending.report):
        raise ImportRejected(HAS_ERRORS)
    return job_request_once(
        preview=pending, model=PopulationImportJob, now=now,
        campaign_id=pending.campaign_id, filename=pending.filename, created_by=user,
    )  # fmt: skip
