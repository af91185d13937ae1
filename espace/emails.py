"""E-mails of the buyer's space: one short function per kind, each from three templates
(emails/<name>_subject.txt, _body.txt, _body.html)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from coopqualite.formats import format_datetime

if TYPE_CHECKING:
    from espace.models import SignInLink


def _build(name: str, context: dict, to: str) -> EmailMultiAlternatives:
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{name}_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    message.attach_alternative(render_to_string(f"emails/{name}_body.html", context), "text/html")
    return message


def signin_link_email(link: SignInLink) -> EmailMultiAlternatives:
    """The one-time link to the buyer's space, valid 30 minutes."""
    buyer = link.buyer
    context = {
        "buyer": buyer,
        "programme": buyer.lot.programme,
        "cooperative": buyer.lot.programme.cooperative,
        "url": settings.SITE_URL + reverse("espace_signin_link", args=[link.token]),
        "expires_at": format_datetime(link.expires_at),
    }
    return _build("espace_signin", context, buyer.email)
