"""The state every background job keeps, inherited by a feature's concrete job model:

    class BuyerImportJob(Job):
        ...
        class Meta(Job.Meta):
            constraints = [*Job.Meta.constraints, ...]

Transitions are conditional updates in `coopqualite.jobs.services` (never a `save()` of the
status): pending → running (claimed by one worker) → done | failed; failed → pending (retry);
running with a stale heartbeat → failed, or pending again when its task is idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Job(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Terminé"
        FAILED = "failed", "Échec — relancer"

    UNFINISHED = (Status.PENDING, Status.RUNNING)

    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    step = models.CharField("étape", max_length=120, blank=True)
    error = models.CharField("erreur", max_length=300, blank=True)
    # Times the job was put on the queue since it was requested (or retried by a person): the
    # sweep queues a job again only while this stays under its kind's `max_attempts`.
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    requested_at = models.DateTimeField("demandé le", default=timezone.now)
    queued_at = models.DateTimeField("mis en file le", null=True, blank=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    # Written with the progress while the job runs: a running job whose heartbeat is older than
    # JOB_HEARTBEAT_TIMEOUT has lost its worker.
    heartbeat_at = models.DateTimeField("dernier signe de vie", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_progress_is_a_percentage",
                condition=Q(progress__lte=100),
            ),
        ]

    @property
    def unfinished(self) -> bool:
        return self.status in self.UNFINISHED

    def is_stale(self, now: dt.datetime) -> bool:
        """Running without a sign of life for JOB_HEARTBEAT_TIMEOUT, or waiting in the queue
        for JOB_QUEUE_TIMEOUT (its message was lost): the sweep deals with it."""
        if self.status == self.Status.RUNNING:
            last = self.heartbeat_at or self.started_at or self.requested_at
            return last < now - dt.timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT)
        if self.status == self.Status.PENDING:
            last = self.queued_at or self.requested_at
            return last < now - dt.timedelta(seconds=settings.JOB_QUEUE_TIMEOUT)
        return False

    @classmethod
    def stale_q(cls, now: dt.datetime) -> Q:
        """The rows `is_stale` says yes to, as a filter (for the periodic sweep)."""
        heartbeat = now - dt.timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT)
        queue = now - dt.timedelta(seconds=settings.JOB_QUEUE_TIMEOUT)
        return Q(status=cls.Status.RUNNING) & (
            Q(heartbeat_at__lt=heartbeat) | Q(heartbeat_at=None, started_at__lt=heartbeat)
        ) | Q(status=cls.Status.PENDING) & (
            Q(queued_at__lt=queue) | Q(queued_at=None, requested_at__lt=queue)
        )
