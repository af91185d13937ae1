"""Saving the answers: page by page into the invitation's draft, then one submission per
invitation that turns the draft into the response and its answers.

While the buyer answers, nothing reaches the answer table: each saved page rewrites the draft
on the invitation row with one conditional UPDATE. The submission marks the invitation answered
(conditional: exactly one submission wins), empties the draft and writes the response with its
answers, in one transaction. In an anonymous campaign the answers are sealed into the pool
instead, with no link to the invitation and no date: they become a response later, in another
transaction, shuffled among others (`enquetes.services.pool`), so that neither the database's
transaction ids nor the rows' physical order tie a response to its invitation. The invitation's
answered flag stays the guard against a second answer; the emptied draft keeps nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.db.models import Value as Constant
from django.db.models.functions import Coalesce
from django.utils import timezone

from cooperatives.models import User
from enquetes.answering.snapshot import Page, QuestionSnapshot, Snapshot, Value, snapshot_of
from enquetes.models import Answer, Campaign, Invitation, Response, SealedResponse
from enquetes.services.tallies import tally_forget

MAX_RETRIES = 5


class AlreadyAnswered(Exception):
    """The invitation's response was submitted already (maybe from another tab)."""


def saved_values(invitation: Invitation) -> dict[int, Value]:
    """The answers saved so far: the draft read with the invitation (no query)."""
    return {int(key): value for key, value in (invitation.draft or {}).items()}


def draft_after(
    values: Mapping[int, Value], questions: Sequence[QuestionSnapshot], answers: Mapping
) -> dict[int, Value]:
    """The saved answers once a page is saved: its questions' answers replaced by `answers`
    (a choice is kept as a list of one value)."""
    on_page = {q.pk for q in questions}
    draft = {k: v for k, v in values.items() if k not in on_page}
    for question in questions:
        value = answers.get(question.pk)
        if value is None or value in ("", []):
            continue
        if question.type == "text" or isinstance(value, list):
            draft[question.pk] = value
        else:
            draft[question.pk] = [value]
    return draft


def missing_required(questions: Sequence[QuestionSnapshot], values: Mapping) -> list:
    """The required questions, shown after `values`, that have no answer in `values`."""
    return [q for q in questions if q.required and q.is_shown(values) and q.pk not in values]


def first_unfinished_page(snapshot: Snapshot, values: Mapping) -> int:
    """The page to resume at: the first with a required, shown, unanswered question."""
    missing = missing_required(snapshot.questions, values)
    if missing:
        return _page_of(snapshot, missing[0]).number
    return snapshot.pages[-1].number if snapshot.pages else 1


def _page_of(snapshot: Snapshot, question: QuestionSnapshot) -> Page:
    return next(page for page in snapshot.pages if question.pk in page.question_ids)


def page_save(
    *, invitation: Invitation, snapshot: Snapshot, page: Page, answers: Mapping, now: dt.datetime
) -> int | None:
    """Save the page's answers; on the last page, submit in the same transaction unless a
    required answer is missing somewhere (checked in memory).

    Returns the number of the page to show next, or None once submitted. Raises AlreadyAnswered
    if the response was submitted meanwhile.
    """
    missing = missing_required(
        snapshot.questions, draft_after(saved_values(invitation), page.questions, answers)
    )
    last = page.number == len(snapshot.pages)
    response_save_page(
        invitation=invitation,
        questions=page.questions,
        cleaned=answers,
        now=now,
        submit=last and not missing,
    )
    if not last:
        return page.number + 1
    return _page_of(snapshot, missing[0]).number if missing else None


