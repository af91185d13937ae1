"""Exports of a campaign's answers (one row per response), under `Campaign.export_permission`:
a CSV streamed from the request up to EXPORT_STREAM_MAX_RESPONSES responses; above it, and for
every XLSX, an `ExportJob` a worker builds, followed on the results page and downloaded for a
day (`enquetes.services.export_jobs`)."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cooperatives.access import get_object_for, require
from cooperatives.models import Permission, User
from coopqualite.exportlog import personal_data_export_record
from coopqualite.formats import format_number
from coopqualite.jobs.models import Job
from coopqualite.jobs.services import job_refresh
from coopqualite.spreadsheets import CSV_DELIMITER
from enquetes.models import Campaign, ExportJob
from enquetes.models.exports import EXPORT_LIFETIME
from enquetes.selectors import answers_hidden, campaign_export_rows
from enquetes.services.export_jobs import export_request, export_retry
from enquetes.services.exporting import completed_responses

HIDDEN_EXPORT = (
    "Enquête anonyme de moins de 5 répondants : ses réponses ne sont pas exportées, pour "
    "qu'aucune ne puisse être rattachée à une personne."
)


def csv_streams(responses: int) -> bool:
    """Whether the CSV export of a campaign of `responses` completed responses streams from the
    request (else a worker builds it)."""
    return responses <= settings.EXPORT_STREAM_MAX_RESPONSES


def export_jobs_shown(user: User, campaign: Campaign) -> list[ExportJob] | None:
    """The exports of the last day the results page lists (None: the user may not export).
    An unfinished one whose worker died is swept first, so it never shows "en cours"."""
    if not user.may(campaign.export_permission, campaign.cooperative):
        return None
    now = timezone.now()
    jobs = list(
        campaign.export_jobs.filter(requested_at__gte=now - EXPORT_LIFETIME)
        .select_related("requested_by")
        .order_by("-requested_at")[:6]
    )
    jobs = [job_refresh(job=job, now=now) if job.unfinished else job for job in jobs]
    for job in jobs:
        job.download_ready = job.downloadable(now)
    return jobs


def _exportable(request, campaign_id: int) -> Campaign | HttpResponseRedirect:
    """The campaign, if the user may download its answers and the anonymity mask lets them out;
    otherwise the way back to its results, with the reason."""
    campaign = get_object_for(request.user, Permission.READ, Campaign, pk=campaign_id)
    require(request.user, campaign.export_permission, campaign.cooperative)
    if answers_hidden(campaign):
        messages.info(request, HIDDEN_EXPORT)
        return redirect("campaign_results", campaign_id=campaign.pk)
    return campaign


def _recorded(request, campaign, kind: str) -> None:
    """A nominative campaign's rows name people: the export is recorded for the director."""
    if not campaign.anonymous:
        personal_data_export_record(
            cooperative_id=campaign.cooperative_id,
            user=request.user,
            what=f"Réponses de l'enquête « {campaign.name} » ({kind})",
        )


def _results(campaign: Campaign) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("campaign_results", args=[campaign.pk]) + "#exports")


class _Echo:
    def write(self, value):
        return value


def _with_bom(rows: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"  # Excel reads UTF-8 only with a byte-order mark; sent before any row is read
    yield from rows


def export_csv(request, campaign_id: int):
    """The CSV, streamed: its first bytes leave at once, rows follow as the database cursors
    hand them (constant memory). Over the threshold, back to the page that offers the job."""
    campaign = _exportable(request, campaign_id)
    if isinstance(campaign, HttpResponseRedirect):
        return campaign
    if not csv_streams(completed_responses(campaign)):
        limit = format_number(settings.EXPORT_STREAM_MAX_RESPONSES)
        messages.info(
            request,
            f"Plus de {limit} réponses : l'export CSV est préparé en arrière-plan. Cliquez sur "
            "« Préparer l'export CSV » ; le fichier sera téléchargeable ici pendant 24 heures.",
        )
        return _results(campaign)
    _recorded(request, campaign, "CSV")
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    rows = (writer.writerow(row) for row in campaign_export_rows(campaign))
    response = StreamingHttpResponse(_with_bom(rows), content_type="text/csv; charset=utf-8")
    filename = f"enquete-{campaign.pk}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def export_request_view(request, campaign_id: int):
    campaign = _exportable(request, campaign_id)
    if isinstance(campaign, HttpResponseRedirect):
        return campaign
    chosen = request.POST.get("format", "")
    if chosen not in ExportJob.Format.values:
        messages.error(request, "Choisissez le format de l'export : CSV ou Excel.")
        return _results(campaign)
    job = export_request(campaign=campaign, format=chosen, user=request.user, now=timezone.now())
    _recorded(request, campaign, chosen.upper())
    job.refresh_from_db()
    if job.status == Job.Status.FAILED:
        messages.error(request, job.error)
    else:
        messages.success(
            request,
            f"Export {job.get_format_display()} en préparation : il apparaît ci-dessous, prêt "
            "à télécharger, dans quelques instants.",
        )
    return _results(campaign)


def _job(request, campaign_id: int, export_job_id: int) -> ExportJob:
    """The export, 404 outside the user's cooperatives; 403 without the export permission."""
    job = get_object_for(
        request.user, Permission.READ,
        ExportJob.objects.select_related("campaign__cooperative"),
        pk=export_job_id, campaign_id=campaign_id,
    )  # fmt: skip
    require(request.user, job.campaign.export_permission, job.campaign.cooperative)
    return job


@require_GET
def export_download(request, campaign_id: int, export_job_id: int):
    """The built file, for a day after it was built (then gone: 404)."""
    job = _job(request, campaign_id, export_job_id)
    if not job.downloadable(timezone.now()):
        raise Http404("Cet export n'est plus disponible : relancez-le depuis les résultats.")
    content_type = {
        ExportJob.Format.CSV: "text/csv; charset=utf-8",
        ExportJob.Format.XLSX: (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
    }[ExportJob.Format(job.format)]
    response = FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def export_retry_view(request, campaign_id: int, export_job_id: int):
    job = _job(request, campaign_id, export_job_id)
    if export_retry(job=job, now=timezone.now()):
        messages.success(request, "Export relancé.")
    else:
        messages.error(request, "Seul un export en échec peut être relancé.")
    return _results(job.campaign)
