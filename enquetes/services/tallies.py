"""Storing the counts of campaigns (`enquetes.tallies`): final once closed, refreshed at most once a
minute while they run; forgetting a closed one's when a late response changes them."""

from __future__ import annotations

import datetime as dt

from django.db.models import DateTimeField, Exists, F, OuterRef, Q
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast
from django.utils import timezone

from enquetes.models import Campaign, CampaignTally, Invitation
from enquetes.tallies import REFRESH_EVERY, counts_compute, counts_differences, stored_counts

STORE_BATCH = 50  # campaigns computed per run at most (the next run takes the rest)


def tallies_store(*, now: dt.datetime | None = None, limit: int = STORE_BATCH) -> int:
    """Compute and store the counts of launched campaigns (`enquetes.tallies`): those closed
    without their final counts, and those running whose counts are missing or older than
    `REFRESH_EVERY` while answers came in since; return how many were stored."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    launched = Campaign.objects.filter(launched_at__isnull=False, opens_on__lte=today)
    closed = launched.filter(closes_on__lt=today).filter(
        Q(tally__isnull=True) | Q(tally__computed_at__lte=_end_of(F("closes_on")))
    )
    answered_since = Invitation.objects.filter(
        campaign=OuterRef("pk"), answered_at__gt=OuterRef("tally__computed_at")
    )
    running = launched.filter(closes_on__gte=today).filter(
        Q(tally__isnull=True)
        | Q(tally__computed_at__lte=now - REFRESH_EVERY) & Exists(answered_since)
    )
    stored = 0
    for queryset in (closed, running):
        for campaign in queryset.order_by("closes_on", "pk")[: limit - stored]:
            computed_at = timezone.now()  # before reading: an answer during the read counts next
            CampaignTally.objects.update_or_create(
                campaign=campaign,
                defaults={"counts": counts_compute(campaign).to_json(), "computed_at": computed_at},
            )
            stored += 1
    return stored


def _end_of(day: F) -> CombinedExpression:
    """The end of a campaign's closing day, as `Campaign.closes_at` says, in SQL."""
    return Cast(day, DateTimeField()) + dt.timedelta(days=1)


def tally_forget(*, campaign: Campaign) -> None:
    """A response was entered after the closing: its stored counts no longer hold."""
    CampaignTally.objects.filter(campaign=campaign).delete()


def tallies_check() -> dict[int, list[str]]:
    """{campaign id: differences} for every stored count that a recomputation from the answers
    contradicts (empty when all agree)."""
    out = {}
    ids = list(CampaignTally.objects.values_list("campaign_id", flat=True))
    for start in range(0, len(ids), 100):
        stored = stored_counts(ids[start : start + 100])
        for campaign in Campaign.objects.filter(pk__in=stored):
            differences = counts_differences(stored[campaign.pk], counts_compute(campaign))
            if differences:
                out[campaign.pk] = differences
    return out
