"""Asking for a PDF of a report version: the request is recorded, and a worker builds it once
the transaction commits. The one module of the app that queues tasks: it imports
`rapports.tasks`, which imports only the building service."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cooperatives.models import User
from coopqualite.jobs import enqueue
from rapports.models import Report, ReportVersion
from rapports.tasks import report_build_task

BROKER_DOWN = (
    "Le service de construction des rapports est indisponible pour le moment : rien n'a été "
    "lancé. Réessayez dans quelques minutes."
)


def _enqueue(report_id: int) -> None:
    if not enqueue(report_build_task, report_id):
        Report.objects.filter(pk=report_id, status=Report.Status.PENDING).update(
            status=Report.Status.FAILED, step="Échec", error=BROKER_DOWN,
            finished_at=timezone.now(),
        )  # fmt: skip


def report_request(*, version: ReportVersion, user: User | None, final: bool = False) -> Report:
    """Record the request of a preview (a draft) or of the final PDF (an approved version);
    a worker builds it once the transaction commits. A broker that cannot take the task
    leaves the build failed with a French reason, never pending for ever."""
    report = Report.objects.create(
        cooperative=version.cooperative, version=version, year=version.year, built_by=user,
        final=final,
    )  # fmt: skip
    transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def report_retry(*, report: Report) -> bool:
    """Build a failed PDF again (the same row: a final PDF stays the one of its version)."""
    retried = Report.objects.filter(pk=report.pk, status=Report.Status.FAILED).update(
        status=Report.Status.PENDING, progress=0, step="", error="", started_at=None,
        finished_at=None,
    )  # fmt: skip
    if retried:
        transaction.on_commit(lambda: _enqueue(report.pk))
    return bool(retried)
