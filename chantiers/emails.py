"""E-mails of the construction letters: one short function per kind, each from three templates
(emails/<name>_subject.txt, _body.txt, _body.html)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import nh3
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from coopqualite.buyer_links import buyer_link_url

if TYPE_CHECKING:
    from chantiers.models import LetterMessage


def letter_email(message: LetterMessage) -> EmailMultiAlternatives:
    """The letter to one buyer, with a link that opens it in their space."""
    letter, buyer = message.letter, message.buyer
    programme = letter.phase.programme
    context = {
        "letter": letter,
        "phase": letter.phase,
        "programme": programme,
        "cooperative": programme.cooperative,
        "buyer": buyer,
        "text": html.unescape(
            nh3.clean(letter.body_html.replace("</p>", "</p>\n\n"), tags=set())
        ).strip(),
        "url": buyer_link_url(buyer.pk, reverse("espace_letter", args=[letter.pk])),
    }
    subject = " ".join(render_to_string("emails/letter_subject.txt", context).split())
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/letter_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[buyer.email],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    email.attach_alternative(render_to_string("emails/letter_body.html", context), "text/html")
    return email


def _plain(body_html: str) -> str:
    """The letter's text without its tags, paragraphs apart, for the text part."""
    spaced = body_html.replace("</p>", "</p>\n\n").replace("<br>", "<br>\n")
    return html.unescape(nh3.clean(spaced, tags=set())).strip()