def response_save_page(
    *,
    invitation: Invitation,
    questions: Sequence[QuestionSnapshot],
    cleaned: Mapping,
    now: dt.datetime,
    submit: bool = False,
) -> dict[int, Value]:
    """Save one page into the invitation's draft (one conditional UPDATE); with `submit`, turn
    the draft into the response and its answers in the same transaction.

    The update is conditional on the invitation not being answered and on the draft being the
    one read: a second tab that saved meanwhile makes us merge into its draft and try again; a
    submission that won makes us raise AlreadyAnswered. The first saved page marks the
    invitation as started.
    """
    for _ in range(MAX_RETRIES):
        previous = invitation.draft
        draft = draft_after(saved_values(invitation), questions, cleaned)
        unchanged = Invitation.objects.filter(pk=invitation.pk, answered_at=None, draft=previous)
        started = Coalesce("started_at", Constant(now))
        if not submit:
            if unchanged.update(draft=_payload(draft), started_at=started):
                invitation.draft = _payload(draft)
                return draft
        else:
            with transaction.atomic():
                if unchanged.update(answered_at=now, started_at=started, draft={}):
                    campaign = invitation.campaign
                    every = snapshot_of(
                        campaign.questionnaire, anonymous=campaign.anonymous
                    ).questions
                    _response_create(invitation, every, draft, now=now, channel="web")
                    return draft
        _reload(invitation)
    raise AlreadyAnswered  # pragma: no cover - a draft rewritten five times in a row


def response_submit(*, invitation: Invitation, now: dt.datetime) -> None:
    """Submit the invitation's saved draft as it is: exactly one submission wins."""
    _reload(invitation)
    response_save_page(invitation=invitation, questions=[], cleaned={}, now=now, submit=True)


def response_enter(
    *,
    invitation: Invitation,
    snapshot: Snapshot,
    answers: Mapping,
    channel: str,
    user: User,
    now: dt.datetime,
) -> None:
    """A whole response taken by telephone or on paper, entered by staff in one go."""
    with transaction.atomic():
        won = Invitation.objects.filter(pk=invitation.pk, answered_at=None).update(
            answered_at=now, started_at=Coalesce("started_at", Constant(now)), draft={}
        )
        if not won:
            raise AlreadyAnswered
        values = draft_after({}, snapshot.questions, answers)
        _response_create(
            invitation, snapshot.questions, values, now=now, channel=channel, entered_by=user
        )


def _payload(draft: Mapping[int, Value]) -> dict[str, Value]:
    return {str(key): value for key, value in draft.items()}


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
    questions: Sequence[QuestionSnapshot],
    values: Mapping[int, Value],
    *,
    now: dt.datetime,
    channel: str,
    entered_by: User | None = None,
) -> None:
    """The completed response and its answers. Anonymous: sealed into the pool, with no tie to
    the invitation and no date; it becomes a response later, in another transaction, among
    others and in a random order (`enquetes.services.pool`).

    Only the answers of questions shown (conditions met) are kept.
    """
    shown: dict[int, Value] = {}
    for question in questions:  # in questionnaire order: a condition comes before its question
        if question.pk in values and question.is_shown(shown):
            shown[question.pk] = values[question.pk]
    rows = [row for question in questions for row in _rows(question, shown.get(question.pk))]
    if invitation.campaign.anonymous:
        SealedResponse.objects.create(
            campaign_id=invitation.campaign_id,
            programme_id=invitation.programme_id,
            channel=channel,
            entered_by=entered_by,
            answers=rows,
            sealed_at=now,
        )
        return
    response = Response.objects.create(
        campaign_id=invitation.campaign_id,
        invitation=invitation,
        programme_id=invitation.programme_id,
        completed=True,
        channel=channel,
        submitted_on=timezone.localdate(now),
        entered_by=entered_by,
    )
    Answer.objects.bulk_create(
        Answer(response=response, question_id=pk, value=value, text=text)
        for pk, value, text in rows
    )
    if invitation.campaign.status(timezone.localdate(now)) == Campaign.Status.CLOSED:
        tally_forget(campaign=invitation.campaign)  # entered late (paper, phone)


def _rows(question: QuestionSnapshot, value: Value | None) -> list[tuple[int, str, str]]:
    """The answer rows of one question: (question id, value, text)."""
    if value is None or value in ("", []):
        return []
    if question.type == "text" and isinstance(value, str):
        return [(question.pk, "", value)]
    values = value if isinstance(value, list) else [value]
    return [(question.pk, v, "") for v in values]
