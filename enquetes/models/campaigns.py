"""Campaigns, invitations and the messages sent to buyers."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Left
from django.utils import timezone

from cooperatives.models import (
    Buyer,
    Cooperative,
    JourneyStep,
    Permission,
    Programme,
    TenantQuerySet,
    journey_step_conditions,
)
from coopqualite.jobs.models import Job
from coopqualite.outbox.models import OutboxMessage, OutboxQuerySet
from enquetes.models.questionnaires import KeyStep, Questionnaire, SurveyKind

TOKEN_PREFIX_LENGTH = 12


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class CampaignQuerySet(TenantQuerySet):
    def open_on(self, day: dt.date) -> CampaignQuerySet:
        return self.filter(launched_at__isnull=False, opens_on__lte=day, closes_on__gte=day)


class Campaign(models.Model):
    """A survey of a population with one questionnaire, between two dates.

    Once launched, a campaign keeps what its invitations were made and answered under: only its
    name and its reminders may change, and its closing date may be brought forward (not before
    today). `clean()` says so, hence every model form, the admin's included.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "En préparation"
        SCHEDULED = "scheduled", "Programmée"
        OPEN = "open", "En cours"
        CLOSED = "closed", "Terminée"

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="campaigns")
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=SurveyKind.choices)
    key_step = models.CharField("étape clé", max_length=30, choices=KeyStep.choices, blank=True)
    days_after_step = models.PositiveSmallIntegerField(
        "délai après l'étape (jours)",
        default=30,
        help_text="Pour une enquête d'étape : l'invitation part ce nombre de jours après la date.",
    )
    opens_on = models.DateField("ouverture")
    closes_on = models.DateField("clôture")
    anonymous = models.BooleanField(
        "anonyme",
        default=True,
        help_text="Aucune réponse ne pourra être rattachée à une personne.",
    )
    reminder_days = models.JSONField(
        "relances (jours après l'invitation)",
        default=list,
        blank=True,
        help_text="Par exemple 7 et 14 : deux relances au plus, jamais après la clôture.",
    )
    population = models.JSONField("population", default=dict, blank=True)
    launched_at = models.DateTimeField("lancée le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "campagne"
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="campaign_closes_after_it_opens",
                condition=Q(closes_on__gte=models.F("opens_on")),
                violation_error_message="La clôture doit suivre l'ouverture.",
            ),
            models.CheckConstraint(
                name="campaign_key_step_kind_has_step",
                condition=~Q(kind="key_step") | ~Q(key_step=""),
                violation_error_message="Choisissez l'étape clé.",
            ),
        ]

    # What never changes once the campaign is launched, and why.
    FIXED_ONCE_LAUNCHED = {
        "cooperative": "Une campagne lancée reste à sa coopérative.",
        "questionnaire": (
            "Le questionnaire d'une campagne lancée ne change plus : des personnes y répondent."
        ),
        "kind": "Le type d'une campagne lancée ne change plus.",
        "key_step": (
            "L'étape clé d'une campagne lancée ne change plus : elle désigne qui est invité."
        ),
        "days_after_step": (
            "Le délai après l'étape d'une campagne lancée ne change plus : il fixe qui est invité "
            "et quand."
        ),
        "opens_on": (
            "L'ouverture d'une campagne lancée ne change plus : les invitations en dépendent."
        ),
        "anonymous": (
            "L'anonymat d'une campagne lancée ne change plus : les personnes invitées répondent "
            "sous cette promesse."
        ),
        "population": (
            "La population d'une campagne lancée ne change plus : ses invitations sont faites."
        ),
    }
    CLOSES_LATER = (
        "La clôture d'une campagne lancée peut être avancée, pas repoussée : chaque invitation "
        "expire à la date annoncée dans son e-mail."
    )
    CLOSES_IN_THE_PAST = "La clôture ne peut pas être avancée avant aujourd'hui."

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuse what may not change on a launched campaign (compared with the stored row)."""
        fixed = {
            name: cast(models.Field, self._meta.get_field(name)).attname
            for name in self.FIXED_ONCE_LAUNCHED
        }
        stored = None
        if self.pk is not None:
            launched = Campaign.objects.filter(pk=self.pk, launched_at__isnull=False)
            stored = launched.values("closes_on", *fixed.values()).first()
        if stored is None:  # not launched: anything may change
            return
        errors = {
            name: message
            for name, message in self.FIXED_ONCE_LAUNCHED.items()
            if getattr(self, fixed[name]) != stored[fixed[name]]
        }
        if self.closes_on is not None and self.closes_on != stored["closes_on"]:
            if self.closes_on > stored["closes_on"]:
                errors["closes_on"] = self.CLOSES_LATER
            elif self.closes_on < timezone.localdate():
                errors["closes_on"] = self.CLOSES_IN_THE_PAST
        if errors:
            raise ValidationError(errors)

    def status(self, today: dt.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.launched_at is None:
            return self.Status.DRAFT
        if today < self.opens_on:
            return self.Status.SCHEDULED
        if today > self.closes_on:
            return self.Status.CLOSED
        return self.Status.OPEN

    def get_status_display(self) -> str:
        return self.Status(self.status()).label

    def is_open(self, today: dt.date | None = None) -> bool:
        return self.status(today) == self.Status.OPEN

    def key_step_dates(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The step dates of the buyers a key-step campaign has invited by `today`: from its
        opening to today (at most its closing), both `days_after_step` earlier. A buyer whose
        step came before the campaign opened is not invited."""
        delay = dt.timedelta(days=self.days_after_step)
        return self.opens_on - delay, min(today, self.closes_on) - delay

    def population_buyers(self, today: dt.date | None = None) -> QuerySet[Buyer]:
        """The portal's buyers matching the population filter (programmes, journey steps)."""
        today = today or timezone.localdate()
        buyers = Buyer.objects.for_cooperative(self.cooperative_id).select_related("lot")
        programmes = self.population.get("programmes") or []
        if programmes:
            buyers = buyers.filter(lot__programme_id__in=programmes)
        steps = self.population.get("steps") or []
        if steps:
            conditions = journey_step_conditions(today)
            q = conditions[JourneyStep(steps[0])]
            for step in steps[1:]:
                q |= conditions[JourneyStep(step)]
            buyers = buyers.filter(q)
        return buyers

    @property
    def export_permission(self) -> Permission:
        """What it takes to download the exports (one row per response). A nominative
        campaign's rows carry the buyers' names: only those who read buyers' personal data. An
        anonymous campaign's rows name nobody: whoever reads its results page."""
        return Permission.READ if self.anonymous else Permission.READ_BUYERS

    @property
    def closes_at(self) -> dt.datetime:
        """End of the closing day, in the portal's time zone."""
        end = dt.datetime.combine(self.closes_on, dt.time.max)
        return timezone.make_aware(end)


