"""Reads of the tenancy pages: programmes with their buyers along the journey, a buyer's page,
the people who may be named interlocutor."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet

from cooperatives.models import (
    Buyer,
    DeliveryAnnouncement,
    JourneyStep,
    Lot,
    Permission,
    Programme,
    User,
    journey_step_conditions,
)
from coopqualite.history import history_rows


def interlocutor_choices(cooperative_id: int) -> QuerySet[User]:
    """Who may be named interlocutor of buyers: the active users of the cooperative whose role
    keeps its records (`Permission.EDIT`), by name."""
    roles = [role for role, granted in User.ROLE_PERMISSIONS.items() if Permission.EDIT in granted]
    return User.objects.filter(
        cooperative_id=cooperative_id, role__in=roles, is_active=True
    ).order_by("last_name", "first_name", "username")


def programmes_with_step_counts(programmes: QuerySet[Programme], today: dt.date) -> list:
    """The programmes by name, each with its interlocutor, its number of lots and
    `step_counts`: its number of buyers at each journey step, in the order of JourneyStep. One
    query."""
    prefix = "lots__buyers__"
    counts = {
        f"n_{step.value}": Count(f"{prefix}pk", filter=Q(**{f"{prefix}pk__isnull": False}) & q)
        for step, q in journey_step_conditions(today, prefix).items()
    }
    rows = list(
        programmes.select_related("interlocutor")
        .annotate(n_lots=Count("lots", distinct=True), **counts)
        .order_by("name")
    )
    for programme in rows:
        programme.step_counts = [getattr(programme, f"n_{step.value}") for step in JourneyStep]
    return rows


def programme_lots(programme: Programme, today: dt.date) -> list[tuple[Lot, list]]:
    """The lots of a programme, each with its buyers by name and the journey step of each (and
    each buyer's own interlocutor). Two queries."""
    buyers = Buyer.objects.select_related("interlocutor").order_by("last_name", "first_name")
    lots = Lot.objects.filter(programme=programme).prefetch_related(
        Prefetch("buyers", queryset=buyers)
    )
    rows = []
    for lot in lots:
        lot.programme = programme  # for interlocutor_in_charge, without a query per buyer
        for buyer in lot.buyers.all():
            buyer.lot = lot
        rows.append((lot, [(buyer, buyer.step(today)) for buyer in lot.buyers.all()]))
    return rows


def buyer_announcements(buyer: Buyer) -> list[DeliveryAnnouncement]:
    """The delivery months announced to a buyer, first to last."""
    return list(
        DeliveryAnnouncement.objects.filter(buyer=buyer)
        .select_related("recorded_by")
        .order_by("announced_on")
    )


def buyer_history(buyer: Buyer, limit: int = 30) -> list:
    """The newest changes of a buyer (who, when, which fields), for the history component."""
    return history_rows(buyer.history.select_related("history_user")[:limit])
