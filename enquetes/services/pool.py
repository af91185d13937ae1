"""The pool of anonymous submissions: how an anonymous answer becomes a response without the
database telling whose it is.

An anonymous submission is sealed into `SealedResponse` in the transaction that marks the
invitation answered (`enquetes.answering.saving`): the pool row carries no link to the
invitation, but it shares that transaction's id (`xmin`) and comes right after it on disk. So it
does not stay: `pool_flush` turns the sealed submissions of a campaign into responses and their
answers in another transaction, in a random order, then deletes them. A response's `xmin` is
then the flush's, shared by every response of the batch, and its place in the table follows no
invitation (its primary key is random too).

A campaign's pool is flushed once it holds ANONYMOUS_POOL_SIZE submissions, once its oldest has
waited ANONYMOUS_POOL_MAX_WAIT seconds, and once the campaign is closed (its results are then
complete). Until then its answers are not counted in the results; the invitation counts as
answered at once (participation), and the buyer is thanked at once.

Run every few minutes by `enquetes.periodic.pool_flush_task` and the `flush_anonymous_pool`
command.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import secrets
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Min
from django.utils import timezone

from enquetes.models import Answer, Campaign, Response, SealedResponse
from enquetes.services.tallies import tally_forget


@dataclasses.dataclass(frozen=True)
class PoolFlush:
    campaigns: int
    responses: int


def pool_flush(
    *,
    now: dt.datetime,
    campaign_id: int | None = None,
    everything: bool = False,
    seed: int | None = None,
) -> PoolFlush:
    """Turn the sealed submissions of every campaign whose pool is due (or of one campaign, or,
    with `everything`, of every campaign) into responses, shuffled, one transaction per campaign.

    `seed` fixes the shuffle (tests); without it the order comes from the system's randomness.
    """
    waiting = (
        SealedResponse.objects.values("campaign_id")
        .annotate(n=Count("pk"), oldest=Min("sealed_at"), closes_on=F("campaign__closes_on"))
        .order_by("campaign_id")
    )
    if campaign_id is not None:
        waiting = waiting.filter(campaign_id=campaign_id)
    waited_enough = now - dt.timedelta(seconds=settings.ANONYMOUS_POOL_MAX_WAIT)
    today = timezone.localdate(now)
    due = [
        (row["campaign_id"], row["closes_on"] < today)
        for row in waiting
        if everything
        or row["n"] >= settings.ANONYMOUS_POOL_SIZE
        or row["oldest"] <= waited_enough
        or row["closes_on"] < today
    ]
    shuffle = random.Random(seed).shuffle if seed is not None else secrets.SystemRandom().shuffle
    flushed = sum(_campaign_pool_flush(pk, shuffle, closed=closed) for pk, closed in due)
    return PoolFlush(campaigns=len(due), responses=flushed)


def _campaign_pool_flush(campaign_id: int, shuffle: Callable[[list], None], *, closed: bool) -> int:
    """One campaign's pool into responses, in one transaction of its own. Rows another flush
    holds are skipped (it writes them). A closed campaign's stored counts are forgotten (the
    tally job stores them again, these answers included)."""
    with transaction.atomic():
        sealed = list(
            SealedResponse.objects.select_for_update(skip_locked=True).filter(
                campaign_id=campaign_id
            )
        )
        shuffle(sealed)
        responses = [
            Response(
                campaign_id=campaign_id,
                programme_id=submission.programme_id,
                channel=submission.channel,
                completed=True,
                entered_by_id=submission.entered_by_id,
            )
            for submission in sealed
        ]
        Response.objects.bulk_create(responses, batch_size=500)
        Answer.objects.bulk_create(
            (
                Answer(response=response, question_id=question_id, value=value, text=text)
                for response, submission in zip(responses, sealed, strict=True)
                for question_id, value, text in submission.answers
            ),
            batch_size=1000,
        )
        SealedResponse.objects.filter(pk__in=[s.pk for s in sealed]).delete()
        if closed and sealed:
            tally_forget(campaign=Campaign(pk=campaign_id))
    return len(sealed)
