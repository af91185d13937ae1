"""Reads of the tenancy pages: programmes with their buyers along the journey, a buyer's page,
the people who may be named interlocutor, the preview of a buyer file, the accounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django_otp.plugins.otp_totp.models import TOTPDevice

from cooperatives.buyer_files import ERROR, NOTICE, import_summary
from cooperatives.models import (
    AccountChange,
    AccountInvitation,
    Buyer,
    Cooperative,
    DeliveryAnnouncement,
    JourneyStep,
    Lot,
    Programme,
    User,
    journey_step_conditions,
)
from coopqualite.history import history_rows


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
        counts_by_step = [getattr(programme, f"n_{step.value}") for step in JourneyStep]
        programme.step_counts = counts_by_step  # type: ignore[attr-defined]  # for the template
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


def record_history(record: Any, limit: int = 30) -> list:
    """The newest changes of a programme, a lot or a buyer (who, when, which fields, before →
    after), for the history component."""
    return history_rows(record.history.select_related("history_user")[:limit])


@dataclass(frozen=True)
class ImportPreview:
    """What a waiting buyer file will do, for the preview of both imports (buyers, survey
    population): counts, notices, the report (first entries) and the valid rows (first ones)."""

    filename: str
    summary: dict[str, int]
    notices: list[str]
    report: list[dict]
    report_hidden: int
    rows: list[dict]
    rows_hidden: int


PREVIEW_LIMIT = 500  # entries of the report, and rows, drawn on the page


def import_preview(*, filename: str, rows: list[dict], report: list[dict]) -> ImportPreview:
    entries = [entry for entry in report if entry["level"] != NOTICE]
    # Errors first: they are what must be fixed before anything is imported.
    entries.sort(key=lambda entry: (entry["level"] != ERROR, entry["row"] or 0))
    return ImportPreview(
        filename=filename,
        summary=import_summary(rows, report),
        notices=[entry["message"] for entry in report if entry["level"] == NOTICE],
        report=entries[:PREVIEW_LIMIT],
        report_hidden=max(len(entries) - PREVIEW_LIMIT, 0),
        rows=rows[:PREVIEW_LIMIT],
        rows_hidden=max(len(rows) - PREVIEW_LIMIT, 0),
    )


# Accounts ---------------------------------------------------------------------------------------


def cooperative_accounts(cooperative: Cooperative) -> list[User]:
    """The accounts of a cooperative, active first, by name; each with `last_invitation_status`
    (the outbox state of its newest invitation, None without one) and `has_second_factor`. One
    query."""
    newest = AccountInvitation.objects.filter(user=OuterRef("pk")).order_by("-created_at", "-pk")
    authenticator = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return list(
        User.objects.for_cooperative(cooperative)
        .annotate(
            last_invitation_status=Subquery(newest.values("status")[:1]),
            has_second_factor=Exists(authenticator),
        )
        .order_by("-is_active", "last_name", "first_name", "username")
    )


def account_changes(user: User, limit: int = 50) -> list[AccountChange]:
    """The newest changes made to an account, with who made them."""
    return list(AccountChange.objects.filter(user=user).select_related("actor")[:limit])


def cooperatives_with_directors(cooperatives: QuerySet[Cooperative]) -> list[Cooperative]:
    """The cooperatives by name, each with `directors`: its active directors. Two queries."""
    directors = User.objects.active_directors().order_by("last_name", "first_name")
    return list(
        cooperatives.prefetch_related(
            Prefetch("users", queryset=directors, to_attr="directors")
        ).order_by("name")
    )
