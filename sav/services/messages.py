"""The outbox kind of after-sales e-mails: how a `ClaimMessage` is built, and why it must not
leave any more. Logs name the claim and the step, never the buyer."""

from __future__ import annotations

import datetime as dt

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from coopqualite.outbox.kinds import Kind
from sav.emails import claim_update, claims_digest
from sav.models import ClaimMessage, DigestMessage
from sav.selectors import digest_callbacks, digest_lines


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


def _build_digest(message: DigestMessage) -> EmailMultiAlternatives:
    user, day = message.user, message.day
    return claims_digest(user, digest_lines(user, day), digest_callbacks(user, day), day)


def _digest_cancel_reason(message: DigestMessage, now: dt.datetime) -> str:
    if not message.user.is_active or not message.user.email:
        return "pas d'adresse e-mail"
    if message.day != timezone.localdate(now):
        return "récapitulatif d'un jour passé"
    if not digest_lines(message.user, message.day) and not digest_callbacks(
        message.user, message.day
    ):
        return "plus rien à signaler"
    return ""


def _digest_log_context(message: DigestMessage) -> str:
    return f"user {message.user_id}, day {message.day.isoformat()}"


DIGEST_MESSAGES = Kind(
    model=DigestMessage,
    build=_build_digest,
    cancel_reason=_digest_cancel_reason,
    related=("user",),
    log_context=_digest_log_context,
)
