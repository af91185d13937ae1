"""Publishing a letter: once, to every buyer of its programme, each e-mailed at most once.

`letter_publish` marks the letter published by a conditional update (a second click publishes
nothing), writes one `LetterMessage` per buyer with an address (the unique constraint
(letter, buyer) makes a repeated write harmless) and hands them to the outbox. Buyers who join
the programme later get no e-mail: they read the published letters in their space.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from chantiers.emails import letter_email
from chantiers.models import Letter, LetterMessage
from cooperatives.models import Buyer, User
from coopqualite.outbox.kinds import Kind
from coopqualite.outbox.services.dispatch import outbox_enqueue


def letter_publish(*, letter: Letter, user: User, now: dt.datetime) -> int | None:
    """Publish the letter; how many e-mails were planned, None if it was already published."""
    with transaction.atomic():
        won = Letter.objects.filter(pk=letter.pk, published_at=None).update(
            published_at=now, published_by=user
        )
        if not won:
            return None
        buyers = Buyer.objects.filter(lot__programme_id=letter.phase.programme_id).exclude(email="")
        LetterMessage.objects.bulk_create(
            [
                LetterMessage(letter=letter, buyer_id=pk)
                for pk in buyers.values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
        )
        ids = list(
            LetterMessage.objects.filter(letter=letter, status=LetterMessage.Status.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        outbox_enqueue(kind=LETTER_MESSAGES.name, ids=ids, now=now)
    letter.published_at, letter.published_by = now, user
    return len(ids)


def _cancel_reason(message: LetterMessage, now: dt.datetime) -> str:
    if not message.buyer.email:
        return "pas d'adresse e-mail"
    return ""


LETTER_MESSAGES = Kind(
    model=LetterMessage,
    build=letter_email,
    cancel_reason=_cancel_reason,
    related=("letter__phase__programme__cooperative", "buyer"),
    log_context=lambda message: f"letter {message.letter_id}, buyer {message.buyer_id}",
)
