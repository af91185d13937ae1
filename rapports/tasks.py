"""Celery tasks of the report app: ids in, one service call, return. Imports only the building
service; `rapports.services.requests` queues these tasks."""

from celery import shared_task

from coopqualite.jobs.services import IDEMPOTENT_TASK_OPTIONS
from rapports.models import Report
from rapports.services.building import report_build


@shared_task(time_limit=15 * 60, **IDEMPOTENT_TASK_OPTIONS)
def report_build_task(report_id: int) -> int | None:
    report = Report.objects.select_related("cooperative").filter(pk=report_id).first()
    if report is None:
        return None
    built = report_build(report=report)
    return built.pages if built else None
