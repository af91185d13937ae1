"""Storing the counts of closed campaigns (`enquetes.tallies`), and forgetting them when a late
response changes them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from enquetes.models import Campaign, CampaignTally
from enquetes.tallies import counts_compute, counts_differences, stored_counts

STORE_BATCH = 50  # campaigns computed per run at most (the next run takes the rest)


def tallies_store(*, today: dt.date | None = None, limit: int = STORE_BATCH) -> int:
    """Compute and store the counts of the launched campaigns closed before `today` that have
    none; return how many were stored. A campaign stored meanwhile by another run is skipped."""
    today = today or timezone.localdate()
    campaigns = Campaign.objects.filter(
        launched_at__isnull=False, closes_on__lt=today, tally__isnull=True
    ).order_by("closes_on", "pk")[:limit]
    stored = 0
    for campaign in campaigns:
        _, created = CampaignTally.objects.get_or_create(
            campaign=campaign,
            defaults={"counts": counts_compute(campaign).to_json(), "computed_at": timezone.now()},
        )
        stored += created
    return stored


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
