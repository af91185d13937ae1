"""Signing in to the buyer's space: a link by e-mail, used once, then a session on the device.

1. `requests.signin_request` (the page's POST) records the request and queues the work; it reads no
   buyer, so a known and an unknown address get the same answer after the same work. It refuses
   (False) beyond `PER_ADDRESS` requests for one address or `PER_IP` from one client address
   within `RATE_WINDOW`, counted whether the address is known or not.
2. The worker's `signin_links_create` writes one `SignInLink` per buyer with that address (a
   person may have bought two lots) and hands them to the outbox (`SIGNIN_MESSAGES`), which
   sends each at most once and cancels a link that expired or was used before it left.
3. `signin_link_use` (POST from the link's page: a mail scanner's GET changes nothing) marks the
   link used by a conditional update (a second use loses) and `session_open` starts a session.
"""

from __future__ import annotations

import datetime as dt
import secrets
from enum import StrEnum

from django.db import transaction

from cooperatives.models import Buyer
from coopqualite.outbox.kinds import Kind
from coopqualite.outbox.services.dispatch import outbox_enqueue
from espace.emails import signin_link_email
from espace.models import (
    SESSION_VALIDITY,
    SIGNIN_LINK_VALIDITY,
    BuyerSession,
    SignInLink,
    SignInRequest,
    digest,
    new_salt,
)

# Sign-in requests are counted for the rate limits over this window (services/requests.py).
RATE_WINDOW = dt.timedelta(hours=1)


def signin_links_create(*, email: str, now: dt.datetime) -> int:
    """One link per buyer holding this address, handed to the outbox; how many."""
    buyers = Buyer.objects.filter(email__iexact=email.strip()).values_list("pk", flat=True)
    links = []
    for buyer_id in buyers:
        salt = new_salt()
        links.append(
            SignInLink(
                buyer_id=buyer_id,
                salt=salt,
                token_digest=digest(SignInLink.token_for(salt)),
                expires_at=now + SIGNIN_LINK_VALIDITY,
            )
        )
    with transaction.atomic():
        created = SignInLink.objects.bulk_create(links)
        outbox_enqueue(kind=SIGNIN_MESSAGES.name, ids=[link.pk for link in created], now=now)
    return len(created)


class LinkState(StrEnum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


def signin_link_find(token: str) -> SignInLink | None:
    return (
        SignInLink.objects.select_related("buyer__lot__programme__cooperative")
        .filter(token_digest=digest(token))
        .first()
    )


def link_state(link: SignInLink | None, now: dt.datetime) -> LinkState:
    if link is None:
        return LinkState.UNKNOWN
    if link.used_at is not None:
        return LinkState.USED
    if link.expires_at <= now:
        return LinkState.EXPIRED
    return LinkState.VALID


def signin_link_use(*, token: str, now: dt.datetime) -> Buyer | None:
    """The buyer of a valid link, which is used up; None if it is unknown, used or expired."""
    link = signin_link_find(token)
    if link is None:
        return None
    won = SignInLink.objects.filter(pk=link.pk, used_at=None, expires_at__gt=now).update(
        used_at=now
    )
    return link.buyer if won else None


def session_open(*, buyer: Buyer, now: dt.datetime) -> str:
    """A new session of this buyer; returns the key for the cookie (only its digest is kept)."""
    key = secrets.token_urlsafe(32)
    BuyerSession.objects.create(
        buyer=buyer, key_digest=digest(key), created_at=now, expires_at=now + SESSION_VALIDITY
    )
    return key


def session_close(*, key: str) -> None:
    BuyerSession.objects.filter(key_digest=digest(key)).delete()


def sessions_purge(*, now: dt.datetime) -> int:
    """Delete expired sessions, old requests and links (the rate limits read one window)."""
    deleted = BuyerSession.objects.filter(expires_at__lte=now).delete()[0]
    deleted += SignInRequest.objects.filter(created_at__lte=now - RATE_WINDOW).delete()[0]
    deleted += SignInLink.objects.filter(expires_at__lte=now - dt.timedelta(days=1)).delete()[0]
    return deleted


def _cancel_reason(link: SignInLink, now: dt.datetime) -> str:
    if link.used_at is not None:
        return "lien déjà utilisé"
    if link.expires_at <= now:
        return "lien expiré avant l'envoi"
    if not link.buyer.email:
        return "pas d'adresse e-mail"
    return ""


SIGNIN_MESSAGES = Kind(
    model=SignInLink,
    build=signin_link_email,
    cancel_reason=_cancel_reason,
    related=("buyer__lot__programme__cooperative",),
    log_context=lambda link: f"buyer {link.buyer_id}",
)
