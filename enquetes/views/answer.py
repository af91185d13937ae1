"""Buyer side: a survey answered from the link of an e-mail, without an account.

The journey itself (token, snapshot, answers, saving) is `enquetes.answering`. A GET never
changes anything (mail scanners open links): a response is "started" by its first saved page.
Pages are served with noindex and no-store.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from enquetes.answering.forms import answers_clean, error_links, page_html, posted_values
from enquetes.answering.frames import TEMPLATE as FRAME_TEMPLATE
from enquetes.answering.frames import framed_page_html, page_context
from enquetes.answering.saving import (
    AlreadyAnswered,
    first_unfinished_page,
    page_save,
    saved_values,
)
from enquetes.answering.snapshot import snapshot_of
from enquetes.answering.tokens import LinkState, invitation_from_token, link_state
from enquetes.services.sending import invitation_unsubscribe

STATE_STATUS = {
    LinkState.UNKNOWN: 404,
    LinkState.ANSWERED: 200,
    LinkState.CLOSED: 410,
    LinkState.NOT_OPEN: 403,
    LinkState.EXPIRED: 410,
}


def _noindex(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _state_page(request, invitation, state: LinkState):
    """The page shown instead of the survey: unknown link, answered, not open, closed, expired."""
    context = {"state": state, "campaign": invitation.campaign if invitation else None}
    return _noindex(render(request, "buyer/state.html", context, status=STATE_STATUS[state]))


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def survey_start(request, token: str):
    invitation = invitation_from_token(token)
    state = link_state(invitation, timezone.now())
    if invitation is None or state != LinkState.OPEN:
        return _state_page(request, invitation, state)
    snapshot = snapshot_of(
        invitation.campaign.questionnaire, anonymous=invitation.campaign.anonymous
    )
    values = saved_values(invitation)
    context = {
        "campaign": invitation.campaign,
        "questionnaire": invitation.campaign.questionnaire,
        "token": token,
        "pages": snapshot.pages,
        "resume_at": first_unfinished_page(snapshot, values) if values else None,
    }
    return _noindex(render(request, "buyer/start.html", context))


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def survey_page(request, token: str, number: int):
    """GET: the page with the answers saved so far. POST: the page's answers checked, then
    saved (and on the last page submitted), or drawn back with their errors."""
    invitation = invitation_from_token(token)
    state = link_state(invitation, timezone.now())
    if invitation is None or state != LinkState.OPEN:
        return _state_page(request, invitation, state)
    snapshot = snapshot_of(
        invitation.campaign.questionnaire, anonymous=invitation.campaign.anonymous
    )
    page = snapshot.page(number)
    if page is None:
        raise Http404
    saved = saved_values(invitation)
    if request.method != "POST":
        return _page(request, invitation, token, snapshot, page, saved, given=saved, errors={})
    answers, errors = answers_clean(page.questions, request.POST, earlier=saved)
    if errors:
        given = posted_values(page, request.POST)
        return _page(request, invitation, token, snapshot, page, saved, given, errors)
    try:
        next_page = page_save(
            invitation=invitation, snapshot=snapshot, page=page, answers=answers,
            now=timezone.now(),
        )  # fmt: skip
    except AlreadyAnswered:
        next_page = None
    if next_page is None:
        return redirect("survey_thanks", token=token)
    return redirect("survey_page", token=token, number=next_page)


def _page(request, invitation, token, snapshot, page, saved, given, errors):
    """The page: without errors, its frame filled in (`enquetes.answering.frames`); with
    errors, drawn in full."""
    questions_html = page_html(page, earlier=saved, given=given, errors=errors)
    campaign = invitation.campaign
    if not errors:
        html = framed_page_html(
            request, campaign=campaign, token=token, snapshot=snapshot, page=page,
            questions_html=questions_html,
        )  # fmt: skip
        return _noindex(HttpResponse(html))
    context = page_context(
        campaign=campaign, token=token, snapshot=snapshot, page=page,
        questions_html=questions_html, errors=error_links(page, errors),
    )  # fmt: skip
    return _noindex(render(request, FRAME_TEMPLATE, context))


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def survey_thanks(request, token: str):
    invitation = invitation_from_token(token)
    if invitation is None:
        return _state_page(request, None, LinkState.UNKNOWN)
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
        return _state_page(request, None, LinkState.UNKNOWN)
    done = invitation.unsubscribed_at is not None
    if request.method == "POST":
        invitation_unsubscribe(invitation=invitation, now=timezone.now())
        done = True
    context = {"campaign": invitation.campaign, "token": token, "done": done}
    return _noindex(render(request, "buyer/unsubscribe.html", context))
