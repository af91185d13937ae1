"""Reads of the engagements pages: the scorecard, a commitment, an indicator, the charter, the
federation's summaries.

The scorecard is built with a fixed number of queries whatever the number of commitments,
indicators, measurements and actions: rows are fetched per kind, then assembled in memory.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, DateField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.safestring import SafeString

from cooperatives.models import Cooperative
from coopqualite.charts import (
    BAD,
    GOOD,
    NEUTRAL,
    Point,
    Series,
    grouped_bar_chart,
    line_chart,
    sparkline,
)
from coopqualite.formats import format_measure
from engagements import periods
from engagements.models import (
    Action,
    Commitment,
    Evidence,
    Indicator,
    IsoAssessment,
    IsoSubject,
    Measurement,
    Principle,
)
from engagements.readings import (
    HISTORY_LENGTH,
    Status,
    met_sql,
    min_base_of,
    reading,
    shown_sql,
    status_of,
    tolerance_of,
)
from engagements.sources import survey_feed_choices

TREND_LENGTH = 8


@dataclass
class IndicatorLine:
    indicator: Indicator
    points: list[Point]  # the values shown, None where there is none to show
    latest: Point | None  # the latest value shown
    previous: Point | None
    status: Status  # of the latest value shown
    notes: dict[str, str] = field(default_factory=dict)  # {period: why it shows no figure}
    note: str = ""  # the latest period's remark: no figure ("base insuffisante"), "à confirmer"

    @property
    def chart(self) -> SafeString:
        color = {Status.MET: GOOD, Status.NOT_MET: BAD}.get(self.status, NEUTRAL)
        return sparkline(
            self.points,
            title=f"Évolution : {self.indicator.name}",
            target=self.indicator.target,
            color=color,
        )

    @property
    def trend_text(self) -> str:
        parts = [
            f"{p.label} : {format_measure(p.value) if p.value is not None else self.notes[p.label]}"
            for p in self.points
            if p.value is not None or p.label in self.notes
        ]
        return " ; ".join(parts) or "aucune mesure"

    @property
    def change(self) -> Decimal | None:
        latest = self.latest.value if self.latest else None
        previous = self.previous.value if self.previous else None
        if latest is not None and previous is not None:
            return Decimal(latest) - Decimal(previous)
        return None


@dataclass
class CommitmentLine:
    commitment: Commitment
    indicators: list[IndicatorLine] = field(default_factory=list)

    @property
    def on_target(self) -> int:
        return sum(1 for line in self.indicators if line.status == Status.MET)

    @property
    def measured(self) -> int:
        return sum(1 for line in self.indicators if line.status != Status.NONE)


def measurement_history(indicator: Indicator, *, excluding: dt.date) -> list[Decimal]:
    """The confirmed values of the indicator's latest periods, but `excluding`'s: what a new
    value of that period is compared with (`readings.is_unusual`)."""
    return list(
        Measurement.objects.filter(indicator=indicator, awaiting_confirmation=False)
        .exclude(period_start=excluding)
        .order_by("-period_start")
        .values_list("value", flat=True)[:HISTORY_LENGTH]
    )


def indicator_line(
    indicator: Indicator,
    starts: list[dt.date],
    measured: dict[dt.date, tuple],
    *,
    published: bool = False,
) -> IndicatorLine:
    """The line of one indicator over the periods starting on `starts`, from its measurements
    {period start: (value, base, awaiting confirmation)}, each read by `readings.reading`."""
    points, notes, note = [], {}, ""
    for start in starts:
        label = periods.label(indicator.period, start)
        value, base, awaiting = measured.get(start, (None, None, False))
        seen = reading(indicator, value, base, awaiting=awaiting, published=published)
        points.append(Point(label, seen.value))
        if seen.value is not None:
            note = f"{label} : {seen.note}" if seen.note else ""
        elif seen.note:
            notes[label] = seen.note
            note = f"{label} : {seen.note}"
    known = [p for p in points if p.value is not None]
    latest = known[-1] if known else None
    return IndicatorLine(
        indicator=indicator,
        points=points,
        latest=latest,
        previous=known[-2] if len(known) > 1 else None,
        status=status_of(indicator, latest.value if latest else None),
        notes=notes,
        note=note,
    )


def _window_filter(today: dt.date, length: int) -> Q:
    """Measurements of the last `length` periods, whatever the period of each indicator."""
    window = Q()
    for period in periods.Period:
        first = periods.last_starts(period, length, today)[0]
        window |= Q(indicator__period=period, period_start__gte=first)
    return window


def _last_evidence_dates() -> dict:
    """Subqueries: the latest fact date of the evidence attached to a commitment, through each
    path (directly, via its actions, via its measurements)."""

    def latest(queryset: QuerySet, key: str) -> Subquery:
        return Subquery(
            queryset.filter(**{key: OuterRef("pk")})
            .order_by()
            .values(key)
            .annotate(m=Max("fact_date"))
            .values("m")[:1],
            output_field=DateField(),
        )

    return {
        "evidence_direct": latest(Evidence.objects.all(), "commitment"),
        "evidence_actions": latest(Evidence.objects.all(), "action__commitments"),
        "evidence_measurements": latest(
            Evidence.objects.all(), "measurement__indicator__commitment"
        ),
    }


def commitments_with_counts(commitments: QuerySet, today: dt.date) -> QuerySet:
    return commitments.annotate(
        open_actions=Count("actions", filter=Action.open_q("actions__"), distinct=True),
        late_actions=Count("actions", filter=Action.late_q(today, "actions__"), distinct=True),
        **_last_evidence_dates(),
    )


def scorecard_lines(
    commitments: QuerySet, today: dt.date, length: int = TREND_LENGTH, public_only: bool = False
) -> list[CommitmentLine]:
    """Scorecard lines of the given commitments (already scoped to what the user may see).

    `public_only`: the transparency page, its published indicators and their confirmed values.
    """
    commitment_list = list(
        commitments_with_counts(commitments, today)
        .select_related("cooperative")
        .order_by("cooperative__name", "number")
    )
    for commitment in commitment_list:
        dates = [
            commitment.evidence_direct,
            commitment.evidence_actions,
            commitment.evidence_measurements,
        ]
        commitment.last_evidence = max((d for d in dates if d), default=None)
    ids = [c.pk for c in commitment_list]
    indicators = Indicator.objects.filter(commitment_id__in=ids).order_by("position", "pk")
    if public_only:
        indicators = indicators.filter(is_public=True)
    measured: dict[int, dict[dt.date, tuple]] = defaultdict(dict)
    for indicator_id, start, value, base, awaiting in (
        Measurement.objects.filter(indicator__commitment_id__in=ids)
        .filter(_window_filter(today, length))
        .values_list("indicator_id", "period_start", "value", "base", "awaiting_confirmation")
    ):
        measured[indicator_id][start] = (value, base, awaiting)
    lines = {c.pk: CommitmentLine(c) for c in commitment_list}
    for indicator in indicators:
        starts = periods.last_starts(indicator.period, length, today)
        lines[indicator.commitment_id].indicators.append(
            indicator_line(indicator, starts, measured[indicator.pk], published=public_only)
        )
    return list(lines.values())


def indicator_counts(cooperative_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """Per cooperative: (indicators, indicators whose latest measurement gives a figure, those
    whose figure meets the target), as `reading` reads the latest measurement on the scorecard,
    counted in one query (the latest measurement of each indicator found by its index, and the
    rule applied by `readings.shown_sql` / `met_sql`) instead of reading every indicator in
    Python: 6,600 indicators of 165 cooperatives cost 0.1 s instead of 1 s."""
    sql = f"""
        SELECT c.cooperative_id, COUNT(*),
            COUNT(*) FILTER (WHERE {shown_sql("i", "m")}),
            COUNT(*) FILTER (WHERE {shown_sql("i", "m")} AND {met_sql("i", "m")})
        FROM {Indicator._meta.db_table} i
        JOIN {Commitment._meta.db_table} c ON c.id = i.commitment_id
        LEFT JOIN LATERAL (
            SELECT value, base FROM {Measurement._meta.db_table}
            WHERE indicator_id = i.id ORDER BY period_start DESC LIMIT 1
        ) m ON TRUE
        WHERE c.cooperative_id = ANY(%(ids)s)
        GROUP BY c.cooperative_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"ids": cooperative_ids})
        return {row[0]: row[1:] for row in cursor.fetchall()}


