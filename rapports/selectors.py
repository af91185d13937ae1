"""Reads of the annual report: what it says, gathered from every app. Aggregates come from the
database: the number of queries and the Python work do not grow with the number of survey
responses (the database's own counting does, linearly; see docs/benchmarks.md)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from cooperatives.models import Buyer, Cooperative
from coopqualite.charts import Point, line_chart
from coopqualite.formats import format_date
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
from enquetes.anonymity import is_hidden
from enquetes.models import Campaign
from enquetes.selectors import campaign_results, comments
from rapports.models import ReportVersion

QUOTE_CANDIDATES = 200  # comments offered per campaign in the draft's form


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


def late_day(year: int, today: dt.date) -> dt.date:
    """The day "late" is counted on: the 31st of December of a past year; today for the
    current year (whose December has not come). The rule itself is Action.late_q."""
    return dt.date(year, 12, 31) if year < today.year else today


def late_label(year: int, today: dt.date) -> str:
    return f"au {format_date(late_day(year, today))}"


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


def _commitment_sections(
    cooperative: Cooperative, year: int, late_on: dt.date
) -> list[CommitmentSection]:
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
        .filter(_done_in(start, end) | Action.late_q(late_on))
        .select_related("owner")
        .prefetch_related(Prefetch("commitments", queryset=Commitment.objects.only("pk")))
        .distinct()
        .order_by("due_date", "pk")
    )
    for action in actions:
        late = action.is_late(late_on)
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


def _surveys(campaigns: list[Campaign], quotes: list[dict]) -> list[dict]:
    """The campaigns the version presents, each with the comments a person chose to quote
    (never one of a campaign whose answers the anonymity mask hides)."""
    chosen: dict[int, list[str]] = defaultdict(list)
    for quote in quotes:
        chosen[quote["campaign"]].append(quote["text"])
    out = []
    for campaign in sorted(campaigns, key=lambda c: (c.opens_on, c.pk)):
        results = campaign_results(campaign)
        quoted = [] if results.hidden else chosen.get(campaign.pk, [])
        out.append({"campaign": campaign, "results": results, "comments": quoted})
    return out


def closed_campaigns(cooperative: Cooperative, year: int, today: dt.date) -> QuerySet[Campaign]:
    """The campaigns offered by default: launched, run (at least partly) in the year, and
    closed on `today`."""
    return (
        Campaign.objects.for_cooperative(cooperative)
        .filter(launched_at__isnull=False, closes_on__lt=today)
        .filter(opens_on__year__lte=year, closes_on__year__gte=year)
    )


def quote_candidates(version: ReportVersion) -> list[tuple[Campaign, list[str]]]:
    """The comments a director may choose to quote: those of the campaigns the version
    presents, when the anonymity mask shows them (at most QUOTE_CANDIDATES each)."""
    out = []
    for campaign in version.campaigns.order_by("opens_on", "pk"):
        respondents = campaign.responses.filter(completed=True).count()
        if is_hidden(campaign.anonymous, respondents):
            continue
        texts = list(
            comments(campaign).values_list("text", flat=True).distinct()[:QUOTE_CANDIDATES]
        )
        if texts:
            out.append((campaign, texts))
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
    cooperative: Cooperative,
    year: int,
    late_on: dt.date,
    sections: list[CommitmentSection],
    surveys: list[dict],
) -> dict:
    start, end = _year_bounds(year)
    deliveries = Buyer.objects.for_cooperative(cooperative).aggregate(
        delivered=Count("pk", filter=Q(delivery_date__range=(start, end))),
        reserved=Count("pk", filter=Q(reservation_date__range=(start, end))),
    )
    actions = Action.objects.for_cooperative(cooperative).aggregate(
        done=Count("pk", filter=_done_in(start, end)),
        late=Count("pk", filter=Action.late_q(late_on)),
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


def _profile(version: ReportVersion) -> list[tuple[str, object, str]]:
    """The profile and governance figures the director filled in: (label, value, unit)."""
    rows = [
        ("Sociétaires", version.members, ""),
        ("Logements mis en chantier", version.homes_built, ""),
        ("Logements vendus", version.homes_sold, ""),
        ("Programmes livrés", version.programmes_delivered, ""),
        ("Membres du conseil d'administration", version.board_members, ""),
        ("Réunions du conseil d'administration", version.board_meetings, ""),
        ("Participation à l'assemblée générale", version.agm_attendance, "%"),
    ]
    return [row for row in rows if row[1] is not None]


def report_context(*, version: ReportVersion, today: dt.date) -> dict:
    """Everything the report says, for one version (its choices and writing) on `today`."""
    cooperative, year = version.cooperative, version.year
    late_on = late_day(year, today)
    sections = _commitment_sections(cooperative, year, late_on)
    campaigns = list(version.campaigns.select_related("questionnaire")) if version.pk else []
    surveys = _surveys(campaigns, version.quotes)
    principles = Principle.objects.prefetch_related(
        Prefetch(
            "commitments",
            queryset=Commitment.objects.for_cooperative(cooperative).order_by("number"),
            to_attr="own_commitments",
        )
    )
    return {
        "version": version,
        "cooperative": cooperative,
        "year": year,
        "built_on": today,
        "late_label": late_label(year, today),
        "late_is_year_end": late_on.year == year and late_on.month == 12 and late_on.day == 31,
        "profile": _profile(version),
        "principles": principles,
        "sections": sections,
        "surveys": surveys,
        "rse": _rse_actions(cooperative, year),
        "figures": _key_figures(cooperative, year, late_on, sections, surveys),
    }
