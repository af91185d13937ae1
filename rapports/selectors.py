"""Reads of the annual report: what it says, gathered from every app. Aggregates come from the
database: the number of queries and the Python work do not grow with the number of survey
responses (the database's own counting does, linearly; see docs/benchmarks.md)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from cooperatives.models import Buyer, Cooperative
from coopqualite.charts import Point, line_chart
from engagements import periods
from engagements.models import (
    Action,
    Commitment,
    Evidence,
    Indicator,
    IsoSubject,
    Measurement,
    Principle,
)
from engagements.readings import reading, status_of
from enquetes.models import Answer, Campaign
from enquetes.selectors import campaign_results

COMMENTS_PER_CAMPAIGN = 4


@dataclass
class IndicatorRow:
    indicator: Indicator
    value: Decimal | None
    label: str
    status: str
    chart: str
    points: list[Point]

    @property
    def measured(self) -> list[Point]:
        return [p for p in self.points if p.value is not None]


@dataclass
class CommitmentSection:
    commitment: Commitment
    indicators: list[IndicatorRow] = field(default_factory=list)
    done: list[Action] = field(default_factory=list)
    late: list[Action] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _done_in(start: dt.date, end: dt.date) -> Q:
    """Actions done between the two dates."""
    return Q(status=Action.Status.DONE, completed_on__range=(start, end))


# "Late" in the report is Action.late_q on the 31st of December of the report's year: open, and
# due before that day.


def _indicator_rows(commitment_ids: list[int], year: int) -> dict[int, list[IndicatorRow]]:
    start, end = _year_bounds(year)
    indicators = list(
        Indicator.objects.filter(commitment_id__in=commitment_ids).order_by("position", "pk")
    )
    window_start = dt.date(year - 3, 1, 1)  # yearly indicators: four years of history
    measured: dict[int, dict[dt.date, tuple]] = defaultdict(dict)
    for indicator_id, period_start, value, base, awaiting in Measurement.objects.filter(
        indicator__commitment_id__in=commitment_ids,
        period_start__range=(window_start, end),
    ).values_list("indicator_id", "period_start", "value", "base", "awaiting_confirmation"):
        measured[indicator_id][period_start] = (value, base, awaiting)
    rows: dict[int, list[IndicatorRow]] = defaultdict(list)
    for indicator in indicators:
        if indicator.period == periods.Period.YEAR:
            starts = [dt.date(y, 1, 1) for y in range(year - 3, year + 1)]
        else:
            starts, current = [], periods.start_of(indicator.period, start)
            while current <= end:
                starts.append(current)
                current = periods.shift(indicator.period, current, 1)
        # The same reading as the scorecard and the public page (confirmed values only).
        values = {
            s: reading(indicator, *measured[indicator.pk][s], published=True).value
            for s in starts
            if s in measured[indicator.pk]
        }
        points = [Point(periods.label(indicator.period, s), values.get(s)) for s in starts]
        in_year = [(s, values[s]) for s in starts if s >= start and values.get(s) is not None]
        latest = in_year[-1] if in_year else None
        value = latest[1] if latest else None
        rows[indicator.commitment_id].append(
            IndicatorRow(
                indicator=indicator,
                value=value,
                label=periods.label(indicator.period, latest[0]) if latest else "",
                status=status_of(indicator, value),
                chart=line_chart(
                    points,
                    title=f"{indicator.name} : mesures et cible",
                    unit=indicator.unit,
                    target=indicator.target,
                    width=560,
                    height=180,
                ),
                points=points,
            )
        )
    return rows


def _commitment_sections(cooperative: Cooperative, year: int) -> list[CommitmentSection]:
    start, end = _year_bounds(year)
    commitments = list(
        Commitment.objects.for_cooperative(cooperative)
        .prefetch_related("principles")
        .order_by("number")
    )
    ids = [c.pk for c in commitments]
    sections = {c.pk: CommitmentSection(c) for c in commitments}
    for commitment_id, rows in _indicator_rows(ids, year).items():
        sections[commitment_id].indicators = rows
    actions = (
        Action.objects.for_cooperative(cooperative)
        .filter(commitments__in=ids)
        .filter(_done_in(start, end) | Action.late_q(end))
        .select_related("owner")
        .prefetch_related(Prefetch("commitments", queryset=Commitment.objects.only("pk")))
        .distinct()
        .order_by("due_date", "pk")
    )
    for action in actions:
        late = action.is_late(end)
        for commitment in action.commitments.all():
            if commitment.pk in sections:
                section = sections[commitment.pk]
                (section.late if late else section.done).append(action)
    evidence = (
        Evidence.objects.for_cooperative(cooperative)
        .filter(fact_date__range=(start, end))
        .select_related("action", "measurement__indicator")
        .prefetch_related("action__commitments")
        .order_by("fact_date", "pk")
    )
    for proof in evidence:
        if proof.commitment_id:
            targets = [proof.commitment_id]
        elif proof.action_id:
            targets = [c.pk for c in proof.action.commitments.all()]
        else:
            targets = [proof.measurement.indicator.commitment_id]
        for commitment_id in targets:
            if commitment_id in sections:
                sections[commitment_id].evidence.append(proof)
    return list(sections.values())


def _surveys(cooperative: Cooperative, year: int) -> list[dict]:
    start, end = _year_bounds(year)
    campaigns = list(
        Campaign.objects.for_cooperative(cooperative)
        .filter(launched_at__isnull=False)
        .filter(Q(opens_on__range=(start, end)) | Q(closes_on__range=(start, end)))
        .select_related("questionnaire")
        .order_by("opens_on")
    )
    out = []
    for campaign in campaigns:
        results = campaign_results(campaign)
        comments = []
        if not results.hidden:
            comments = list(
                Answer.objects.filter(
                    response__campaign=campaign, response__completed=True, question__type="text"
                )
                .exclude(text="")
                .order_by("text")
                .values_list("text", flat=True)
                .distinct()[:COMMENTS_PER_CAMPAIGN]
            )
        out.append({"campaign": campaign, "results": results, "comments": comments})
    return out


def _rse_actions(cooperative: Cooperative, year: int) -> list[tuple[str, list[Action]]]:
    start, end = _year_bounds(year)
    actions = (
        Action.objects.for_cooperative(cooperative)
        .exclude(iso_subject="")
        .filter(_done_in(start, end) | (Action.open_q() & Q(created_at__date__lte=end)))
        .select_related("owner")
        .order_by("iso_subject", "title")
    )
    grouped: dict[str, list[Action]] = {value: [] for value, _ in IsoSubject.choices}
    for action in actions:
        grouped[action.iso_subject].append(action)
    labels = dict(IsoSubject.choices)
    return [(labels[key], items) for key, items in grouped.items()]


def _key_figures(
    cooperative: Cooperative, year: int, sections: list[CommitmentSection], surveys: list[dict]
) -> dict:
    start, end = _year_bounds(year)
    deliveries = Buyer.objects.for_cooperative(cooperative).aggregate(
        delivered=Count("pk", filter=Q(delivery_date__range=(start, end))),
        reserved=Count("pk", filter=Q(reservation_date__range=(start, end))),
    )
    actions = Action.objects.for_cooperative(cooperative).aggregate(
        done=Count("pk", filter=_done_in(start, end)),
        late=Count("pk", filter=Action.late_q(end)),
    )
    rows = [row for section in sections for row in section.indicators]
    measured = [row for row in rows if row.status != "none"]
    return {
        "delivered": deliveries["delivered"],
        "reserved": deliveries["reserved"],
        "indicators": len(rows),
        "measured": len(measured),
        "on_target": sum(1 for row in measured if row.status == "ok"),
        "actions_done": actions["done"],
        "actions_late": actions["late"],
        "campaigns": len(surveys),
        "responses": sum(s["results"].answered for s in surveys),
        "invited": sum(s["results"].invited for s in surveys),
    }


def report_context(*, cooperative: Cooperative, year: int) -> dict:
    sections = _commitment_sections(cooperative, year)
    surveys = _surveys(cooperative, year)
    principles = Principle.objects.prefetch_related(
        Prefetch(
            "commitments",
            queryset=Commitment.objects.for_cooperative(cooperative).order_by("number"),
            to_attr="own_commitments",
        )
    )
    return {
        "cooperative": cooperative,
        "year": year,
        "built_on": timezone.localdate(),
        "principles": principles,
        "sections": sections,
        "surveys": surveys,
        "rse": _rse_actions(cooperative, year),
        "figures": _key_figures(cooperative, year, sections, surveys),
    }
