"""Results of a campaign: the page (its exports: `exports.py`), comments; and the federation's
triennial overview."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from cooperatives.access import get_object_for, permission_required
from cooperatives.models import Cooperative, Permission
from enquetes.models import Campaign
from enquetes.result_charts import result_charts
from enquetes.selectors import (
    answered_over_time,
    answers_hidden,
    campaign_results,
    comments,
    programme_rates,
    programme_satisfaction,
    triennial_overview,
)
from enquetes.views.exports import csv_streams, export_jobs_shown


def campaign_results_view(request, campaign_id: int):
    campaign = get_object_for(request.user, Permission.READ, Campaign, pk=campaign_id)
    results = campaign_results(campaign)
    timeline = answered_over_time(campaign)
    satisfaction = programme_satisfaction(campaign)
    exports = export_jobs_shown(request.user, campaign)
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
            "exports": exports,
            # The page reads the count of its results (up to a minute old while answers come
            # in); the CSV view counts again before it streams.
            "csv_streams": csv_streams(results.responses),
            "exports_running": any(job.unfinished for job in exports or ()),
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
