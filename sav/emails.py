"""E-mails of after-sales: one short function per kind, each built from three templates
(emails/<name>_subject.txt, _body.txt, _body.html)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from cooperatives.models import User
from sav.models import CallBack, ClaimEvent, ServiceLevel

if TYPE_CHECKING:
    from sav.selectors import DigestLine

HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def _build(name: str, context: dict, to: str) -> EmailMultiAlternatives:
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{name}_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=HEADERS,
    )
    message.attach_alternative(render_to_string(f"emails/{name}_body.html", context), "text/html")
    return message


def claim_update(event: ClaimEvent) -> EmailMultiAlternatives:
    """To the buyer, at a step of their claim that matters to them (`services.claims.EMAILED`):
    received, refused (with the reason), intervention planned, intervention done (confirm or
    contest, or it is lifted after N days), lifted."""
    claim = event.claim
    buyer = claim.buyer
    assert buyer is not None and buyer.email
    context = {
        "event": event,
        "claim": claim,
        "buyer": buyer,
        "cooperative": claim.cooperative,
        "auto_lift_days": ServiceLevel.of(claim.cooperative_id).auto_lift_days,
        "site_url": settings.SITE_URL,
    }
    return _build("claim_update", context, buyer.email)


def claims_digest(
    user: User, lines: list[DigestLine], callbacks: list[CallBack], day: dt.date
) -> EmailMultiAlternatives:
    """To a person responsible for claims and call-backs: those overdue or due today, with a
    link to each."""
    context = {
        "user": user,
        "lines": lines,
        "callbacks": callbacks,
        "count": len(lines) + len(callbacks),
        "day": day,
        "overdue": sum(line.overdue for line in lines)
        + sum(callback.is_overdue(day) for callback in callbacks),
        "inbox_url": settings.SITE_URL + reverse("my_claims"),
        "site_url": settings.SITE_URL,
    }
    return _build("claims_digest", context, user.email)
