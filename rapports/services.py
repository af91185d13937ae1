"""Building the annual report: requested from the portal, built by a worker, kept."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cooperatives.models import Cooperative, User
from coopqualite.pdf import html_to_pdf
from rapports.data import report_context
from rapports.models import Report

log = logging.getLogger(__name__)
TEMPLATE = "rapports/report.html"


def report_html(*, cooperative: Cooperative, year: int) -> str:
    """The report as HTML: the same document for the browser preview and the PDF."""
    return render_to_string(TEMPLATE, report_context(cooperative=cooperative, year=year))


def report_request(*, cooperative: Cooperative, year: int, user: User | None) -> Report:
    """Record the request; a worker builds it once the transaction commits."""
    from rapports.tasks import report_build_task

    report = Report.objects.create(cooperative=cooperative, year=year, built_by=user)
    transaction.on_commit(lambda: report_build_task.delay(report.pk))
    return report


def _progress(report: Report, progress: int, step: str) -> None:
    Report.objects.filter(pk=report.pk).update(progress=progress, step=step)


def report_build(*, report: Report) -> Report | None:
    """Build a requested report. Only the first caller builds (pending → running); a retried or
    duplicated task finds it taken and returns None."""
    claimed = Report.objects.filter(pk=report.pk, status=Report.Status.PENDING).update(
        status=Report.Status.RUNNING, started_at=timezone.now(), progress=5,
        step="Rassemblement des données",
    )  # fmt: skip
    if not claimed:
        return None
    try:
        html = report_html(cooperative=report.cooperative, year=report.year)
        _progress(report, 40, "Mise en page du PDF")
        pdf, pages = html_to_pdf(html)
        _progress(report, 90, "Enregistrement")
        report.file.save(f"{report.cooperative.slug}-{report.year}-{report.pk}.pdf",
                         ContentFile(pdf), save=False)  # fmt: skip
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.DONE, progress=100, step="Prêt", file=report.file.name,
            size=len(pdf), pages=pages,
            finished_at=timezone.now(),
        )  # fmt: skip
    except Exception as exc:
        log.exception("report %s failed", report.pk)
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.FAILED, step="Échec", finished_at=timezone.now(),
            error=f"{type(exc).__name__} : la construction a échoué."[:300],
        )  # fmt: skip
        raise
    report.refresh_from_db()
    return report
