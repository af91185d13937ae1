"""Building the annual report (the work; `rapports.tasks.report_build_task` calls it, and the
`build_report` command). Knows nothing of Celery: `rapports.services.requests` queues builds."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

from coopqualite.pdf import render_pdf
from rapports.models import Report, ReportVersion
from rapports.selectors import report_context

log = logging.getLogger(__name__)
TEMPLATE = "rapports/report.html"


def report_html(*, version: ReportVersion) -> str:
    """The report as HTML for the browser preview: the same template and context as the PDF."""
    return render_to_string(TEMPLATE, report_context(version=version, today=timezone.localdate()))


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
        version = report.version or ReportVersion(cooperative=report.cooperative, year=report.year)
        context = report_context(version=version, today=timezone.localdate())
        _progress(report, 40, "Mise en page du PDF")
        pdf = render_pdf(TEMPLATE, context)
        _progress(report, 90, "Enregistrement")
        report.file.save(f"{report.cooperative.slug}-{report.year}-{report.pk}.pdf",
                         ContentFile(pdf.content), save=False)  # fmt: skip
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.DONE, progress=100, step="Prêt", file=report.file.name,
            size=len(pdf.content), pages=pdf.pages, finished_at=timezone.now(),
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
