"""The journey metric of commitment 4, computed from the letters the portal sent: registered
with the indicator sources (`engagements.sources.register_journey_metric`) in
`ChantiersConfig.ready`."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone

from chantiers.models import ESSENTIAL_PHASES, Phase
from engagements.sources import Figure, JourneyMetric


def letter_due_within() -> dt.timedelta:
    """A phase's letter is on time when published within this many days of its actual date."""
    return dt.timedelta(days=settings.CONSTRUCTION_LETTER_WITHIN_DAYS)


def letters_at_phases_share(cooperative_id: int, start: dt.date, end: dt.date) -> Figure | None:
    """Share of the essential phases (the four of the charter) reached during the period (their
    actual date in it) whose letter was published from that day to N days after
    (`CONSTRUCTION_LETTER_WITHIN_DAYS`). A phase whose N days are still running and whose letter
    has not left yet is not counted yet."""
    today = timezone.localdate()
    within = letter_due_within()
    rows = (
        Phase.objects.for_cooperative(cooperative_id)
        .filter(position__lte=len(ESSENTIAL_PHASES), actual_date__range=(start, end))
        .annotate(
            first_letter=Min("letters__published_at", filter=Q(letters__published_at__isnull=False))
        )
        .values_list("actual_date", "first_letter")
    )
    due = kept = 0
    for reached, first_letter in rows:
        published = timezone.localdate(first_letter) if first_letter else None
        in_time = published is not None and reached <= published <= reached + within
        if in_time or reached + within < today:
            due += 1
            kept += in_time
    if not due:
        return None
    share = (Decimal(100) * kept / due).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Figure(share, due)


LETTERS_AT_PHASES = JourneyMetric(
    "Lettres info chantier envoyées aux 4 étapes essentielles dans les délais",
    "%",
    letters_at_phases_share,
    4,
)
