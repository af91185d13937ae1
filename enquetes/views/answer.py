"""Buyer side: a survey answered from the link of an e-mail, without an account.

A GET never changes anything (mail scanners open links): a response is "started" by its first
saved page. Pages are served with noindex and no-store.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from enquetes.access import invitation_from_token
from enquetes.forms.answer import PageForm, initial_from, shown_questions
from enquetes.models import Invitation
from enquetes.services.answering import (
    AlreadyAnswered,
    draft_after,
    first_unfinished_page,
    invitation_values,
    missing_required,
    pages_of,
    response_save_page,
)
from enquetes.services.sending import invitation_unsubscribe


def _state_page(request, invitation: Invitation | None):
    """The page to show instead of the survey, if any: unknown, expired, not open, answered."""
    if invitation is None:
        return render(request, "buyer/state.html", {"state": "unknown"}, status=404)
    campaign = invitation.campaign
    if invitation.answered_at:
        return render(request, "buyer/state.html", {"state": "answered", "campaign": campaign})
    status = campaign.status()
    if status == campaign.Status.CLOSED:
        return render(
            request, "buyer/state.html", {"state": "closed", "campaign": campaign}, status=410
        )
    if status != campaign.Status.OPEN:
        return render(
            request, "buyer/state.html", {"state": "not_open", "campaign": campaign}, status=403
        )
    if invitation.is_expired():
        return render(
            request, "buyer/state.html", {"state": "expired", "campaign": campaign}, status=410
        )
    return None


def _noindex(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def survey_start(request, token: str):
    invitation = invitation_from_token(token)
    if state := _state_page(request, invitation):
        return _noindex(state)
    pages = pages_of(invitation.campaign.questionnaire)
    values = invitation_values(invitation)
    context = {
        "invitation": invitation,
        "campaign": invitation.campaign,
        "questionnaire": invitation.campaign.questionnaire,
        "token": token,
        "pages": pages,
        "resume_at": first_unfinished_page(pages, values) if values else None,
    }
    return _noindex(render(request, "buyer/start.html", context))


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def survey_page(request, token: str, number: int):
    invitation = invitation_from_token(token)
    if state := _state_page(request, invitation):
        return _noindex(state)
    pages = pages_of(invitation.campaign.questionnaire)
    if not 1 <= number <= len(pages):
        raise Http404
    page = pages[number - 1]
    values = invitation_values(invitation)
    questionnaire = invitation.campaign.questionnaire
    first_view = request.method != "POST" and not values and questionnaire.is_frozen
    form = None
    questions_html = _FIRST_VIEWS.get(_first_view_key(questionnaire, page)) if first_view else None
    if questions_html is None:
        form = PageForm(
            request.POST or None,
            questions=page.questions,
            earlier=values,
            initial=initial_from(values, page.questions),
        )
        if request.method == "POST" and form.is_valid():
            return _save(invitation, token, pages, page, values, form.answers())
        if first_view:
            questions_html = _first_view_block(questionnaire, page, form)
    context = {
        "invitation": invitation,
        "campaign": invitation.campaign,
        "token": token,
        "form": form,
        "questions_html": questions_html,
        "shown": None if questions_html else shown_questions(form),
        "page": page,
        "pages": pages,
        "is_last": number == len(pages),
    }
    return _noindex(render(request, "buyer/page.html", context))


def _save(invitation, token: str, pages: list, page, values: dict, answers: dict):
    """Save the page; on the last page, submit in the same transaction unless a required
    answer is missing somewhere (checked in memory)."""
    missing = missing_required(pages, draft_after(values, page.questions, answers))
    last = page.number == len(pages)
    try:
        response_save_page(
            invitation=invitation,
            questions=page.questions,
            cleaned=answers,
            now=timezone.now(),
            submit=last and not missing,
        )
    except AlreadyAnswered:
        return redirect("survey_thanks", token=token)
    if not last:
        return redirect("survey_page", token=token, number=page.number + 1)
    if missing:
        first = next(p.number for p in pages if missing[0] in p.questions)
        return redirect("survey_page", token=token, number=first)
    return redirect("survey_thanks", token=token)


# The question block of a first view (nothing saved, nothing posted) is the same for every
# invitee of a frozen questionnaire: rendered once per process.
_FIRST_VIEWS: dict[tuple, str] = {}


def _first_view_key(questionnaire, page) -> tuple:
    return (questionnaire.pk, questionnaire.frozen_at, page.number)


def _first_view_block(questionnaire, page, form) -> str:
    key = _first_view_key(questionnaire, page)
    html = _FIRST_VIEWS.get(key)
    if html is None:
        if len(_FIRST_VIEWS) > 256:
            _FIRST_VIEWS.clear()
        html = _FIRST_VIEWS[key] = render_to_string(
            "buyer/_questions.html", {"shown": shown_questions(form)}
        )
    return html


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def survey_thanks(request, token: str):
    invitation = invitation_from_token(token)
    if invitation is None:
        return _noindex(_state_page(request, None))
    return _noindex(
        render(request, "buyer/thanks.html", {"campaign": invitation.campaign, "token": token})
    )


@login_not_required
@never_cache
@csrf_exempt  # RFC 8058 one-click unsubscribe: mail clients POST without a CSRF token
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """GET shows a confirmation button; POST (the button, or a mail client's one-click request)
    stops the reminders of this campaign."""
    invitation = invitation_from_token(token)
    if invitation is None:
        return _noindex(_state_page(request, None))
    done = invitation.unsubscribed_at is not None
    if request.method == "POST":
        invitation_unsubscribe(invitation=invitation, now=timezone.now())
        done = True
    context = {"campaign": invitation.campaign, "token": token, "done": done}
    return _noindex(render(request, "buyer/unsubscribe.html", context))
