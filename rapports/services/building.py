"""Building the annual report (the work; `rapports.tasks.report_build_task` calls it, and the
`build_report` command). Knows nothing of Celery: `rapports.services.requests` queues builds.

A build is a job (`coopqualite.jobs`): claimed pending → running by one worker, its progress
and heartbeat written as it goes, done or failed in French. Building again from the start is
harmless (the file is written last, with the row), so a build whose worker died is queued again
by the sweep; a done build, the approved version's PDF above all, is never built again.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

from coopqualite.jobs.services import Progress, job_run
from coopqualite.pdf import render_pdf
from rapports.models import Report, ReportVersion
from rapports.selectors import report_context

log = logging.getLogger(__name__)
TEMPLATE = "rapports/report.html"


def report_html(*, version: ReportVersion) -> str:
    """The report as HTML for the browser preview: the same template and context as the PDF."""
    return render_to_string(TEMPLATE, report_context(version=version, today=timezone.localdate()))


def _build(report: Report, progress: Progress) -> None:
    progress(5, "Rassemblement des données")
    version = report.version or ReportVersion(cooperative=report.cooperative, year=report.year)
    context = report_context(version=version, today=timezone.localdate())
    progress(40, "Mise en page du PDF")
    pdf = render_pdf(TEMPLATE, context)
    progress(90, "Enregistrement")
    report.file.save(
        f"{report.cooperative.slug}-{report.year}-{report.pk}.pdf",
        ContentFile(pdf.content),
        save=False,
    )
    Report.objects.filter(pk=report.pk).update(
        file=report.file.name, size=len(pdf.content), pages=pdf.pages
    )


def report_build(*, report: Report) -> Report | None:
    """Build a requested report. Only the first caller builds (pending → running); a retried or
    duplicated task finds it taken and returns None. A failure leaves it failed with a French
    reason ("Échec — relancer")."""
    built = job_run(model=Report, job_id=report.pk, work=_build)
    if built is not None:
        built.refresh_from_db()
    return built
