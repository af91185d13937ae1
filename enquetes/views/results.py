"""Results of a campaign: page, comments, exports; and the federation's triennial overview."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterator

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from cooperatives.access import get_object_for, permission_required, require
from cooperatives.models import Cooperative, Permission
from coopqualite.charts import Point, line_chart
from enquetes import scales
from enquetes.models import Answer, Campaign, Invitation, Question, Response, SurveyKind
from enquetes.results import (
    answered_over_time,
    campaign_results,
    comments,
    programme_rates,
    programme_satisfaction,
)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def campaign_results_view(request, campaign_id: int):
    campaign = get_object_for(request.user, Permission.READ, Campaign, pk=campaign_id)
    results = campaign_results(campaign)
    timeline = answered_over_time(campaign)
    chart = None
    if len(timeline) > 1:
        chart = line_chart(
            [Point(f"{day:%d/%m}", n) for day, n in timeline],
            title="Réponses reçues, en cumul, jour après jour",
        )
    return render(
        request,
        "enquetes/results.html",
        {
            "campaign": campaign,
            "results": results,
            "programmes": programme_rates(campaign),
            "programme_satisfaction": programme_satisfaction(campaign),
            "timeline": timeline,
            "timeline_chart": chart,
        },
    )


def campaign_comments(request, campaign_id: int):
    """Free-text answers, never with who wrote them: the same readers as the results."""
    campaign = get_object_for(request.user, Permission.READ, Campaign, pk=campaign_id)
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(comments(campaign, search), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enquetes/comments.html",
        {"campaign": campaign, "page": page, "search": search},
    )


def _safe(value) -> str:
    """A cell a spreadsheet will never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _export_rows(campaign: Campaign) -> Iterator[list[str]]:
    """Header, then one row per completed response. Two queries whatever the size: responses
    and answers are read in the same order and merged."""
    questions = list(
        Question.objects.filter(questionnaire=campaign.questionnaire)
        .prefetch_related("choices")
        .order_by("section__position", "position", "pk")
    )
    labels = {q.pk: dict(scales.options_for(q)) for q in questions}
    person = not campaign.anonymous
    header = ["réponse", "canal"]
    if person:
        header += ["date", "nom", "prénom", "programme", "lot"]
    yield header + [q.key for q in questions]
    responses = (
        Response.objects.filter(campaign=campaign, completed=True)
        .order_by("pk")
        .values_list(
            "pk", "channel", "submitted_on", "invitation__last_name", "invitation__first_name",
            "programme__name", "invitation__lot_code",
        )
    )  # fmt: skip
    answers = (
        Answer.objects.filter(response__campaign=campaign, response__completed=True)
        .order_by("response_id")
        .values_list("response_id", "question_id", "value", "text")
        .iterator(chunk_size=5000)
    )
    pending = next(answers, None)
    channels = dict(Response.Channel.choices)
    for pk, channel, day, last, first, programme, lot in responses.iterator(chunk_size=2000):
        values: dict[int, list[str]] = {}
        while pending is not None and pending[0] == pk:
            _, question_id, value, text = pending
            values.setdefault(question_id, []).append(
                text or labels.get(question_id, {}).get(value, value)
            )
            pending = next(answers, None)
        row = [str(pk), channels.get(channel, channel)]
        if person:
            row += [day.isoformat() if day else "", last, first, programme, lot]
        row += ["; ".join(values.get(q.pk, [])) for q in questions]
        yield [_safe(cell) for cell in row]


class _Echo:
    def write(self, value):
        return value


def _filename(campaign: Campaign, extension: str) -> str:
    return f"enquete-{campaign.pk}-{timezone.localdate():%Y%m%d}.{extension}"


def export_csv(request, campaign_id: int):
    campaign = get_object_for(request.user, Permission.READ, Campaign, pk=campaign_id)
    require(request.user, campaign.export_permission, campaign.cooperative)
    writer = csv.writer(_Echo(), delimiter=";")
    rows = (writer.writerow(row) for row in _export_rows(campaign))
    response = StreamingHttpResponse(_with_bom(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(campaign, "csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _with_bom(rows: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"  # Excel reads UTF-8 only with a byte-order mark
    yield from rows


def export_xlsx(request, campaign_id: int):
    from openpyxl import Workbook

    campaign = get_object_for(request.user, Permission.READ, Campaign, pk=campaign_id)
    require(request.user, campaign.export_permission, campaign.cooperative)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Réponses")
    for row in _export_rows(campaign):
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
    today = timezone.localdate()
    triennials = Campaign.objects.filter(
        cooperative=OuterRef("pk"), kind=SurveyKind.TRIENNIAL, launched_at__isnull=False
    ).order_by("-opens_on")
    cooperatives = list(
        Cooperative.objects.visible_to(request.user)
        .annotate(
            last_triennial_id=Subquery(triennials.values("pk")[:1]),
            last_triennial_on=Subquery(triennials.values("opens_on")[:1]),
        )
        .order_by("name")
    )
    ids = [c.last_triennial_id for c in cooperatives if c.last_triennial_id]
    rates = {
        row["campaign_id"]: row
        for row in Invitation.objects.filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    }
    limit = _years_before(today, 3)
    overdue_homes = 0
    for cooperative in cooperatives:
        row = rates.get(cooperative.last_triennial_id)
        cooperative.rate = (
            100 * row["answered"] / row["invited"] if row and row["invited"] else None
        )
        cooperative.overdue = (
            cooperative.last_triennial_on is None or cooperative.last_triennial_on < limit
        )
        if cooperative.overdue:
            overdue_homes += cooperative.homes_count
    overdue = [c for c in cooperatives if c.overdue]
    return render(
        request,
        "enquetes/federation.html",
        {
            "cooperatives": cooperatives,
            "overdue": overdue,
            "overdue_homes": overdue_homes,
            "limit": limit,
        },
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
