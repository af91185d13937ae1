"""Starting e-mails: launching a campaign and the periodic dispatch. Each plans `Message` rows
and queues them for the Celery workers once the transaction commits.

The one module of the app that queues tasks: it imports `enquetes.tasks`, which imports only
the modules that do the work (`services.sending`). Views, the `dispatch_surveys` command and the
periodic task (`enquetes.periodic`) call these functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.db import transaction

from enquetes import tasks
from enquetes.models import Campaign
from enquetes.services import campaigns, sending

BATCH = 50  # messages per task: one SMTP connection each


def messages_enqueue(*, campaign: Campaign | None = None) -> int:
    """Queue the pending messages (of one campaign, or all) in batches, once the current
    transaction commits. Queuing twice is harmless: a sender claims each row before sending."""
    ids = sending.pending_message_ids(campaign=campaign)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        transaction.on_commit(partial(tasks.messages_send_task.delay, batch))
    return len(ids)


@dataclass(frozen=True)
class LaunchResult:
    invited: int  # invitations written
    queued: int  # e-mails queued for sending


def campaign_launch(*, campaign: Campaign, now: dt.datetime) -> LaunchResult:
    """Launch a campaign: freeze its questionnaire, invite its population, plan the invitation
    e-mails and queue them, all or nothing. Raises CampaignError (French message) when the
    campaign cannot be launched."""
    with transaction.atomic():
        invited = campaigns.campaign_start(campaign=campaign, now=now)
        sending.messages_plan(now=now, campaign=campaign)
        queued = messages_enqueue(campaign=campaign)
    return LaunchResult(invited=invited, queued=queued)


@dataclass(frozen=True)
class DispatchResult:
    invited: int  # key-step buyers who became due
    planned: int  # invitation and reminder e-mails planned
    swept: int  # e-mails left "sending" by a crash, now failed
    queued: int  # e-mails queued for sending


def surveys_dispatch(*, now: dt.datetime) -> DispatchResult:
    """The periodic work: invite the key-step buyers who became due, plan invitations and
    reminders, mark the messages stuck by a crash, and queue what is pending."""
    with transaction.atomic():
        invited = campaigns.key_step_invitations_create(now=now)
        planned = sending.messages_plan(now=now)
        swept = sending.messages_sweep(now=now)
        queued = messages_enqueue()
    return DispatchResult(invited=invited, planned=planned, swept=swept, queued=queued)
