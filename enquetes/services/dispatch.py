"""Starting e-mails: launching a campaign, the periodic dispatch, and resending on request.
Each writes `Message` rows (or puts them back to pending) and queues them through the outbox
(`coopqualite.outbox.services.dispatch`) once the transaction commits.

Views, the `dispatch_surveys` command and the periodic task (`enquetes.periodic`) call these
functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from cooperatives.models import Buyer
from coopqualite.outbox.services.dispatch import outbox_dispatch, outbox_enqueue
from coopqualite.outbox.services.sending import outbox_resend
from enquetes.models import Campaign, Invitation, Message
from enquetes.services import campaigns, sending

KIND = sending.SURVEY_MESSAGES.name


def messages_enqueue(*, campaign: Campaign, now: dt.datetime) -> int:
    """Queue the due messages of one campaign, once the current transaction commits. Queuing
    twice is harmless: a sender claims each row before sending."""
    ids = list(
        Message.objects.filter(invitation__campaign=campaign)
        .due(now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return outbox_enqueue(kind=KIND, ids=ids, now=now)


def invitation_add(
    *, campaign: Campaign, buyer: Buyer, subject: str, now: dt.datetime
) -> Invitation:
    """Invite one buyer to a running campaign about one subject (after an intervention: the
    claim) and queue the invitation e-mail once the transaction commits; its reminders follow
    the campaign's, planned by the periodic dispatch like every invitation's. Called again for
    the same subject, it returns the invitation already made (the database keeps one per
    campaign, buyer and subject) and sends nothing."""
    with transaction.atomic():
        existing = Invitation.objects.filter(campaign=campaign, buyer=buyer, subject=subject)
        invitation = existing.first()
        if invitation is not None:
            return invitation
        invitation = campaigns.invitation_of(campaign, buyer, subject)
        invitation.save()
        if invitation.email:
            message = Message.objects.create(invitation=invitation, number=0)
            outbox_enqueue(kind=KIND, ids=[message.pk], now=now)
    return invitation


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
        queued = messages_enqueue(campaign=campaign, now=now)
    return LaunchResult(invited=invited, queued=queued)


@dataclass(frozen=True)
class DispatchResult:
    invited: int  # key-step buyers who became due
    planned: int  # invitation and reminder e-mails planned
    swept: int  # e-mails left "sending" by a dead worker, now uncertain
    queued: int  # e-mails queued for sending


def surveys_dispatch(*, now: dt.datetime) -> DispatchResult:
    """The periodic work: invite the key-step buyers who became due, plan invitations and
    reminders, then the outbox's dispatch: mark what dead workers left, queue what is due."""
    with transaction.atomic():
        invited = campaigns.key_step_invitations_create(now=now)
        planned = sending.messages_plan(now=now)
        outbox = outbox_dispatch(now=now)
    return DispatchResult(
        invited=invited, planned=planned, swept=outbox.swept, queued=outbox.queued
    )


def campaign_messages_resend(
    *, campaign: Campaign, uncertain: bool, seen_at: dt.datetime, now: dt.datetime
) -> int:
    """Send again the failed messages of a campaign (never handed to the server), or — asked
    knowingly — its uncertain ones (the server may have them): those the person saw on the
    page (last try before `seen_at`), so that a second click resends nothing twice. Returns
    how many were queued."""
    status = Message.Status.UNCERTAIN if uncertain else Message.Status.FAILED
    with transaction.atomic():
        ids = outbox_resend(
            messages=Message.objects.filter(invitation__campaign=campaign),
            statuses=[status],
            seen_at=seen_at,
        )
        return outbox_enqueue(kind=KIND, ids=ids, now=now)