class InvitationQuerySet(TenantQuerySet):
    def answered(self) -> InvitationQuerySet:
        return self.filter(answered_at__isnull=False)

    def reachable(self) -> InvitationQuerySet:
        """Invitations one may still write to: an address, not answered, not unsubscribed."""
        return self.exclude(email="").filter(answered_at__isnull=True, unsubscribed_at__isnull=True)


class Invitation(models.Model):
    """One person invited to one campaign, reached by an unguessable token."""

    cooperative_path = "campaign__cooperative"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    buyer = models.ForeignKey(
        Buyer, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lot_code = models.CharField("lot", max_length=30, blank=True)
    last_name = models.CharField("nom", max_length=150)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    # What the invitation is about when a buyer may be invited more than once to a campaign:
    # after an intervention, the claim ("SAV-000042 — Plomberie, sanitaires"). Empty otherwise.
    subject = models.CharField("objet", max_length=200, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # The indexed part of the token used to find the row; the whole token is then compared in
    # constant time (see enquetes.answering.tokens).
    token_prefix = models.GeneratedField(
        expression=Left("token", TOKEN_PREFIX_LENGTH),
        output_field=models.CharField(max_length=TOKEN_PREFIX_LENGTH),
        db_persist=True,
    )
    expires_at = models.DateTimeField("expire le")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField("réponse commencée", null=True, blank=True)
    answered_at = models.DateTimeField("réponse envoyée", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("désinscrit", null=True, blank=True)
    # Answers saved page by page while the buyer is answering ({question id: values or text});
    # they become a Response with its Answer rows at submission, and the draft is emptied.
    draft = models.JSONField("réponses en cours", default=dict, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        ordering = ["campaign", "last_name", "first_name"]
        indexes = [models.Index(fields=["token_prefix"], name="invitation_token_prefix")]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "buyer", "subject"],
                condition=Q(buyer__isnull=False),
                name="invitation_one_per_buyer_subject_and_campaign",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) > self.expires_at


# Both bases have their own typed as_manager() in django-stubs: the override is only on paper.
class MessageQuerySet(TenantQuerySet, OutboxQuerySet):  # type: ignore[override]
    pass


class Message(OutboxMessage):
    """One intended e-mail to an invitee: number 0 is the invitation, 1.. the reminders.

    The first kind of the outbox (`coopqualite.outbox`): the row is written before anything is
    sent, claimed by one sender, and its state says honestly what became of it. The kind itself
    (how the e-mail is built, when it is cancelled) is in `enquetes.services.sending`.
    """

    cooperative_path = "invitation__campaign__cooperative"

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="messages")
    number = models.PositiveSmallIntegerField("numéro")

    objects = MessageQuerySet.as_manager()

    class Meta(OutboxMessage.Meta):
        verbose_name = "message"
        ordering = ["invitation", "number"]
        constraints = [
            *OutboxMessage.Meta.constraints,
            models.UniqueConstraint(
                fields=["invitation", "number"], name="message_one_per_invitation_and_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{'Relance ' + str(self.number) if self.number else 'Invitation'} ({self.status})"


class PopulationImport(models.Model):
    """A parsed buyer file waiting for confirmation: nothing is written before the user confirms,
    and then every row or none. Deleted once written, replaced by the same user's next file
    while not confirmed, purged after a day (`population_imports_purge`)."""

    cooperative_path = "campaign__cooperative"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=255)
    rows = models.JSONField(default=list)
    report = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, by the conditional update that creates its job (`PopulationImportJob`).
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "import de population"

    def __str__(self) -> str:
        return self.filename


class PopulationImportJob(Job):
    """Writing a confirmed population file in the background (`coopqualite.jobs`): buyers, then
    invitations. It outlives the file (deleted with the writes): `preview_id` names it, once,
    and `added` counts the invitations."""

    cooperative_path = "campaign__cooperative"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="import_jobs")
    preview_id = models.BigIntegerField("fichier vérifié")
    filename = models.CharField("fichier", max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added = models.PositiveIntegerField("invitations ajoutées", default=0)

    objects = TenantQuerySet.as_manager()

    class Meta(Job.Meta):
        verbose_name = "écriture d'un import de population"
        constraints = [
            *Job.Meta.constraints,
            models.UniqueConstraint(
                fields=["preview_id"],
                name="population_import_job_one_per_file",
                violation_error_message="Ce fichier est déjà en cours d'import.",
            ),
        ]

    def __str__(self) -> str:
        return self.filename
