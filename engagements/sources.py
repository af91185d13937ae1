"""Where computed indicators get their figures.

Journey metrics are computed here from what staff record of the buyers' journey (dates,
interlocutors, announcements), read from the tenancy app only; a later app that records a part
of the journey registers its own (`register_journey_metric`: the construction letters). Survey
figures come from a provider that the surveys app registers at start-up
(`register_survey_results`): this app defines the interface and never imports the surveys app.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cooperatives.models import COURTESY_VISIT_WITHIN, Buyer, courtesy_visit_deadline


@dataclass(frozen=True)
class Figure:
    value: Decimal
    base: int  # for a survey figure: the respondents who gave an opinion, not the answers


class SurveyResults(Protocol):
    """What the surveys app provides to survey-fed indicators.

    Which results feed an indicator is the provider's rule, stated once there: the campaigns the
    indicator names (`feed`: a kind of campaign and its key step; `family`: a questionnaire
    family, or any), counted only once closed, or for a continuous key-step campaign, the
    responses of a complete period. The minimum base is this app's rule
    (`engagements.readings.reading`).
    """

    def feeds(self) -> list[tuple[str, str]]:
        """The (value, label) pairs an indicator may name in `Indicator.survey_feed`."""

    def families(self, *, cooperative_id: int) -> list[tuple[str, str]]:
        """The (value, label) pairs of the cooperative's questionnaire families."""

    def satisfaction(
        self,
        *,
        cooperative_id: int,
        selector: str,
        feed: str,
        family: str,
        start: dt.date,
        end: dt.date,
        today: dt.date,
    ) -> Figure | None:
        """Satisfaction rate (%) for a question or theme over the responses that count for the
        period from `start` to `end`, seen on `today`; None when none counts."""


_survey_providers: list[SurveyResults] = []


def register_survey_results(provider: SurveyResults) -> None:
    if provider not in _survey_providers:
        _survey_providers.append(provider)


def survey_figure(
    *,
    cooperative_id: int,
    selector: str,
    feed: str,
    family: str,
    start: dt.date,
    end: dt.date,
    today: dt.date,
) -> Figure | None:
    for provider in _survey_providers:
        figure = provider.satisfaction(
            cooperative_id=cooperative_id, selector=selector, feed=feed, family=family,
            start=start, end=end, today=today,
        )  # fmt: skip
        if figure is not None:
            return figure
    return None


def survey_feed_choices() -> list[tuple[str, str]]:
    return [choice for provider in _survey_providers for choice in provider.feeds()]


def survey_family_choices(cooperative_id: int) -> list[tuple[str, str]]:
    return [
        choice
        for provider in _survey_providers
        for choice in provider.families(cooperative_id=cooperative_id)
    ]


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _delivered(cooperative_id: int, start: dt.date, end: dt.date) -> QuerySet:
    return (
        Buyer.objects.for_cooperative(cooperative_id)
        .filter(delivery_date__range=(start, end))
        .values_list("delivery_date", "delivery_month_announced", "delivery_month_announced_on")
    )


def delivery_notice_share(cooperative_id: int, start: dt.date, end: dt.date) -> Figure | None:
    """Share of the homes delivered in the period whose delivery month, as last announced, had
    been confirmed at least three months before the delivery and was kept (the delivery fell in
    that month). An unannounced delivery counts as a miss."""
    rows = list(_delivered(cooperative_id, start, end))
    if not rows:
        return None
    kept = sum(
        1 for delivered, month, announced in rows
        if announced is not None
        and announced + relativedelta(months=3) <= delivered
        and (month.year, month.month) == (delivered.year, delivered.month)
    )  # fmt: skip
    return Figure(_percent(kept, len(rows)), len(rows))


def delivery_notice_median_days(cooperative_id: int, start: dt.date, end: dt.date) -> Figure | None:
    """Median number of days between the confirmation of the delivery month and the delivery."""
    days = [
        (delivered - announced).days
        for delivered, _, announced in _delivered(cooperative_id, start, end)
        if announced is not None
    ]
    if not days:
        return None
    return Figure(Decimal(statistics.median(days)).quantize(Decimal("0.1")), len(days))


