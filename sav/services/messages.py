"""The outbox kind of after-sales e-mails: how a `ClaimMessage` is built, and why it must not
leave any more. Logs name the claim and the step, never the buyer."""

from __future__ import annotations

import datetime as dt

from django.core.mail import EmailMultiAlternatives

from coopqualite.outbox.kinds import Kind
from sav.emails import claim_update
from sav.models import ClaimMessage


def _build(message: ClaimMessage) -> EmailMultiAlternatives:
    return claim_update(message.event)


def _cancel_reason(message: ClaimMessage, now: dt.datetime) -> str:
    buyer = message.event.claim.buyer
    if buyer is None or not buyer.email:
        return "pas d'adresse e-mail"
    return ""


def _log_context(message: ClaimMessage) -> str:
    return f"claim {message.event.claim_id}, step {message.event.kind}"


CLAIM_MESSAGES = Kind(
    model=ClaimMessage,
    build=_build,
    cancel_reason=_cancel_reason,
    related=("event__claim__buyer", "event__claim__cooperative", "event__claim__company"),
    log_context=_log_context,
)
