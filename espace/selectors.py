"""The reads of the buyer's space, each for one signed-in buyer: what belongs to their
programme (phases, published letters) or their household (the buyers of their lot: shared
documents), and their own journey (delivery announcements, surveys waiting for them). Every
lookup of a record by id goes through these querysets: another household's id is a 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from chantiers.models import Letter, LetterPhoto, Phase
from chantiers.selectors import timeline
from cooperatives.models import Buyer
from espace import statements
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
    timeline: list[Mapping[str, Any]]  # state (a TimelineStep's), name, planned_date, actual_date
    latest_letter: Mapping[str, Any] | None  # pk, title, published_at
    letters_count: int
    announcements: list[Mapping[str, Any]]  # month, announced_on; oldest first
    surveys: list[Mapping[str, Any]]  # token, closes_on, title; closing first
    documents_count: int


def space_home(buyer: Buyer, now: dt.datetime) -> Home:
    """Everything the home page shows, in one statement (`espace.statements`: the page is the
    space's busiest, bench/buyer_space.py), as plain values: a template reads a key of a dict
    faster than an attribute of an object."""
    by_kind: dict[int, list[statements.HomeRow]] = {kind: [] for kind in range(5)}
    for row in statements.home_rows(buyer, now):
        by_kind[row.kind].append(row)
    phases = [
        Phase.from_db(
            connection.alias,
            _PHASE_FIELDS,
            (row.n1, buyer.lot.programme_id, row.n2, row.t1, row.d1, row.d2),
        )
        for row in sorted(by_kind[statements.PHASE], key=lambda r: (r.n2, r.n1))
    ]
    letters = sorted(by_kind[statements.LETTER], key=lambda r: (r.ts, r.n1), reverse=True)
    announcements = sorted(by_kind[statements.ANNOUNCEMENT], key=lambda r: (r.d2, r.n1))
    surveys = sorted(by_kind[statements.SURVEY], key=lambda r: (r.d1, r.n1))
    return Home(
        timeline=[
            {
                "state": step.state,
                "name": step.phase.name,
                "planned_date": step.phase.planned_date,
                "actual_date": step.phase.actual_date,
            }  # fmt: skip
            for step in timeline(phases)
        ],
        latest_letter=(
            {"pk": letters[0].n1, "title": letters[0].t1, "published_at": letters[0].ts}
            if letters
            else None
        ),
        letters_count=len(letters),
        announcements=[{"month": r.d1, "announced_on": r.d2} for r in announcements],
        surveys=[{"token": r.t1, "closes_on": r.d1, "title": r.t2} for r in surveys],
        documents_count=by_kind[statements.DOCUMENTS][0].n1 or 0,
    )


# In the order of the model's fields, as `Model.from_db` reads them.
_PHASE_FIELDS = ["id", "programme_id", "position", "name", "planned_date", "actual_date"]