def interlocutor_share(cooperative_id: int, start: dt.date, end: dt.date) -> Figure | None:
    """Share of the households on their way to the keys during the period (reservation signed
    by its end, not delivered before its start) followed by a named interlocutor: their own, or
    else their programme's, still active (`Buyer.named_interlocutor_q`). Read from the
    assignments as they stand when computed: a period's figure stays as last computed once the
    refresh no longer reaches it. A household without a reservation date is not counted."""
    counts = (
        Buyer.objects.for_cooperative(cooperative_id)
        .filter(reservation_date__lte=end)
        .filter(Q(delivery_date__isnull=True) | Q(delivery_date__gte=start))
        .aggregate(total=Count("pk"), named=Count("pk", filter=Buyer.named_interlocutor_q()))
    )
    if not counts["total"]:
        return None
    return Figure(_percent(counts["named"], counts["total"]), counts["total"])


def courtesy_visit_share(cooperative_id: int, start: dt.date, end: dt.date) -> Figure | None:
    """Share of the delivered households whose courtesy visit fell due in the period (2 months
    after the delivery, `courtesy_visit_deadline`) that were visited by then. A household whose
    2 months are still running and who has not been visited yet is not counted yet."""
    today = timezone.localdate()
    earliest = start - COURTESY_VISIT_WITHIN - dt.timedelta(days=3)  # month ends: 31/12 → 28/02
    rows = (
        Buyer.objects.for_cooperative(cooperative_id)
        .filter(delivery_date__range=(earliest, end))
        .values_list("delivery_date", "courtesy_visit_date")
    )
    due = kept = 0
    for delivered, visited in rows:
        deadline = courtesy_visit_deadline(delivered)
        in_time = visited is not None and visited <= deadline
        if start <= deadline <= end and (in_time or deadline < today):
            due += 1
            kept += in_time
    if not due:
        return None
    return Figure(_percent(kept, due), due)


@dataclass(frozen=True)
class JourneyMetric:
    label: str
    unit: str
    compute: Callable[[int, dt.date, dt.date], Figure | None]
    commitment: int  # the charter commitment it measures


JOURNEY_METRICS: dict[str, JourneyMetric] = {
    # Commitment 3, personal support: one named interlocutor from purchase to delivery, and a
    # courtesy visit after moving in (a promise of support, not of the sale contract).
    "interlocutor_share": JourneyMetric(
        "Acquéreurs en cours de parcours suivis par un interlocuteur unique nommé",
        "%",
        interlocutor_share,
        3,
    ),
    "courtesy_visit_share": JourneyMetric(
        "Visites de courtoisie faites dans les 2 mois suivant la livraison",
        "%",
        courtesy_visit_share,
        3,
    ),
    # Commitment 4, news at each of the 4 essential phases of the works: computed from the
    # letters the portal sends, registered by the construction app (`register_journey_metric`).
    # Commitment 5, keeping the contract: the delivery month confirmed three months ahead.
    "delivery_notice_share": JourneyMetric(
        "Livraisons dont le mois a été confirmé au moins 3 mois avant",
        "%",
        delivery_notice_share,
        5,
    ),
    "delivery_notice_median_days": JourneyMetric(
        "Délai médian entre la confirmation du mois et la livraison",
        "jours",
        delivery_notice_median_days,
        5,
    ),
}


def register_journey_metric(key: str, metric: JourneyMetric) -> None:
    """A metric computed from what a later app records (construction letters: commitment 4),
    registered in its `AppConfig.ready`: this app never imports it."""
    JOURNEY_METRICS[key] = metric


def journey_metric_choices() -> list[tuple[str, str]]:
    return [(key, metric.label) for key, metric in JOURNEY_METRICS.items()]
