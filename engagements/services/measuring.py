"""Recording measurements: typed in by staff or computed from their source."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cooperatives.models import User
from engagements import periods
from engagements.models import Indicator, Measurement
from engagements.sources import JOURNEY_METRICS, Figure, survey_figure


def indicator_figure(*, indicator: Indicator, period_start: dt.date) -> Figure | None:
    """The figure of a computed indicator for one period, from its source."""
    end = periods.end_of(indicator.period, period_start)
    cooperative_id = indicator.commitment.cooperative_id
    if indicator.source == Indicator.Source.JOURNEY:
        metric = JOURNEY_METRICS.get(indicator.journey_metric)
        return metric.compute(cooperative_id, period_start, end) if metric else None
    if indicator.source == Indicator.Source.SURVEY:
        return survey_figure(
            cooperative_id=cooperative_id,
            selector=indicator.survey_selector,
            start=period_start,
            end=end,
        )
    return None


def measurement_compute(*, indicator: Indicator, period_start: dt.date) -> Measurement | None:
    """Store (or refresh) the computed measurement of one period; None when there is no data."""
    figure = indicator_figure(indicator=indicator, period_start=period_start)
    if figure is None:
        return None
    measurement, _ = Measurement.objects.update_or_create(
        indicator=indicator,
        period_start=period_start,
        defaults={
            "value": figure.value,
            "base": figure.base,
            "is_computed": True,
            "entered_by": None,
            "entered_at": timezone.now(),
            "comment": "",
        },
    )
    return measurement


def indicators_refresh(*, today: dt.date | None = None, periods_back: int = 2) -> int:
    """Recompute the current and previous periods of every computed indicator."""
    today = today or timezone.localdate()
    count = 0
    for indicator in Indicator.objects.exclude(source=Indicator.Source.MANUAL).select_related(
        "commitment"
    ):
        for start in periods.last_starts(indicator.period, periods_back, today):
            with transaction.atomic():
                if measurement_compute(indicator=indicator, period_start=start):
                    count += 1
    return count


def measurement_record(
    *,
    indicator: Indicator,
    period_start: dt.date,
    value: Decimal,
    user: User,
    comment: str = "",
    base: int | None = None,
) -> Measurement:
    """A value typed in by staff for one period (the form checks the period is free)."""
    return Measurement.objects.create(
        indicator=indicator,
        period_start=periods.start_of(indicator.period, period_start),
        value=value,
        base=base,
        comment=comment,
        entered_by=user,
    )
