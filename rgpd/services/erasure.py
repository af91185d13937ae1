"""Erasing people while keeping the figures: a buyer's identity, and the copies of it that
invitations hold, are overwritten in place (rows stay, so every count, rate and result stays).

Where a buyer's identity lives, and what becomes of it:
- `Buyer` and its history (`HistoricalBuyer`): name, first name, e-mail, phone overwritten;
  lot and journey dates kept (they feed the cooperative's indicators, and name no one);
- `Invitation` (a copy made when invited): name, e-mail, phone, lot code overwritten, draft
  emptied, link to the buyer cut; the answered flag and dates stay (response rates);
- the outbox rows addressed to the buyer (survey e-mails, letters, after-sales e-mails): their
  failure reason (an SMTP answer may quote the address) emptied.
A nominative response then points at an invitation that names no one; an anonymous response
never pointed at anyone. What a person wrote in free text (a comment, a claim's description) is
kept as written: the portal cannot tell a name inside it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from chantiers.models import LetterMessage
from cooperatives.models import Buyer
from enquetes.models import Invitation, Message
from sav.models import ClaimMessage

ANONYMISED = "Anonymisé"

_IDENTITY = {"last_name": ANONYMISED, "first_name": "", "email": "", "phone": ""}


def buyers_anonymise(*, buyer_ids: Iterable[int]) -> int:
    """Overwrite the identity of these buyers everywhere it lives; returns how many."""
    ids = list(buyer_ids)
    if not ids:
        return 0
    with transaction.atomic():
        count = Buyer.objects.filter(pk__in=ids).update(**_IDENTITY)
        Buyer.history.filter(id__in=ids).update(**_IDENTITY)
        invitations_anonymise(
            invitation_ids=Invitation.objects.filter(buyer_id__in=ids).values_list("pk", flat=True)
        )
        LetterMessage.objects.filter(buyer_id__in=ids).update(reason="")
        ClaimMessage.objects.filter(event__claim__buyer_id__in=ids).update(reason="")
    return count


def invitations_anonymise(*, invitation_ids: Iterable[int]) -> int:
    """Overwrite the copy of a person an invitation holds, empty its draft, cut it from the
    buyer; the answered flag and the dates stay. Returns how many."""
    ids = list(invitation_ids)
    if not ids:
        return 0
    with transaction.atomic():
        count = Invitation.objects.filter(pk__in=ids).update(
            **_IDENTITY, lot_code="", draft={}, buyer=None
        )
        Message.objects.filter(invitation_id__in=ids).update(reason="")
    return count
