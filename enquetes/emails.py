"""E-mails to buyers: one short function per kind, each built from three templates
(emails/<name>_subject.txt, _body.txt, _body.html).

`SurveyEmails` builds the survey e-mails of one sending batch faster (the templates were most
of the sending worker's CPU once the MIME writing was fast): see its docstring."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from coopqualite.buyer_links import buyer_link_url
from enquetes.models import Invitation


def _build(name: str, context: dict, to: str, headers: dict) -> EmailMultiAlternatives:
    subject, body, html = (render_to_string(f"emails/{name}_{part}", context) for part in _PARTS)
    return _assemble(subject, body, html, to, headers)


_PARTS = ("subject.txt", "body.txt", "body.html")


def _assemble(subject: str, body: str, html: str, to: str, headers: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
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
    return _build("survey_invitation", context, invitation.email, _bulk_headers(unsubscribe_url))


def _bulk_headers(unsubscribe_url: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }


# A personal value in a skeleton: private-use characters around its name and an "&", which
# shows whether the template escaped it ("&amp;": put the value in escaped) or not.
_MARK = "\ue000{}&\ue001"
_MARKS = re.compile("\ue000(\\w+)(&|&amp;)\ue001")
_PERSONAL = ("first_name", "last_name", "subject", "survey_url", "unsubscribe_url", "space_url")
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")  # secrets.token_urlsafe: needs no quoting in a URL


class SurveyEmails:
    """The survey e-mails of one sending batch: the same e-mails as `survey_invitation`, with
    the templates rendered once per campaign, reminder and set of empty personal values (a
    *skeleton* whose personal values are marks), then each person's values put in.

    The personal values are the person's names and links (`_PERSONAL`); a mark tells whether
    the template escaped it. The first e-mail of each skeleton is also built by `reference`
    (`survey_invitation`) and compared: if a template used a personal value otherwise (a
    filter, another field of the invitation), that skeleton is dropped and every e-mail of the
    batch is built by `reference`; so is one whose values left a mark unreplaced. Made per
    batch: nothing outlives it (a campaign renamed meanwhile is read again by the next batch).
    """

    def __init__(self, reference: Callable[..., EmailMultiAlternatives] | None = None) -> None:
        self.reference = reference or survey_invitation
        self._skeletons: dict[tuple, tuple[str, str, str] | None] = {}
        self._urls: dict[str, tuple[str, str]] = {}

    def __call__(self, invitation: Invitation, *, reminder: int = 0) -> EmailMultiAlternatives:
        personal = self._personal(invitation)
        if personal is None:
            return self.reference(invitation, reminder=reminder)
        campaign = invitation.campaign
        key = (campaign.pk, reminder, tuple(bool(personal[name]) for name in _PERSONAL))
        if key not in self._skeletons:
            return self._first(key, invitation, reminder, personal)
        skeleton = self._skeletons[key]
        email = skeleton and self._fill(skeleton, invitation, personal)
        return email or self.reference(invitation, reminder=reminder)

    def _first(
        self, key: tuple, invitation: Invitation, reminder: int, personal: dict[str, str]
    ) -> EmailMultiAlternatives:
        email = self.reference(invitation, reminder=reminder)
        skeleton = self._render(invitation, reminder, personal)
        filled = self._fill(skeleton, invitation, personal)
        same = filled is not None and (
            (filled.subject, filled.body, filled.alternatives, filled.extra_headers)
            == (email.subject, email.body, email.alternatives, email.extra_headers)
        )
        self._skeletons[key] = skeleton if same else None
        return email

    def _personal(self, invitation: Invitation) -> dict[str, str] | None:
        token = invitation.token
        if not _TOKEN.fullmatch(token):
            return None
        return {
            "first_name": invitation.first_name,
            "last_name": invitation.last_name,
            "subject": invitation.subject,  # what an after-intervention survey is about
            "survey_url": self._url("survey_start", token),
            "unsubscribe_url": self._url("unsubscribe", token),
            "space_url": buyer_link_url(invitation.buyer_id) if invitation.buyer_id else "",
        }

    def _url(self, name: str, token: str) -> str:
        if name not in self._urls:
            before, after = reverse(name, args=["TOKEN"]).split("TOKEN")
            self._urls[name] = (settings.SITE_URL + before, after)
        before, after = self._urls[name]
        return before + token + after

    def _render(
        self, invitation: Invitation, reminder: int, personal: dict[str, str]
    ) -> tuple[str, str, str]:
        mark = {name: _MARK.format(name) if value else "" for name, value in personal.items()}
        campaign = invitation.campaign
        context = {
            "invitation": SimpleNamespace(
                first_name=mark["first_name"],
                last_name=mark["last_name"],
                subject=mark["subject"],
            ),
            "campaign": campaign,
            "cooperative": campaign.cooperative,
            "survey_url": mark["survey_url"],
            "unsubscribe_url": mark["unsubscribe_url"],
            "reminder": reminder,
            "space_url": mark["space_url"],
        }
        subject, body, html = (
            render_to_string(f"emails/survey_invitation_{part}", context) for part in _PARTS
        )
        return subject, body, html

    def _fill(
        self, skeleton: tuple[str, str, str], invitation: Invitation, personal: dict[str, str]
    ) -> EmailMultiAlternatives | None:
        def value(match: re.Match) -> str:
            text = personal[match.group(1)]
            return escape(text) if match.group(2) == "&amp;" else text

        subject, body, html = (_MARKS.sub(value, part) for part in skeleton)
        if any("\ue000" in part for part in (subject, body, html)):
            return None  # a mark the template changed, or one a person's value brought
        headers = _bulk_headers(personal["unsubscribe_url"])
        return _assemble(subject, body, html, invitation.email, headers)
