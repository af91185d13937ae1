"""Recording measurements: typed in by staff or computed from their source.

A value far out of the indicator's history (`engagements.readings.is_unusual`) is recorded
awaiting confirmation: staff confirm a typed one in the same form, a computed one on the indicator
page (`measurement_confirm`); the public page and the report show neither until then.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cooperatives.models import User
from engagements import periods
from engagements.models import Indicator, Measurement
from engagements.readings import is_unusual
from engagements.selectors import measurement_history
from engagements.sources import JOURNEY_METRICS, Figure, survey_figure


def indicator_figure(
    *, indicator: Indicator, period_start: dt.date, today: dt.date | None = None
) -> Figure | None:
    """The figure of a computed indicator for one period, from its source, as seen on `today`."""
    end = periods.end_of(indicator.period, period_start)
    cooperative_id = indicator.commitment.cooperative_id
    if indicator.source == Indicator.Source.JOURNEY:
        metric = JOURNEY_METRICS.get(indicator.journey_metric)
        return metric.compute(cooperative_id, period_start, end) if metric else None
    if indicator.source == Indicator.Source.SURVEY:
        return survey_figure(
            cooperative_id=cooperative_id,
            selector=indicator.survey_selector,
            feed=indicator.survey_feed,
            family=indicator.survey_family,
            start=period_start,
            end=end,
            today=today or timezone.localdate(),
        )
    return None


def measurement_compute(
    *, indicator: Indicator, period_start: dt.date, today: dt.date | None = None
) -> Measurement | None:
    """Store (or refresh) the computed measurement of one period; None when there is no data.

    When the source no longer gives a figure for the period, a computed value stored earlier is
    removed (or, if proof was attached to it, kept awaiting confirmation): a figure must not
    outlive its source."""
    figure = indicator_figure(indicator=indicator, period_start=period_start, today=today)
    stored = Measurement.objects.filter(
        indicator=indicator, period_start=period_start, is_computed=True
    )
    if figure is None:
        stored.filter(evidence__isnull=True).delete()
        stored.update(awaiting_confirmation=True)
        return None
    previous = stored.values_list("value", "awaiting_confirmation").first()
    unchanged = previous is not None and previous == (figure.value, False)
    awaiting = not unchanged and is_unusual(
        figure.value, measurement_history(indicator, excluding=period_start)
    )
    measurement, _ = Measurement.objects.update_or_create(
        indicator=indicator,
        period_start=period_start,
        defaults={
            "value": figure.value,
            "base": figure.base,
            "is_computed": True,
            "awaiting_confirmation": awaiting,
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
                if measurement_compute(indicator=indicator, period_start=start, today=today):
                    count += 1
    return count


def indicator_recompute(*, indicator: Indicator, today: dt.date | None = None) -> None:
    """After a computed indicator's definition changed: recompute every period it has a
    measurement for, and the current and previous ones."""
    if not indicator.is_computed:
        return
    today = today or timezone.localdate()
    starts = set(
        Measurement.objects.filter(indicator=indicator).values_list("period_start", flat=True)
    )
    starts.update(periods.last_starts(indicator.period, 2, today))
    for start in sorted(starts):
        with transaction.atomic():
            measurement_compute(indicator=indicator, period_start=start, today=today)


def measurement_record(
    *,
    indicator: Indicator,
    period_start: dt.date,
    value: Decimal,
    user: User,
    comment: str = "",
    base: int | None = None,
) -> Measurement:
    """A value typed in by staff for one period (the form checks the period is free and has the
    user confirm an unusual value)."""
    return Measurement.objects.create(
        indicator=indicator,
        period_start=periods.start_of(indicator.period, period_start),
        value=value,
        base=base,
        comment=comment,
        entered_by=user,
    )


def measurement_confirm(*, measurement: Measurement, user: User) -> bool:
    """Confirm a value awaiting confirmation: from now on it is published (the history keeps who
    confirmed it). False if it was not awaiting any more."""
    with transaction.atomic():
        locked = Measurement.objects.select_for_update().get(pk=measurement.pk)
        if not locked.awaiting_confirmation:
            return False
        locked.awaiting_confirmation = False
        locked._history_user = user
        locked.save(update_fields=["awaiting_confirmation"])
    return True
