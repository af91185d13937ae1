"""What a page shows of a set of outbox messages: a count per state, and the messages that need
a person (failed, uncertain, bounced)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, Q, QuerySet, Value, When

from coopqualite.outbox.models import OutboxStatus as Status

RETRYING = "retrying"  # pending, waiting for a later try (not a stored state)
# The states in the order a page lists them, with their label.
STATES = [
    (Status.PENDING, "À envoyer"),
    (RETRYING, "Nouvel essai prévu"),
    (Status.SENDING, "Envoi en cours"),
    (Status.SENT, "Envoyés"),
    (Status.BOUNCED, "Adresse refusée"),
    (Status.FAILED, "Échec (non transmis)"),
    (Status.UNCERTAIN, "Incertain (peut-être reçu)"),
    (Status.CANCELLED, "Annulés"),
]
PROBLEMS = (Status.FAILED, Status.UNCERTAIN, Status.BOUNCED)
RESENDABLE = (Status.FAILED, Status.UNCERTAIN)  # bounced: the address must change first


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int

    @property
    def needs_attention(self) -> bool:
        return self.state in PROBLEMS

    @property
    def resendable(self) -> bool:
        return self.state in RESENDABLE


def outbox_counts(messages: QuerySet, *, now: dt.datetime) -> list[StateCount]:
    """One count per state (pending split into due and waiting for a retry), one query."""
    waiting = Q(status=Status.PENDING, next_attempt_at__gt=now)
    counts = messages.aggregate(
        **{
            state: Count("pk", filter=waiting if state == RETRYING else Q(status=state))
            for state, _ in STATES
        }
    )
    counts[Status.PENDING] -= counts[RETRYING]
    return [StateCount(state, label, counts[state]) for state, label in STATES]


def outbox_problems(messages: QuerySet) -> QuerySet:
    """The messages a person has to look at, the ones that may be resent first, latest first."""
    first = Case(*(When(status=status, then=Value(rank)) for rank, status in enumerate(PROBLEMS)))
    return messages.filter(status__in=PROBLEMS).order_by(first, "-claimed_at", "-pk")
