"""Results of a campaign: page, comments, exports; and the federation's triennial overview."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cooperatives.access import get_object_for, permission_required, require
from cooperatives.models import Cooperative, Permission
from coopqualite.exportlog import personal_data_export_record
from coopqualite.spreadsheets import CSV_DELIMITER
from enquetes.models import Campaign
from enquetes.result_charts import result_charts
from enquetes.selectors import (
    answered_over_time,
    answers_hidden,
    campaign_export_rows,
    campaign_results,
    comments,
    programme_rates,
    programme_satisfaction,
    triennial_overview,
)


def campaign_results_view(request, campaign_id: int):
    campaign = get_object_for(request.user, Permission.READ, Campaign, pk=campaign_id)
    results = campaign_results(campaign)
    timeline = answered_over_time(campaign)
    satisfaction = programme_satisfaction(campaign)
    return render(
        request,
        "enquetes/results.html",
        {
            "campaign": campaign,
            "results": results,
            "programmes": programme_rates(campaign),
            "programme_satisfaction": satisfaction,
            "timeline": timeline,
            "charts": result_charts(campaign, results, timeline, satisfaction),
        },
    )


def campaign_comments(request, campaign_id: int):
    """Free-text answers, never with who wrote them: the same readers as the results."""
    campaign = get_object_for(request.user, Permission.READ, Campaign, pk=campaign_id)
    search = request.GET.get("q", "").strip()[:100]
    hidden = answers_hidden(campaign)
    page = None
    if not hidden:
        page = Paginator(comments(campaign, search), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enquetes/comments.html",
        {"campaign": campaign, "page": page, "search": search, "hidden": hidden},
    )


class _Echo:
    def write(self, value):
        return value


def _filename(campaign: Campaign, extension: str) -> str:
    return f"enquete-{campaign.pk}-{timezone.localdate():%Y%m%d}.{extension}"


HIDDEN_EXPORT = (
    "Enquête anonyme de moins de 5 répondants : ses réponses ne sont pas exportées, pour "
    "qu'aucune ne puisse être rattachée à une personne."
)


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


def export_csv(request, campaign_id: int):
    campaign = _exportable(request, campaign_id)
    if isinstance(campaign, HttpResponseRedirect):
        return campaign
    _recorded(request, campaign, "CSV")
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    rows = (writer.writerow(row) for row in campaign_export_rows(campaign))
    response = StreamingHttpResponse(_with_bom(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(campaign, "csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _with_bom(rows: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"  # Excel reads UTF-8 only with a byte-order mark
    yield from rows


def export_xlsx(request, campaign_id: int):
    from openpyxl import Workbook

    campaign = _exportable(request, campaign_id)
    if isinstance(campaign, HttpResponseRedirect):
        return campaign
    _recorded(request, campaign, "XLSX")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Réponses")
    for row in campaign_export_rows(campaign):
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed by FileResponse)
    workbook.save(handle)
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=_filename(campaign, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required(Permission.READ_FEDERATION)
def federation_surveys(request):
    """Per cooperative: last triennial survey, its response rate, overdue after three years."""
    overview = triennial_overview(
        Cooperative.objects.visible_to(request.user), timezone.localdate()
    )
    return render(
        request,
        "enquetes/federation.html",
        {
            "cooperatives": overview.cooperatives,
            "overdue": overview.overdue,
            "overdue_homes": overview.overdue_homes,
            "limit": overview.limit,
        },
    )