def cooperative_summaries(cooperatives: Iterable[Cooperative], today: dt.date) -> list:
    """One summary per cooperative (in the given order) for the federation page: indicators on
    target, open and late actions. Three queries whatever the number of cooperatives, each
    returning one row per cooperative: the indicators are counted in the database
    (`indicator_counts`)."""
    cooperative_list = list(cooperatives)
    ids = [c.pk for c in cooperative_list]
    measured = indicator_counts(ids)
    actions = {
        row["cooperative_id"]: row
        for row in Action.objects.filter(cooperative_id__in=ids)
        .values("cooperative_id")
        .annotate(
            open=Count("pk", filter=Action.open_q()),
            late=Count("pk", filter=Action.late_q(today)),
            done=Count("pk", filter=Q(status=Action.Status.DONE)),
        )
    }
    last_proof = dict(
        Evidence.objects.filter(cooperative_id__in=ids)
        .values("cooperative_id")
        .annotate(m=Max("fact_date"))
        .values_list("cooperative_id", "m")
    )
    for cooperative in cooperative_list:
        n, m, ok = measured.get(cooperative.pk, (0, 0, 0))
        row = actions.get(cooperative.pk, {})
        cooperative.summary = {  # type: ignore[attr-defined]  # read by the page only
            "indicators": n,
            "measured": m,
            "on_target": ok,
            "open_actions": row.get("open", 0),
            "late_actions": row.get("late", 0),
            "done_actions": row.get("done", 0),
            "last_evidence": last_proof.get(cooperative.pk),
        }
    return cooperative_list


