"""Asking for an annual report from the portal: the request is recorded, and a worker builds it
once the transaction commits. The one module of the app that queues tasks: it imports
`rapports.tasks`, which imports only the building service."""

from __future__ import annotations

from django.db import transaction

from cooperatives.models import Cooperative, User
from rapports.models import Report
from rapports.tasks import report_build_task


def report_request(*, cooperative: Cooperative, year: int, user: User | None) -> Report:
    """Record the request; a worker builds it once the transaction commits."""
    report = Report.objects.create(cooperative=cooperative, year=year, built_by=user)
    transaction.on_commit(lambda: report_build_task.delay(report.pk))
    return report
