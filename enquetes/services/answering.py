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


def _write_answers(
    response: Response, questions: list[Question], cleaned: dict, *, replace: bool = True
) -> None:
    """Write the answers to `questions` from `cleaned` ({question id: value}), replacing those
    saved before unless the response is known to be new (`replace=False`)."""
    if replace:
        Answer.objects.filter(response=response, question__in=[q.pk for q in questions]).delete()
    Answer.objects.bulk_create(
        [row for q in questions for row in _rows(response, q, cleaned.get(q.pk))]
    )


def invitation_values(invitation: Invitation) -> dict[int, list[str] | str]:
    """The answers saved so far for an invitation (one query, no response read first)."""
    values: dict[int, list[str] | str] = {}
    rows = Answer.objects.filter(response__invitation=invitation).values_list(
        "question_id", "value", "text"
    )
    for question_id, value, text in rows:
        if text:
            values[question_id] = text
        else:
            values.setdefault(question_id, []).append(value)
    return values


def response_save_page(
    *,
    invitation: Invitation,
    questions: list[Question],
    cleaned: dict,
    now: dt.datetime,
    first_save: bool = False,
    submit: bool = False,
) -> Response:
    """Save one page of answers; with `submit`, also close the response in the same transaction.

    The first saved page marks the invitation as started. `first_save` (nothing saved yet, as
    read by the caller) spares the deletion of previous answers when the response is new.
    """
    with transaction.atomic():
        # Lock the invitation: a save racing the submission (double tap, second tab) waits for
        # it, then sees it answered. Without this, in an anonymous campaign, a late save would
        # tie fresh answers to the person again. Under the lock, no other save of this
        # invitation runs: reading then creating the response needs no savepoint.
        answered_at = (
            Invitation.objects.select_for_update()
            .values_list("answered_at", flat=True)
            .get(pk=invitation.pk)
        )
        if answered_at is not None:
            raise AlreadyAnswered
        response = Response.objects.filter(invitation=invitation).first()
        created = response is None
        if created:
            response = Response.objects.create(
                invitation=invitation,
                campaign_id=invitation.campaign_id,
                programme_id=invitation.programme_id,
            )
        _write_answers(response, questions, cleaned, replace=not (created and first_save))
        if submit:
            Invitation.objects.filter(pk=invitation.pk).update(
                answered_at=now, started_at=Coalesce("started_at", Value(now))
            )
            _complete(invitation, now=now, channel=Response.Channel.WEB)
        else:
            Invitation.objects.filter(pk=invitation.pk, started_at=None).update(started_at=now)
    return response


def _complete(invitation: Invitation, *, now: dt.datetime, channel: str) -> None:
    """Mark the invitation's response complete; anonymous: cut from the person, undated."""
    anonymous = invitation.campaign.anonymous
    Response.objects.filter(invitation=invitation).update(
        completed=True,
        channel=channel,
        submitted_on=None if anonymous else timezone.localdate(now),
        **({"invitation": None} if anonymous else {}),
    )


def response_submit(*, invitation: Invitation, now: dt.datetime, channel: str = "web") -> None:
    """Close the response: exactly one submission wins (conditional update on the invitation).

    In an anonymous campaign the response is then cut from its invitation and carries no date.
    """
    with transaction.atomic():
        won = Invitation.objects.filter(pk=invitation.pk, answered_at=None).update(answered_at=now)
        if not won:
            raise AlreadyAnswered
        _complete(invitation, now=now, channel=channel)


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
    with transaction.atomic():
        response, _ = Response.objects.get_or_create(
            invitation=invitation,
            defaults={
                "campaign_id": invitation.campaign_id,
                "programme_id": invitation.programme_id,
            },
        )
        if response.completed:
            raise AlreadyAnswered
        Response.objects.filter(pk=response.pk).update(entered_by=user, channel=channel)
        _write_answers(response, [q for page in pages for q in page.questions], cleaned)
        Invitation.objects.filter(pk=invitation.pk, started_at=None).update(started_at=now)
        response_submit(invitation=invitation, now=now, channel=channel)


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
