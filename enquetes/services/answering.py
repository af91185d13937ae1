"""Answering a survey: pages saved as the buyer goes, then one submission per invitation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cooperatives.models import User
from enquetes.models import Answer, Invitation, Question, Questionnaire, Response, Section


class AlreadyAnswered(Exception):
    """The invitation's response was submitted already (maybe from another tab)."""


@dataclass
class Page:
    number: int
    section: Section
    questions: list[Question]


# A frozen questionnaire never changes: its pages are kept in memory, per process, keyed by
# (id, freezing time). A few dozen questionnaires at most are live at once.
_FROZEN_PAGES: dict[tuple[int, object], list[Page]] = {}
_FROZEN_PAGES_MAX = 64


def pages_of(questionnaire: Questionnaire) -> list[Page]:
    """Sections with their questions and choices, in order (read-only objects)."""
    if questionnaire.frozen_at is None:
        return _read_pages(questionnaire)
    key = (questionnaire.pk, questionnaire.frozen_at)
    pages = _FROZEN_PAGES.get(key)
    if pages is None:
        if len(_FROZEN_PAGES) >= _FROZEN_PAGES_MAX:
            _FROZEN_PAGES.clear()
        pages = _FROZEN_PAGES[key] = _read_pages(questionnaire)
    return pages


def _read_pages(questionnaire: Questionnaire) -> list[Page]:
    """Two queries: the questions with their sections, then their choices."""
    questions = list(
        Question.objects.filter(questionnaire=questionnaire)
        .select_related("section")
        .prefetch_related("choices")
        .order_by("section__position", "section_id", "position", "pk")
    )
    pages: dict[int, Page] = {}
    for question in questions:
        page = pages.get(question.section_id)
        if page is None:
            page = pages[question.section_id] = Page(len(pages) + 1, question.section, [])
        page.questions.append(question)
    return list(pages.values())


def is_shown(question: Question, values: dict[int, list[str] | str]) -> bool:
    """A conditional question shows when its condition question got one of the values."""
    if question.condition_question_id is None:
        return True
    given = values.get(question.condition_question_id) or []
    given = [given] if isinstance(given, str) else given
    return any(value in question.condition_values for value in given)


def _rows(response: Response, question: Question, value) -> list[Answer]:
    if value in (None, "", []):
        return []
    if question.type == Question.Type.TEXT:
        return [Answer(response=response, question=question, value="", text=value)]
    values = value if isinstance(value, list) else [value]
    return [Answer(response=response, question=question, value=v) for v in values]


def invitation_values(invitation: Invitation) -> dict[int, list[str] | str]:
    """The answers saved so far: the draft read with the invitation (no query)."""
    return {int(key): value for key, value in (invitation.draft or {}).items()}


def draft_after(
    values: dict[int, list[str] | str], questions: list[Question], cleaned: dict
) -> dict[int, list[str] | str]:
    """The saved answers once a page is saved: its questions' answers replaced by `cleaned`."""
    on_page = {q.pk for q in questions}
    draft = {k: v for k, v in values.items() if k not in on_page}
    for question in questions:
        value = cleaned.get(question.pk)
        if value in (None, "", []):
            continue
        if question.type == Question.Type.TEXT or isinstance(value, list):
            draft[question.pk] = value
        else:
            draft[question.pk] = [value]
    return draft


def _payload(draft: dict) -> dict[str, list[str] | str]:
    return {str(key): value for key, value in draft.items()}


MAX_RETRIES = 5


