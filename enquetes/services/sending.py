"""Invitations and reminders: planning them, and the outbox kind that sends them.

1. `messages_plan` writes one `Message` row per intended e-mail (number 0: the invitation,
   1..n: the reminders); a unique constraint makes planning idempotent.
2. The outbox (`coopqualite.outbox`) sends them, each at most once, with honest states: sent,
   bounced, failed (never handed to the server), uncertain (the server may have it), cancelled,
   or pending again for a later try after a transient failure. `SURVEY_MESSAGES` is this app's
   kind (registered in `EnquetesConfig.ready`): how a message's e-mail is built, and why a
   message must not leave any more (answered, unsubscribed, no address, campaign closed) — then
   it is cancelled just before its claim.

The outbox logs each outcome with the message id and `campaign <id>, number <n>`: never the
token, the address or the name of the person. `enquetes.services.dispatch` plans and queues.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from coopqualite.outbox.kinds import Kind
from enquetes.emails import SurveyEmails, survey_invitation
from enquetes.models import Campaign, Invitation, Message

MAX_REMINDERS = 3


def messages_plan(*, now: dt.datetime, campaign: Campaign | None = None) -> int:
    """Write the Message rows that are due in open campaigns; return how many were added."""
    today = timezone.localdate(now)
    campaigns = Campaign.objects.open_on(today)
    if campaign is not None:
        campaigns = campaigns.filter(pk=campaign.pk)
    created = 0
    for campaign in campaigns:
        reachable = Invitation.objects.filter(campaign=campaign).reachable()
        wanted = [
            Message(invitation_id=pk, number=0)
            for pk in reachable.exclude(messages__number=0).values_list("pk", flat=True)
        ]
        days = [0, *sorted(set(campaign.reminder_days))[:MAX_REMINDERS]]
        for number in range(1, len(days)):
            # Reminder n follows the previous message by the gap between their days: a dispatch
            # that did not run for a week never sends two reminders at once.
            previous_sent = Message.objects.filter(
                invitation=OuterRef("pk"),
                number=number - 1,
                status=Message.Status.SENT,
                sent_at__lte=now - dt.timedelta(days=days[number] - days[number - 1]),
            )
            due = reachable.filter(Exists(previous_sent)).exclude(messages__number=number)
            wanted += [
                Message(invitation_id=pk, number=number) for pk in due.values_list("pk", flat=True)
            ]
        Message.objects.bulk_create(wanted, ignore_conflicts=True)
        created += len(wanted)
    return created


def _build(message: Message) -> EmailMultiAlternatives:
    return survey_invitation(message.invitation, reminder=message.number)


def _batch_build() -> Callable[[Message], EmailMultiAlternatives]:
    """One batch's builder: the same e-mails as `_build`, templates rendered once per campaign
    (`enquetes.emails.SurveyEmails`, which checks itself against `survey_invitation`)."""
    emails = SurveyEmails(reference=survey_invitation)
    return lambda message: emails(message.invitation, reminder=message.number)


def _cancel_reason(message: Message, now: dt.datetime) -> str:
    invitation = message.invitation
    if invitation.answered_at:
        return "a déjà répondu"
    if invitation.unsubscribed_at:
        return "désinscrit"
    if not invitation.email:
        return "pas d'adresse e-mail"
    if not invitation.campaign.is_open(timezone.localdate(now)):
        return "campagne fermée"
    return ""


def _log_context(message: Message) -> str:
    return f"campaign {message.invitation.campaign_id}, number {message.number}"


SURVEY_MESSAGES = Kind(
    model=Message,
    build=_build,
    cancel_reason=_cancel_reason,
    related=("invitation",),
    shared=(
        Prefetch(
            "invitation__campaign",
            queryset=Campaign.objects.select_related("cooperative", "questionnaire"),
        ),
    ),
    log_context=_log_context,
    batch_build=_batch_build,
)


def invitation_unsubscribe(*, invitation: Invitation, now: dt.datetime) -> bool:
    """Stop writing to this person for this campaign; pending messages are cancelled."""
    with transaction.atomic():
        changed = Invitation.objects.filter(pk=invitation.pk, unsubscribed_at=None).update(
            unsubscribed_at=now
        )
        Message.objects.filter(invitation=invitation, status=Message.Status.PENDING).update(
            status=Message.Status.CANCELLED, reason="désinscrit", next_attempt_at=None
        )
    return bool(changed)
