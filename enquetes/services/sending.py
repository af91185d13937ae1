"""Sending invitations and reminders, each at most once.

1. `messages_plan` writes one `Message` row per intended e-mail (number 0: the invitation,
   1..n: the reminders); a unique constraint makes planning idempotent.
2. `messages_send` claims pending rows (row lock + conditional update pending → sending) before
   talking to the SMTP server. Only the claimer sends. A retried task, a second worker or a
   duplicate enqueue find the rows claimed and skip them.
3. A crash between the SMTP send and the status write leaves the row "sending": it is never sent
   again; `messages_sweep` marks it failed ("état incertain") for staff to see.
4. A transient SMTP error (server unreachable, 4xx answer) puts the row back to pending and the
   task retries with backoff; after MAX_ATTEMPTS the row is failed. A refused address is
   "bounced". Failures are shown on the campaign page.

Each outcome is logged with the message and campaign ids only: never the token, the address or
the name of the person.

This module does the work and knows nothing of Celery: `enquetes.tasks.messages_send_task` calls
`messages_send`, and `enquetes.services.dispatch` plans and queues.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from coopqualite.mail import TransientSendError, smtp_error_is_transient
from enquetes.emails import survey_invitation
from enquetes.models import Campaign, Invitation, Message

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
MAX_REMINDERS = 3
SENDING_TIMEOUT = dt.timedelta(minutes=15)


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


def pending_message_ids(*, campaign: Campaign | None = None, limit: int | None = None) -> list[int]:
    ids = Message.objects.filter(status=Message.Status.PENDING).order_by("pk")
    if campaign is not None:
        ids = ids.filter(invitation__campaign=campaign)
    return list(ids.values_list("pk", flat=True)[:limit])


def _claim(message_ids: list[int], now: dt.datetime) -> list[int]:
    with transaction.atomic():
        ids = list(
            # Lock the message rows only (of=self), without the default ordering's joins: a
            # lock on the campaign or invitation rows would make concurrent claims skip rows
            # that nobody claimed.
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=message_ids, status=Message.Status.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Message.objects.filter(pk__in=ids, status=Message.Status.PENDING).update(
            status=Message.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return ids


def _set(
    message: Message, status: str, *, error: str = "", sent_at: dt.datetime | None = None
) -> None:
    Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
        status=status, error=error[:300], sent_at=sent_at
    )
    log.log(
        logging.INFO
        if status in (Message.Status.SENT, Message.Status.CANCELLED)
        else logging.WARNING,
        "message %s (campaign %s, number %s): %s%s",
        message.pk,
        message.invitation.campaign_id,
        message.number,
        status,
        f" ({error})" if error else "",
    )


def _cancel_reason(message: Message, today: dt.date) -> str:
    invitation = message.invitation
    if invitation.answered_at:
        return "a déjà répondu"
    if invitation.unsubscribed_at:
        return "désinscrit"
    if not invitation.email:
        return "pas d'adresse e-mail"
    if not invitation.campaign.is_open(today):
        return "campagne fermée"
    return ""


@dataclass
class SendReport:
    sent: int = 0
    cancelled: int = 0
    bounced: int = 0
    failed: int = 0
    skipped: int = 0


def messages_send(*, message_ids: list[int], now: dt.datetime | None = None) -> SendReport:
    """Send the given messages over one SMTP connection, each at most once.

    Raises TransientSendError when the server is unreachable or answers 4xx; the messages not
    sent yet are then back to pending.
    """
    now = now or timezone.now()
    report = SendReport()
    ids = _claim(message_ids, now)
    report.skipped = len(message_ids) - len(ids)
    if not ids:
        return report
    messages = list(
        Message.objects.filter(pk__in=ids).select_related(
            "invitation__campaign__cooperative", "invitation__campaign__questionnaire"
        )
    )
    connection = get_connection()
    today = timezone.localdate(now)
    try:
        connection.open()
        for index, message in enumerate(messages):
            if reason := _cancel_reason(message, today):
                _set(message, Message.Status.CANCELLED, error=reason)
                report.cancelled += 1
                continue
            email = survey_invitation(message.invitation, reminder=message.number)
            email.connection = connection
            try:
                email.send()
            except smtplib.SMTPRecipientsRefused as exc:
                if smtp_error_is_transient(exc):  # greylisting and the like: try again later
                    _release(messages[index:], exc)
                    raise TransientSendError(_describe(exc)) from exc
                _set(message, Message.Status.BOUNCED, error=_describe(exc))
                report.bounced += 1
                continue
            except Exception as exc:
                if not smtp_error_is_transient(exc):
                    _set(message, Message.Status.FAILED, error=_describe(exc))
                    report.failed += 1
                    continue
                _release(messages[index:], exc)
                raise TransientSendError(_describe(exc)) from exc
            _set(message, Message.Status.SENT, sent_at=now)
            report.sent += 1
    except TransientSendError:
        raise
    except Exception as exc:  # the connection could not be opened
        if not smtp_error_is_transient(exc):
            raise
        _release(messages, exc)
        raise TransientSendError(_describe(exc)) from exc
    finally:
        connection.close()
    return report


def _release(messages: list[Message], exc: Exception) -> None:
    """Give claimed, unsent messages back (pending), or fail them after MAX_ATTEMPTS."""
    ids = [m.pk for m in messages]
    still = Message.objects.filter(pk__in=ids, status=Message.Status.SENDING)
    failed = still.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Message.Status.FAILED,
        error=f"Abandon après {MAX_ATTEMPTS} essais : {_describe(exc)}"[:300],
    )
    released = still.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=Message.Status.PENDING, error=_describe(exc), claimed_at=None
    )
    log.warning(
        "%s message(s) of campaign(s) %s back to pending, %s failed after %s attempts: %s",
        released,
        sorted({m.invitation.campaign_id for m in messages}),
        failed,
        MAX_ATTEMPTS,
        _describe(exc),
    )


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = {code for code, _ in exc.recipients.values()}
        return f"Adresse refusée par le serveur de messagerie ({', '.join(map(str, codes))})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"Le serveur de messagerie a répondu {exc.smtp_code}"
    return f"Serveur de messagerie injoignable ({type(exc).__name__})"


def messages_sweep(*, now: dt.datetime) -> int:
    """Rows left "sending" by a crash: mark them failed, never send them again."""
    stuck = Message.objects.filter(
        status=Message.Status.SENDING, claimed_at__lt=now - SENDING_TIMEOUT
    )
    ids = list(stuck.values_list("pk", flat=True))
    swept = Message.objects.filter(pk__in=ids, status=Message.Status.SENDING).update(
        status=Message.Status.FAILED,
        error="Envoi interrompu : état incertain, le message n'est pas renvoyé automatiquement.",
    )
    if swept:
        log.warning("messages %s left sending by a crash: failed, not sent again", ids)
    return swept


def invitation_unsubscribe(*, invitation: Invitation, now: dt.datetime) -> bool:
    """Stop writing to this person for this campaign; pending messages are cancelled."""
    with transaction.atomic():
        changed = Invitation.objects.filter(pk=invitation.pk, unsubscribed_at=None).update(
            unsubscribed_at=now
        )
        Message.objects.filter(invitation=invitation, status=Message.Status.PENDING).update(
            status=Message.Status.CANCELLED, error="désinscrit"
        )
    return bool(changed)
