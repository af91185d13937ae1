"""The reads of the buyer's space, each for one signed-in buyer: what belongs to their
programme (phases, published letters) or their household (the buyers of their lot: shared
documents), and their own journey (delivery announcements, surveys waiting for them). Every
lookup of a record by id goes through these querysets: another household's id is a 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
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


def space_timeline(buyer: Buyer) -> list[TimelineStep]:
    return timeline(list(Phase.objects.filter(programme_id=buyer.lot.programme_id)))


def space_announcements(buyer: Buyer) -> list[DeliveryAnnouncement]:
    """The delivery month as announced to the buyer, first to last: each change shows."""
    return list(DeliveryAnnouncement.objects.filter(buyer=buyer).order_by("announced_on"))


def space_surveys(buyer: Buyer, now: dt.datetime) -> list[Invitation]:
    """The surveys waiting for this buyer's answer: open, not answered, not expired."""
    open_campaigns = Campaign.objects.open_on(timezone.localdate(now))
    return list(
        Invitation.objects.filter(
            buyer=buyer, answered_at__isnull=True, expires_at__gt=now, campaign__in=open_campaigns
        )
        .select_related("campaign__questionnaire")
        .order_by("campaign__closes_on")
    )


def space_documents(buyer: Buyer) -> QuerySet[SharedDocument]:
    """The documents shared with any buyer of the lot (the household), newest first."""
    return SharedDocument.objects.filter(buyer__lot_id=buyer.lot_id).order_by("-shared_at")


@dataclass(frozen=True)
class Home:
    timeline: list[TimelineStep]
    latest_letter: Letter | None
    letters_count: int
    announcements: list[DeliveryAnnouncement]
    surveys: list[Invitation]
    documents_count: int


def space_home(buyer: Buyer, now: dt.datetime) -> Home:
    """Everything the home page shows, in a fixed number of queries."""
    letters = list(space_letters(buyer)[:1])
    return Home(
        timeline=space_timeline(buyer),
        latest_letter=letters[0] if letters else None,
        letters_count=space_letters(buyer).count() if letters else 0,
        announcements=space_announcements(buyer),
        surveys=space_surveys(buyer, now),
        documents_count=space_documents(buyer).count(),
    )
