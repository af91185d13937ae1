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
    base: int


class SurveyResults(Protocol):
    def satisfaction(
        self, *, cooperative_id: int, selector: str, start: dt.date, end: dt.date
    ) -> Figure | None:
        """Satisfaction rate (%) for a question or theme over answers given between the dates."""


_survey_providers: list[SurveyResults] = []


def register_survey_results(provider: SurveyResults) -> None:
    if provider not in _survey_providers:
        _survey_providers.append(provider)


def survey_figure(*, cooperative_id: int, selector: str, start: dt.date, end: dt.date):
    for provider in _survey_providers:
        figure = provider.satisfaction(
            cooperative_id=cooperative_id, selector=selector, start=start, end=end
        )
        if figure is not None:
            return figure
    return None


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
