"""The abstract outbox message: one row per intended e-mail, and its state machine.

A feature that sends makes its own concrete model from `OutboxMessage` (with what the e-mail is
about: `enquetes.Message` has the invitation and the reminder number) and registers a kind
(`coopqualite.outbox.kinds`); the engine does the rest. See the package's docstring.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from coopqualite.outbox.smtp import Phase

# A message still "sending" this long after its claim was abandoned by a dead worker: no live
# send lasts that long (CELERY_TASK_TIME_LIMIT is 15 minutes too).
SENDING_TIMEOUT = dt.timedelta(minutes=15)
# A due message queued this long ago and still pending lost its task (broker restarted...):
# the periodic dispatch queues it again.
REQUEUE_AFTER = dt.timedelta(minutes=10)


class OutboxStatus(models.TextChoices):
    """The states of a message (`OutboxMessage.Status`); defined here so that the model's
    constraints can list them."""

    PENDING = "pending", "À envoyer"
    SENDING = "sending", "Envoi en cours"
    SENT = "sent", "Envoyé"
    BOUNCED = "bounced", "Adresse refusée"
    FAILED = "failed", "Échec (non transmis)"
    UNCERTAIN = "uncertain", "Incertain (peut-être reçu)"
    CANCELLED = "cancelled", "Annulé"


def due_q(now: dt.datetime) -> Q:
    """Pending, and not waiting for a later try."""
    return Q(status=OutboxStatus.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


class OutboxQuerySet(models.QuerySet):
    def due(self, now: dt.datetime) -> OutboxQuerySet:
        """Pending, and not waiting for a later try."""
        return self.filter(due_q(now))

    def to_queue(self, now: dt.datetime) -> OutboxQuerySet:
        """Due, and not queued recently (a task for it is probably in the broker)."""
        return self.due(now).filter(
            Q(queued_at__isnull=True) | Q(queued_at__lte=now - REQUEUE_AFTER)
        )

    def stuck(self, now: dt.datetime) -> OutboxQuerySet:
        """Claimed by a worker that died: "sending" for longer than any live send lasts."""
        return self.filter(status=OutboxStatus.SENDING, claimed_at__lt=now - SENDING_TIMEOUT)


def outbox_rows(model: type[OutboxMessage]) -> OutboxQuerySet:
    """All the rows of a concrete outbox model, with the outbox's query vocabulary (its default
    manager must come from a subclass of OutboxQuerySet)."""
    rows = model._default_manager.all()
    assert isinstance(rows, OutboxQuerySet), f"{model.__name__}: use an OutboxQuerySet manager"
    return rows


class OutboxMessage(models.Model):
    """One e-mail to send, at most once: claimed (pending → sending) by one worker before the
    SMTP conversation, then sent, bounced, failed (never handed to the server), uncertain (the
    server may have it) or cancelled; a transient failure puts it back to pending with a later
    `next_attempt_at`."""

    Status = OutboxStatus

    status = models.CharField(
        "état", max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    phase = models.CharField("étape atteinte", max_length=10, choices=Phase.choices, blank=True)
    reason = models.CharField("motif", max_length=300, blank=True)
    queued_at = models.DateTimeField("mis en file le", null=True, blank=True)
    first_attempt_at = models.DateTimeField("premier essai", null=True, blank=True)
    next_attempt_at = models.DateTimeField("prochain essai", null=True, blank=True)
    claimed_at = models.DateTimeField("dernier essai", null=True, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="%(app_label)s_%(class)s_due"),
            models.Index(fields=["status", "claimed_at"], name="%(app_label)s_%(class)s_claim"),
        ]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_status_known",
                condition=Q(status__in=OutboxStatus.values),
                violation_error_message="État d'envoi inconnu.",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_sent_has_date",
                condition=~Q(status=OutboxStatus.SENT) | Q(sent_at__isnull=False),
                violation_error_message="Un message envoyé a une date d'envoi.",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_sending_claimed",
                condition=~Q(status=OutboxStatus.SENDING) | Q(claimed_at__isnull=False),
                violation_error_message="Un message en cours d'envoi a une date de prise.",
            ),
        ]
