"""E-mails to buyers: one short function per kind, each built from three templates
(emails/<name>_subject.txt, _body.txt, _body.html)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from coopqualite.buyer_links import buyer_link_url
from enquetes.models import Invitation


def _build(name: str, context: dict, to: str, headers: dict) -> EmailMultiAlternatives:
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{name}_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"emails/{name}_body.html", context), "text/html")
    return message


def survey_invitation(invitation: Invitation, *, reminder: int = 0) -> EmailMultiAlternatives:
    """The invitation (reminder=0) or a reminder to answer a survey, with its unsubscribe link."""
    campaign = invitation.campaign
    survey_url = settings.SITE_URL + reverse("survey_start", args=[invitation.token])
    unsubscribe_url = settings.SITE_URL + reverse("unsubscribe", args=[invitation.token])
    context = {
        "invitation": invitation,
        "campaign": campaign,
        "cooperative": campaign.cooperative,
        "survey_url": survey_url,
        "unsubscribe_url": unsubscribe_url,
        "reminder": reminder,
        # A buyer of the portal also gets the way into their space (coopqualite.buyer_links).
        "space_url": buyer_link_url(invitation.buyer_id) if invitation.buyer_id else "",
    }
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }
    return _build("survey_invitation", context, invitation.email, headers)
