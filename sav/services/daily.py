"""The daily work of after-sales, for the beat (`sav.periodic`) and the `sav_daily` command:
lift the claims done without an answer, then write the digest of each person responsible for
claims or call-backs overdue or due today (one `DigestMessage` per person and working day,
sent once)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from coopqualite.outbox.services.dispatch import outbox_enqueue
from sav import rules
from sav.models import CallBack, Claim, DigestMessage
from sav.services.callbacks import callbacks_open
from sav.services.claims import claims_lift_unanswered

DIGEST_KIND = "sav.digestmessage"
DIGEST_FROM_HOUR = 7  # the digest leaves with the first run from 7 a.m. (local time)


@dataclass(frozen=True)
class DailyResult:
    lifted: int
    callbacks: int
    digests: int


def digests_plan(*, now: dt.datetime) -> int:
    """Write and queue today's digests (none on a weekend or a public holiday, none before
    `DIGEST_FROM_HOUR`); a person already served today is skipped. Returns how many."""
    local = timezone.localtime(now)
    today = local.date()
    if not rules.is_working_day(today) or local.hour < DIGEST_FROM_HOUR:
        return 0
    owed = {
        *Claim.objects.filter(rules.overdue_q(today) | rules.due_today_q(today))
        .filter(assignee__is_active=True)
        .exclude(assignee__email="")
        .order_by()  # the model's ordering would make DISTINCT return one row per claim
        .values_list("assignee_id", flat=True)
        .distinct(),
        *CallBack.objects.filter(
            rules.callback_overdue_q(today) | rules.callback_due_today_q(today)
        )
        .filter(assignee__is_active=True)
        .exclude(assignee__email="")
        .order_by()
        .values_list("assignee_id", flat=True)
        .distinct(),
    }
    with transaction.atomic():
        DigestMessage.objects.bulk_create(
            [DigestMessage(user_id=pk, day=today) for pk in sorted(owed)], ignore_conflicts=True
        )
        ids = list(
            DigestMessage.objects.filter(day=today, status=DigestMessage.Status.PENDING,
                                         queued_at=None).values_list("pk", flat=True)
        )  # fmt: skip
        return outbox_enqueue(kind=DIGEST_KIND, ids=ids, now=now)


def sav_daily(*, now: dt.datetime) -> DailyResult:
    lifted = claims_lift_unanswered(now=now)
    callbacks = callbacks_open(now=now)
    return DailyResult(lifted=lifted, callbacks=callbacks, digests=digests_plan(now=now))
