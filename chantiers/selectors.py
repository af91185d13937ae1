"""The reads of the construction pages (staff and the buyer's space)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Count, Prefetch, Q

from chantiers.models import Letter, LetterMessage, Phase
from cooperatives.models import Buyer
from coopqualite.outbox.models import OutboxStatus


def programme_phases(programme_id: int) -> list[Phase]:
    """The phases with their letters (published or not) and each letter's e-mail counts."""
    letters = Letter.objects.annotate(
        sent=Count("messages", filter=Q(messages__status=OutboxStatus.SENT)),
        planned=Count("messages"),
    ).order_by("created_at")
    return list(
        Phase.objects.filter(programme_id=programme_id)
        .prefetch_related(Prefetch("letters", queryset=letters))
        .order_by("position")
    )


PhaseState = Literal["done", "current", "next", "later"]


@dataclass(frozen=True)
class TimelineStep:
    phase: Phase
    state: PhaseState


def timeline(phases: list[Phase]) -> list[TimelineStep]:
    """Each phase done (it has its actual date), the first not done is current, the one after
    it next; the others later."""
    steps, undone = [], 0
    for phase in phases:
        if phase.actual_date is not None:
            steps.append(TimelineStep(phase, "done"))
            continue
        state: PhaseState = ("current", "next")[undone] if undone < 2 else "later"
        steps.append(TimelineStep(phase, state))
        undone += 1
    return steps


def letter_counts(letter: Letter) -> dict[str, int]:
    """The letter's e-mails by state."""
    rows = LetterMessage.objects.filter(letter=letter).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def programme_recipients(programme_id: int) -> int:
    """How many buyers of the programme a letter published now would be e-mailed to."""
    return Buyer.objects.filter(lot__programme_id=programme_id).exclude(email="").count()