def charter(commitments: QuerySet) -> tuple[QuerySet, QuerySet]:
    """The principles, each with the given commitments that embody it, and those commitments
    with their principles (the charter page)."""
    principles = Principle.objects.prefetch_related(
        Prefetch(
            "commitments",
            queryset=commitments.select_related("cooperative"),
            to_attr="visible_commitments",
        )
    )
    commitments = (
        commitments.select_related("cooperative")
        .prefetch_related("principles")
        .order_by("cooperative__name", "number")
    )
    return principles, commitments


@dataclass
class CommitmentDetail:
    line: CommitmentLine
    actions: QuerySet
    evidence: QuerySet
    history: QuerySet


def commitment_detail(commitment: Commitment, today: dt.date) -> CommitmentDetail:
    """A commitment's page: its scorecard line, its actions, its proof and its history."""
    return CommitmentDetail(
        line=scorecard_lines(Commitment.objects.filter(pk=commitment.pk), today)[0],
        actions=(
            Action.objects.filter(commitments=commitment)
            .select_related("owner")
            .order_by("status", "due_date", "pk")
        ),
        evidence=Evidence.objects.filter(commitment=commitment).select_related("added_by"),
        history=commitment.history.select_related("history_user").order_by("-history_date"),
    )


@dataclass
class IndicatorDetail:
    measurements: QuerySet[Measurement]  # newest first; `measurement_rows` for a page of them
    chart: SafeString
    history: QuerySet
    tolerance: Decimal
    feed: str  # for a survey-fed indicator: the campaigns that feed it, in words
    min_base: int | None


CHART_LENGTH = 36  # measurements drawn on an indicator's chart


def measurement_rows(indicator: Indicator, measurements: Iterable[Measurement]) -> list[Any]:
    """The measurements, each with its reading and its period label."""
    rows: list[Any] = list(measurements)
    for m in rows:
        m.reading = reading(indicator, m.value, m.base, awaiting=m.awaiting_confirmation)
        m.label = periods.label(indicator.period, m.period_start)
    return rows


def indicator_detail(indicator: Indicator) -> IndicatorDetail:
    """An indicator's page: its measurements (newest first, a page at a time), a chart of the
    last 36, and the history of the indicator's definition."""
    measurements = (
        Measurement.objects.filter(indicator=indicator)
        .select_related("entered_by")
        .prefetch_related("evidence")
        .order_by("-period_start")
    )
    recent = measurement_rows(indicator, measurements.prefetch_related(None)[:CHART_LENGTH])
    points = [
        Point(periods.axis_label(indicator.period, m.period_start), m.reading.value)
        for m in reversed(recent)
    ]
    return IndicatorDetail(
        measurements=measurements,
        chart=line_chart(
            points,
            title=f"Historique : {indicator.name}",
            unit=indicator.unit,
            target=indicator.target,
            direction=indicator.direction,
        ),
        history=(
            Indicator.history.filter(id=indicator.pk)
            .select_related("history_user")
            .order_by("-history_date")
        ),
        tolerance=tolerance_of(indicator),
        feed=dict(survey_feed_choices()).get(indicator.survey_feed, indicator.survey_feed),
        min_base=min_base_of(indicator),
    )


# ISO 26000 self-assessment ---------------------------------------------------------------------


@dataclass
class IsoLine:
    subject: str  # the IsoSubject value
    label: str
    score: int | None
    previous: int | None
    evidence: str = ""
    strengths: str = ""
    progress_areas: str = ""


def iso_lines(cooperative: Cooperative, year: int) -> list[IsoLine]:
    """The seven core subjects with the year's score (None: not assessed) beside the previous
    year's, in one query."""
    rows = {
        (a.year, a.subject): a
        for a in IsoAssessment.objects.for_cooperative(cooperative).filter(
            year__in=[year - 1, year]
        )
    }
    lines = []
    for subject, label in IsoSubject.choices:
        now, before = rows.get((year, subject)), rows.get((year - 1, subject))
        lines.append(
            IsoLine(
                subject=subject,
                label=label,
                score=now.score if now else None,
                previous=before.score if before else None,
                evidence=now.evidence if now else "",
                strengths=now.strengths if now else "",
                progress_areas=now.progress_areas if now else "",
            )
        )
    return lines


def iso_chart(lines: list[IsoLine], year: int) -> SafeString:
    """The year's scores beside the previous year's, per core subject (server-side SVG)."""
    return grouped_bar_chart(
        [line.label for line in lines],
        [
            Series(str(year - 1), [line.previous for line in lines]),
            Series(str(year), [line.score for line in lines]),
        ],
        title=f"Autoévaluation ISO 26000 : notes {year - 1} et {year} (sur 4)",
        maximum=IsoAssessment.TOP_SCORE,
    )
