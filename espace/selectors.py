"""The reads of the buyer's space, each for one signed-in buyer: what belongs to their
programme (phases, published letters) or their household (the buyers of their lot: shared
documents), and their own journey (delivery announcements, surveys waiting for them). Every
lookup of a record by id goes through these querysets: another household's id is a 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from chantiers.models import Letter, LetterPhoto, Phase
from chantiers.selectors import TimelineStep, timeline
from cooperatives.models import Buyer, DeliveryAnnouncement
from enquetes.models import Campaign, Invitation
from espace.models import SharedDocument


def space_letters(buyer: Buyer) -> QuerySet[Letter]:
    """The published letters of the buyer's programme, newest first (those published before
    the buyer joined included)."""
    return (
        Letter.objects.published()
        .filter(phase__programme_id=buyer.lot.programme_id)
        .select_related("phase")
        .order_by("-published_at", "-pk")
    )


def space_photos(buyer: Buyer) -> QuerySet[LetterPhoto]:
    return LetterPhoto.objects.filter(
        letter__published_at__isnull=False, letter__phase__programme_id=buyer.lot.programme_id
    )


def space_documents(buyer: Buyer) -> QuerySet[SharedDocument]:
    """The documents shared with any buyer of the lot (the household), newest first."""
    return SharedDocument.objects.filter(buyer__lot_id=buyer.lot_id).order_by("-shared_at")


@dataclass(frozen=True)
class Home:
    timeline: list[TimelineStep]
    latest_letter: Mapping[str, Any] | None  # pk, title, published_at
    letters_count: int
    announcements: list[DeliveryAnnouncement]
    surveys: list[Mapping[str, Any]]  # token, closes_on, title
    documents_count: int


def space_home(buyer: Buyer, now: dt.datetime) -> Home:
    """Everything the home page shows, in a fixed number of queries, each reading only the
    columns the page writes (the page is the space's busiest: bench/buyer_space.py)."""
    letters = list(space_letters(buyer).values("pk", "title", "published_at"))
    phases = Phase.objects.filter(programme_id=buyer.lot.programme_id).only(
        "position", "name", "planned_date", "actual_date"
    )
    surveys = (
        Invitation.objects.filter(
            buyer=buyer,
            answered_at__isnull=True,
            expires_at__gt=now,
            campaign__in=Campaign.objects.open_on(timezone.localdate(now)),
        )  # fmt: skip
        .order_by("campaign__closes_on")
        .values(
            "token", closes_on=F("campaign__closes_on"), title=F("campaign__questionnaire__title")
        )
    )
    return Home(
        timeline=timeline(list(phases)),
        latest_letter=letters[0] if letters else None,
        letters_count=len(letters),
        announcements=list(
            DeliveryAnnouncement.objects.filter(buyer=buyer)
            .order_by("announced_on")
            .only("month", "announced_on")
        ),
        surveys=list(surveys),
        documents_count=space_documents(buyer).count(),
    )
