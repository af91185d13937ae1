"""The buyer's page without errors: drawn once per page of a frozen questionnaire and per look of
the campaign, then filled in for each request.

Drawing `buyer/page.html` (inside `buyer/base.html` and `base.html`) cost about as much as the
rest of the request. Yet on a page without errors everything but three things is the same for
every buyer of a campaign: the page of the frozen questionnaire, the cooperative's name and
privacy notice, whether the campaign is anonymous. So the page is drawn once with a marker in
place of each of the three (the CSRF token, the survey token of the back link, the questions)
and kept per process, keyed by all it shows (at most `FRAMES_MAX`, least recently used out); a
request puts its own three in. The markers hold a random part drawn when the process starts: no
text of the page (a cooperative's name, a buyer's comment) can contain one. A page with errors,
or of a questionnaire not frozen yet, is drawn in full; a test holds both ways equal.

The frame is drawn without the request's context processors: a buyer's page uses none of them
(no navigation, no user; no message is ever left for a buyer).
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from enquetes.answering.snapshot import Page, Snapshot
from enquetes.models import Campaign

TEMPLATE = "buyer/page.html"
FRAMES_MAX = 256  # pages x campaigns answered at once, per process

_MARK = secrets.token_hex(16)
CSRF_MARK = f"csrf{_MARK}"
TOKEN_MARK = f"token{_MARK}"
QUESTIONS_MARK = f"questions{_MARK}"

_frames: OrderedDict[tuple, tuple[str, str]] = OrderedDict()
_lock = threading.Lock()


def page_context(
    *, campaign: Campaign, token: str, snapshot: Snapshot, page: Page, questions_html: str,
    errors: list,
) -> dict:  # fmt: skip
    return {
        "campaign": campaign,
        "token": token,
        "page": page,
        "pages": snapshot.pages,
        "is_last": page.number == len(snapshot.pages),
        "questions_html": questions_html,
        "errors": errors,
    }


def framed_page_html(
    request: HttpRequest, *, campaign: Campaign, token: str, snapshot: Snapshot, page: Page,
    questions_html: SafeString,
) -> str:  # fmt: skip
    """`buyer/page.html` without errors for this request: its frame filled in (see above)."""
    if snapshot.frozen_at is None:
        context = page_context(
            campaign=campaign, token=token, snapshot=snapshot, page=page,
            questions_html=questions_html, errors=[],
        )  # fmt: skip
        return render_to_string(TEMPLATE, context, request)
    head, tail = _frame(campaign, snapshot, page)
    # The survey token and the CSRF token are URL-safe: drawn in full, they read the same.
    filled = (
        part.replace(TOKEN_MARK, token).replace(CSRF_MARK, get_token(request))
        for part in (head, tail)
    )
    return mark_safe(questions_html.join(filled))


def frames_clear() -> None:
    """Forget every frame (tests do it around each test)."""
    with _lock:
        _frames.clear()


def _frame(campaign: Campaign, snapshot: Snapshot, page: Page) -> tuple[str, str]:
    """The page drawn with markers, split at the questions: (before, after)."""
    cooperative = campaign.cooperative
    key = (
        snapshot.questionnaire_id, snapshot.frozen_at, page.number,
        cooperative.pk, cooperative.name, cooperative.slug, campaign.anonymous,
    )  # fmt: skip
    with _lock:
        frame = _frames.get(key)
        if frame is not None:
            _frames.move_to_end(key)
            return frame
    context = page_context(
        campaign=campaign, token=TOKEN_MARK, snapshot=snapshot, page=page,
        questions_html=QUESTIONS_MARK, errors=[],
    )  # fmt: skip
    context["csrf_token"] = CSRF_MARK
    head, tail = render_to_string(TEMPLATE, context).split(QUESTIONS_MARK)
    with _lock:
        _frames[key] = (head, tail)
        while len(_frames) > FRAMES_MAX:
            _frames.popitem(last=False)
    return head, tail