def response_save_page(
    *,
    invitation: Invitation,
    questions: list[Question],
    cleaned: dict,
    now: dt.datetime,
    submit: bool = False,
) -> dict[int, list[str] | str]:
    """Save one page into the invitation's draft (one conditional UPDATE); with `submit`, turn
    the draft into the Response and its answers in the same transaction.

    The update is conditional on the invitation not being answered and on the draft being the
    one read: a second tab that saved meanwhile makes us merge into its draft and try again; a
    submission that won makes us raise AlreadyAnswered. The first saved page marks the
    invitation as started.
    """
    for _ in range(MAX_RETRIES):
        previous = invitation.draft
        draft = draft_after(invitation_values(invitation), questions, cleaned)
        if not submit:
            saved = Invitation.objects.filter(
                pk=invitation.pk, answered_at=None, draft=previous
            ).update(draft=_payload(draft), started_at=Coalesce("started_at", Value(now)))
            if saved:
                invitation.draft = _payload(draft)
                return draft
        else:
            with transaction.atomic():
                won = Invitation.objects.filter(
                    pk=invitation.pk, answered_at=None, draft=previous
                ).update(answered_at=now, started_at=Coalesce("started_at", Value(now)), draft={})
                if won:
                    all_questions = [q for p in pages_of(invitation.campaign.questionnaire)
                                     for q in p.questions]  # fmt: skip
                    _response_create(invitation, all_questions, draft, now=now, channel="web")
                    return draft
        _reload(invitation)
    raise AlreadyAnswered  # pragma: no cover - a draft rewritten five times in a row


def _reload(invitation: Invitation) -> None:
    """Read the draft again; raise AlreadyAnswered if a submission won meanwhile."""
    answered_at, draft = Invitation.objects.values_list("answered_at", "draft").get(
        pk=invitation.pk
    )
    if answered_at is not None:
        raise AlreadyAnswered
    invitation.draft = draft


def _response_create(
    invitation: Invitation,
    questions: list[Question],
    values: dict,
    *,
    now: dt.datetime,
    channel: str,
    entered_by: User | None = None,
) -> Response:
    """The completed response and its answers. Anonymous: no tie to the invitation, no date.

    Only the answers of questions shown (conditions met) are kept.
    """
    shown: dict = {}
    for question in questions:  # in questionnaire order: a condition comes before its question
        if question.pk in values and is_shown(question, shown):
            shown[question.pk] = values[question.pk]
    anonymous = invitation.campaign.anonymous
    response = Response.objects.create(
        campaign_id=invitation.campaign_id,
        invitation=None if anonymous else invitation,
        programme_id=invitation.programme_id,
        completed=True,
        channel=channel,
        submitted_on=None if anonymous else timezone.localdate(now),
        entered_by=entered_by,
    )
    Answer.objects.bulk_create(
        [row for q in questions for row in _rows(response, q, shown.get(q.pk))]
    )
    return response


def response_submit(*, invitation: Invitation, now: dt.datetime, channel: str = "web") -> None:
    """Submit the invitation's saved draft as it is: exactly one submission wins."""
    _reload(invitation)
    response_save_page(invitation=invitation, questions=[], cleaned={}, now=now, submit=True)


def response_enter(
    *,
    invitation: Invitation,
    pages: list[Page],
    cleaned: dict,
    channel: str,
    user: User,
    now: dt.datetime,
) -> None:
    """A whole response taken by telephone or on paper, entered by staff in one go."""
    questions = [q for page in pages for q in page.questions]
    with transaction.atomic():
        won = Invitation.objects.filter(pk=invitation.pk, answered_at=None).update(
            answered_at=now, started_at=Coalesce("started_at", Value(now)), draft={}
        )
        if not won:
            raise AlreadyAnswered
        values = draft_after({}, questions, cleaned)
        _response_create(invitation, questions, values, now=now, channel=channel, entered_by=user)


def first_unfinished_page(pages: list[Page], values: dict) -> int:
    """The page to resume at: the first with a required, shown, unanswered question."""
    for page in pages:
        for question in page.questions:
            if question.required and is_shown(question, values) and question.pk not in values:
                return page.number
    return pages[-1].number if pages else 1


def missing_required(pages: list[Page], values: dict) -> list[Question]:
    return [
        q
        for page in pages
        for q in page.questions
        if q.required and is_shown(q, values) and q.pk not in values
    ]
