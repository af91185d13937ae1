"""Reads of the tenancy pages: programmes with their buyers along the journey."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet

from cooperatives.models import Buyer, JourneyStep, Lot, Programme, journey_step_conditions


def programmes_with_step_counts(programmes: QuerySet[Programme], today: dt.date) -> list:
    """The programmes by name, each with its number of lots and `step_counts`: its number of
    buyers at each journey step, in the order of JourneyStep. One query."""
    prefix = "lots__buyers__"
    counts = {
        f"n_{step.value}": Count(f"{prefix}pk", filter=Q(**{f"{prefix}pk__isnull": False}) & q)
        for step, q in journey_step_conditions(today, prefix).items()
    }
    rows = list(programmes.annotate(n_lots=Count("lots", distinct=True), **counts).order_by("name"))
    for programme in rows:
        counts_by_step = [getattr(programme, f"n_{step.value}") for step in JourneyStep]
        programme.step_counts = counts_by_step  # type: ignore[attr-defined]  # for the template
    return rows


def programme_lots(programme: Programme, today: dt.date) -> list[tuple[Lot, list]]:
    """The lots of a programme, each with its buyers by name and the journey step of each."""
    lots = Lot.objects.filter(programme=programme).prefetch_related(
        Prefetch("buyers", queryset=Buyer.objects.order_by("last_name", "first_name"))
    )
    return [(lot, [(buyer, buyer.step(today)) for buyer in lot.buyers.all()]) for lot in lots]
