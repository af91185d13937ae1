"""The reads of the buyer's space, each for one signed-in buyer: what belongs to their
programme (phases, published letters) or their household (the buyers of their lot: shared
documents), and their own journey (delivery announcements, surveys waiting for them). Every
lookup of a record by id goes through these querysets: another household's id is a 404."""

from __future__ import annotations

from django.db.models import QuerySet

from chantiers.models import Letter, LetterPhoto, Phase
from chantiers.selectors import TimelineStep, timeline
from cooperatives.models import Buyer


def space_letters(buyer: Buyer) -> QuerySet[Letter]:
    """The published letters of the buyer's programme, newest first (those published before
    the buyer joined included)."""
    return (
        Letter.objects.published()
        .filter(phase__programme_id=buyer.lot.programme_id)
        .select_related("phase")
        .order_by("-published_at")
    )


def space_photos(buyer: Buyer) -> QuerySet[LetterPhoto]:
    return LetterPhoto.objects.filter(
        letter__published_at__isnull=False, letter__phase__programme_id=buyer.lot.programme_id
    )


def space_timeline(buyer: Buyer) -> list[TimelineStep]:
    return timeline(list(Phase.objects.filter(programme_id=buyer.lot.programme_id)))
