"""Queueing the writing of a confirmed buyer file (`BuyerImportJob`, `coopqualite.jobs`): the
job kind registered by the app, and the confirmation that creates the job once per file."""

from __future__ import annotations

import datetime as dt

from cooperatives.models import BuyerImport, BuyerImportJob, User
from cooperatives.services.buyer_import import HAS_ERRORS, ImportRejected, has_errors
from cooperatives.tasks import buyer_import_task
from coopqualite.jobs import kinds
from coopqualite.jobs.services import job_request_once

# Idempotent: the writes, the counts and "done" are one transaction that deletes the file.
BUYER_IMPORT_JOBS = kinds.Kind(model=BuyerImportJob, task=buyer_import_task, idempotent=True)


def buyer_import_request(*, pending: BuyerImport, user: User, now: dt.datetime) -> BuyerImportJob:
    """Confirm a checked file: its job, created and queued once (a second confirmation returns
    the same job). A file with errors is refused at once (ImportRejected): no job."""
    if has_errors(pending.report):
        raise ImportRejected(HAS_ERRORS)
    return job_request_once(
        preview=pending, model=BuyerImportJob, now=now,
        cooperative_id=pending.cooperative_id, filename=pending.filename, created_by=user,
    )  # fmt: skip
