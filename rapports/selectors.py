"""Reads of the annual report: what it says, gathered from every app. Aggregates come from the
database: the number of queries and the Python work do not grow with the number of survey
responses (the database's own counting does, linearly; see docs/benchmarks.md)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet

from cooperatives.models import Buyer, Cooperative
from coopqualite.charts import KeyFigure, Point, line_chart
from coopqualite.formats import format_count, format_date
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
from engagements.selectors import iso_chart, iso_lines
from enquetes.anonymity import is_hidden
from enquetes.models import Campaign, Theme
from enquetes.selectors import (
    campaign_results,
    comments,
    programme_recommendation,
    programme_satisfaction,
)
from rapports.models import ReportVersion

GENERAL_THEME = Theme.GENERAL.label  # campaign results name their themes by label
QUOTE_CANDIDATES = 200
MEASURED = ("indicateur mesuré", "indicateurs mesurés")
INVITED = (
    "ménage interrogé",
    "ménages interrogés",
)  # comments offered per campaign in the draft's form


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
    before, before_end = _year_bounds(year - 1)
    deliveries = Buyer.objects.for_cooperative(cooperative).aggregate(
        delivered=Count("pk", filter=Q(delivery_date__range=(start, end))),
        reserved=Count("pk", filter=Q(reservation_date__range=(start, end))),
        delivered_before=Count("pk", filter=Q(delivery_date__range=(before, before_end))),
        reserved_before=Count("pk", filter=Q(reservation_date__range=(before, before_end))),
    )
    actions = Action.objects.for_cooperative(cooperative).aggregate(
        done=Count("pk", filter=_done_in(start, end)),
        done_before=Count("pk", filter=_done_in(before, before_end)),
        late=Count("pk", filter=Action.late_q(late_on)),
    )
    rows = [row for section in sections for row in section.indicators]
    measured = [row for row in rows if row.status != "none"]
    return {
        "delivered_before": deliveries["delivered_before"],
        "reserved_before": deliveries["reserved_before"],
        "actions_done_before": actions["done_before"],
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


def _satisfaction_figure(surveys: list[dict]) -> KeyFigure | None:
    """Overall satisfaction of the last survey presented (a theme the anonymity mask shows),
    with the previous wave of the same kind beside it."""
    for survey in reversed(surveys):
        results = survey["results"]
        for theme, rate, change in results.themes:
            if theme == GENERAL_THEME and rate.rate is not None:
                previous = results.previous
                return KeyFigure(
                    label=f"Satisfaction globale ({survey['campaign'].name})",
                    value=rate.rate,
                    previous=rate.rate - change if change is not None and previous else None,
                    unit="%",
                    since=f"l'enquête {previous.opens_on.year}" if previous else "",
                    base=f"base : {format_count(rate.respondents, 'répondant', 'répondants')}",
                )
    return None


def key_figure_tiles(figures: dict, year: int, late_label: str, surveys: list[dict]) -> list:
    """The key-figures page: big numbers, their change since the previous year, their base."""
    since = str(year - 1)
    tiles = [
        KeyFigure("Logements livrés", figures["delivered"], figures["delivered_before"],
                  since=since, base="acquéreurs dont la livraison est datée de l'année"),
        KeyFigure("Contrats de réservation signés", figures["reserved"],
                  figures["reserved_before"], since=since, base="réservations datées de l'année"),
        KeyFigure("Actions réalisées", figures["actions_done"], figures["actions_done_before"],
                  since=since, base="actions du plan qualité et RSE"),
        KeyFigure(f"Actions en retard {late_label}", figures["actions_late"],
                  base="ouvertes, échéance passée"),
        KeyFigure("Indicateurs à l'objectif", figures["on_target"],
                  base="sur " + format_count(figures["measured"], *MEASURED)),
    ]  # fmt: skip
    if figures["campaigns"]:
        tiles.append(
            KeyFigure(
                "Ménages qui ont répondu",
                figures["responses"],
                base="sur " + format_count(figures["invited"], *INVITED),
            )  # fmt: skip
        )
    satisfaction = _satisfaction_figure(surveys)
    if satisfaction is not None:
        tiles.append(satisfaction)
    return tiles


@dataclass
class PrincipleLine:
    principle: Principle
    commitments: list[Commitment]
    counts: dict[str, int]  # status value → number of indicators


def principle_lines(
    principles: Sequence[Any], sections: list[CommitmentSection]
) -> list[PrincipleLine]:
    """Indicators by cooperative principle: the statuses of the indicators of the commitments
    that embody each principle (an indicator counts under each of its commitment's
    principles)."""
    by_commitment = {s.commitment.pk: s.indicators for s in sections}
    lines = []
    for principle in principles:
        counts = {"ok": 0, "near": 0, "ko": 0, "none": 0}
        for commitment in principle.own_commitments:
            for row in by_commitment.get(commitment.pk, []):
                counts[str(row.status)] += 1
        lines.append(PrincipleLine(principle, list(principle.own_commitments), counts))
    return lines


def _programmes(surveys: list[dict]) -> None:
    """Satisfaction by programme with the recommendation score, through the anonymity mask."""
    for survey in surveys:
        campaign = survey["campaign"]
        if survey["results"].hidden:
            survey["programmes"] = []
            continue
        recommendation = {cell.label: cell for cell in programme_recommendation(campaign).values()}
        rows = [(cell, recommendation.get(cell.label)) for cell in programme_satisfaction(campaign)]
        survey["programmes"] = rows if len(rows) > 1 else []  # one programme: the whole survey


def _action_plan(cooperative: Cooperative, year: int) -> list[Action]:
    """Next year's action plan: open actions due next year or without a due date."""
    return list(
        Action.objects.for_cooperative(cooperative)
        .filter(Action.open_q())
        .filter(Q(due_date__year=year + 1) | Q(due_date=None))
        .select_related("owner")
        .prefetch_related(Prefetch("commitments", queryset=Commitment.objects.order_by("number")))
        .order_by(F("due_date").asc(nulls_last=True), "title")
    )


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
    _programmes(surveys)
    principles = list(
        Principle.objects.prefetch_related(
            Prefetch(
                "commitments",
                queryset=Commitment.objects.for_cooperative(cooperative).order_by("number"),
                to_attr="own_commitments",
            )
        )
    )
    figures = _key_figures(cooperative, year, late_on, sections, surveys)
    iso = iso_lines(cooperative, year)
    assessed = any(line.score is not None for line in iso)
    return {
        "version": version,
        "tiles": key_figure_tiles(figures, year, late_label(year, today), surveys),
        "by_principle": principle_lines(principles, sections),
        "action_plan": _action_plan(cooperative, year),
        "iso": iso if assessed else [],
        "iso_chart": iso_chart(iso, year) if assessed else "",
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
        "figures": figures,
    }
