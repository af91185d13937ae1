"""Where computed indicators get their figures.

Journey metrics are computed here from the buyers' dates. Survey figures come from a provider
that the surveys app registers at start-up (`register_survey_results`): this app defines the
interface and never imports the surveys app.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from dateutil.relativedelta import relativedelta

from cooperatives.models import Buyer


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


def _delivered(cooperative_id: int, start: dt.date, end: dt.date):
    return (
        Buyer.objects.for_cooperative(cooperative_id)
        .filter(delivery_date__range=(start, end))
        .values_list("delivery_date", "delivery_month_announced_on")
    )


def delivery_notice_share(cooperative_id: int, start: dt.date, end: dt.date) -> Figure | None:
    """Share of the homes delivered in the period whose delivery month had been confirmed at
    least three months before the delivery (an unannounced delivery counts as a miss)."""
    rows = list(_delivered(cooperative_id, start, end))
    if not rows:
        return None
    kept = sum(
        1 for delivered, announced in rows
        if announced is not None and announced + relativedelta(months=3) <= delivered
    )  # fmt: skip
    return Figure(_percent(kept, len(rows)), len(rows))


def delivery_notice_median_days(cooperative_id: int, start: dt.date, end: dt.date):
    """Median number of days between the confirmation of the delivery month and the delivery."""
    days = [
        (delivered - announced).days
        for delivered, announced in _delivered(cooperative_id, start, end)
        if announced is not None
    ]
    if not days:
        return None
    return Figure(Decimal(statistics.median(days)).quantize(Decimal("0.1")), len(days))


@dataclass(frozen=True)
class JourneyMetric:
    label: str
    unit: str
    compute: Callable[[int, dt.date, dt.date], Figure | None]


JOURNEY_METRICS: dict[str, JourneyMetric] = {
    "delivery_notice_share": JourneyMetric(
        "Livraisons dont le mois a été confirmé au moins 3 mois avant", "%", delivery_notice_share
    ),
    "delivery_notice_median_days": JourneyMetric(
        "Délai médian entre la confirmation du mois et la livraison",
        "jours",
        delivery_notice_median_days,
    ),
}
JOURNEY_METRIC_CHOICES = [(key, metric.label) for key, metric in JOURNEY_METRICS.items()]
