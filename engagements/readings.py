"""How a measurement is read, stated once for the scorecard, the indicator and commitment pages,
the federation page, the public transparency page and the annual report.

- `status_of`: the status of a value against the indicator's target: *atteint*, *proche de la
  cible* (short of the target by no more than the indicator's tolerance, by default 5 % of the
  target), *non atteint*, *pas de mesure*.
- `reading`: what a stored measurement says on a page: its value and status, or no figure when
  the base of a survey-fed indicator is under its minimum ("base insuffisante (n = 12)"), or,
  on public pages and in the report, when the value still awaits its confirmation.
- `shown_sql` / `met_sql`: the same reading as SQL conditions, for the federation page that
  counts thousands of indicators in the database.
- `is_unusual`: a value far out of the indicator's history, which someone must confirm before
  it is published.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models

from coopqualite.formats import NBSP, format_number
from engagements.models import Indicator

DEFAULT_TOLERANCE_SHARE = Decimal("0.05")  # "proche": short of the target by 5 % of it at most


class Status(models.TextChoices):
    MET = "ok", "Atteint"
    NEAR = "near", "Proche de la cible"
    NOT_MET = "ko", "Non atteint"
    NONE = "none", "Pas de mesure"


def tolerance_of(indicator: Indicator) -> Decimal:
    """The gap to the target still read as "proche de la cible", in the indicator's unit."""
    if indicator.tolerance is not None:
        return indicator.tolerance
    return abs(indicator.target) * DEFAULT_TOLERANCE_SHARE


def status_of(indicator: Indicator, value: Decimal | float | None) -> Status:
    """The one status rule: met when on the right side of the target (the target itself
    included), near when short of it by no more than the tolerance, not met beyond."""
    if value is None:
        return Status.NONE
    value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    lower = indicator.direction == "lower"
    gap = indicator.target - value if lower else value - indicator.target
    if gap >= 0:
        return Status.MET
    if -gap <= tolerance_of(indicator):
        return Status.NEAR
    return Status.NOT_MET


def min_base_of(indicator: Indicator) -> int | None:
    """The fewest respondents a survey-fed figure needs to be shown (None: any base will do)."""
    if indicator.source != "survey":
        return None
    if indicator.min_base is not None:
        return indicator.min_base
    return settings.SURVEY_INDICATOR_MIN_BASE


@dataclass(frozen=True)
class Reading:
    """A measurement as a page shows it: `value` is None when there is no figure to show."""

    value: Decimal | None
    base: int | None
    status: Status
    insufficient: bool = False  # a survey-fed figure under its minimum base
    awaiting: bool = False  # an unusual value not confirmed yet

    @property
    def note(self) -> str:
        if self.insufficient:
            return f"base insuffisante (n{NBSP}={NBSP}{format_number(self.base or 0)})"
        if self.awaiting:
            return "à confirmer"
        return ""


NO_READING = Reading(None, None, Status.NONE)


def reading(
    indicator: Indicator,
    value: Decimal | None,
    base: int | None = None,
    awaiting: bool = False,
    *,
    published: bool = False,
) -> Reading:
    """What a measurement of `indicator` says. `published`: for the public page and the report,
    where a value awaiting confirmation is not shown at all."""
    if value is None:
        return NO_READING
    if awaiting and published:
        return NO_READING
    minimum = min_base_of(indicator)
    if minimum is not None and (base or 0) < minimum:
        return Reading(None, base, Status.NONE, insufficient=True, awaiting=awaiting)
    return Reading(Decimal(value), base, status_of(indicator, value), awaiting=awaiting)


# The same rule in SQL ----------------------------------------------------------------------------
# For a page that counts readings over thousands of indicators at once (the federation's
# summaries), the database applies `reading` (published=False) and `status_of`'s "atteint" to an
# indicator row and its latest measurement row (SQL aliases; the measurement's columns are NULL
# when there is none). tests/engagements/test_federation_summaries.py checks that both agree.


def shown_sql(indicator: str, measurement: str) -> str:
    """SQL condition: `reading` gives a figure (its status is not "pas de mesure")."""
    i, m = indicator, measurement
    minimum = f"COALESCE({i}.min_base, {int(settings.SURVEY_INDICATOR_MIN_BASE)})"
    return (
        f"({m}.value IS NOT NULL AND NOT ({i}.source = '{Indicator.Source.SURVEY.value}' "
        f"AND COALESCE({m}.base, 0) < {minimum}))"
    )


def met_sql(indicator: str, measurement: str) -> str:
    """SQL condition: the measurement's value is on the right side of the target (`status_of`
    says "atteint"); to be combined with `shown_sql`."""
    i, m = indicator, measurement
    return (
        f"(CASE WHEN {i}.direction = '{Indicator.Direction.LOWER.value}' "
        f"THEN {m}.value <= {i}.target ELSE {m}.value >= {i}.target END)"
    )


# Unusual values ---------------------------------------------------------------------------------

MIN_HISTORY = 3  # earlier values needed before a value can be called unusual
HISTORY_LENGTH = 12  # the latest values the history is made of
FLAT_HISTORY_SHARE = Decimal("0.1")  # a flat history still tolerates a tenth of its median


def usual_range(history: Sequence[Decimal]) -> tuple[Decimal, Decimal] | None:
    """The values the history makes usual: its range widened on each side by the range itself,
    and by at least a tenth of the median (so that a steady series allows small moves). None
    with fewer than `MIN_HISTORY` values."""
    if len(history) < MIN_HISTORY:
        return None
    low, high = min(history), max(history)
    margin = max(high - low, abs(Decimal(statistics.median(history))) * FLAT_HISTORY_SHARE)
    return low - margin, high + margin


def is_unusual(value: Decimal, history: Sequence[Decimal]) -> bool:
    """Far out of the indicator's history: outside `usual_range`."""
    bounds = usual_range(history)
    return bounds is not None and not bounds[0] <= value <= bounds[1]
