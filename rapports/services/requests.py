"""Asking for a PDF of a report version: the request is recorded, and a worker builds it once
the transaction commits (`coopqualite.jobs.services.job_queue`: a broker that cannot take the
task fails the build with a French reason, never a row pending for ever)."""

from __future__ import annotations

from django.utils import timezone

from cooperatives.models import User
from coopqualite.jobs import kinds
from coopqualite.jobs.services import job_queue, job_retry
from rapports.models import Report, ReportVersion
from rapports.tasks import report_build_task

# Registered in RapportsConfig.ready. A build run again from the start writes the same PDF
# (the file last, with its row): the sweep may queue one whose worker died.
REPORT_BUILDS = kinds.Kind(model=Report, task=report_build_task, idempotent=True)


def report_request(*, version: ReportVersion, user: User | None, final: bool = False) -> Report:
    """Record the request of a preview (a draft) or of the final PDF (an approved version);
    a worker builds it once the transaction commits."""
    report = Report.objects.create(
        cooperative=version.cooperative, version=version, year=version.year, built_by=user,
        final=final,
    )  # fmt: skip
    job_queue(job=report, now=timezone.now())
    return report


def report_retry(*, report: Report) -> bool:
    """Build a failed PDF again (the same row: a final PDF stays the one of its version)."""
    return job_retry(job=report, now=timezone.now())
