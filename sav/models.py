"""After-sales: the companies that intervene, each cooperative's service level, claims (reserves
at delivery included) with the timeline of their steps, and the e-mails they send.

The rules (guarantees, working days, deadlines, transitions) are in `sav.rules`; every write is a
service of `sav.services`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from cooperatives.models import Buyer, Cooperative, Lot, TenantQuerySet
from coopqualite.outbox.models import OutboxMessage, OutboxQuerySet
from coopqualite.storage import private_storage
from engagements.models import Action
from sav import rules
from sav.rules import Category, Guarantee, Status


class Company(models.Model):
    """A company that intervenes on claims (its trade, its contact). No account: it is sent a
    signed link to its list of reserves."""

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="+", verbose_name="coopérative"
    )
    name = models.CharField("raison sociale", max_length=200)
    trade = models.CharField("corps d'état", max_length=120, blank=True)
    contact_name = models.CharField("contact", max_length=150, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "entreprise"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "name"],
                name="company_unique_name_per_cooperative",
                violation_error_message="Une entreprise de la coopérative porte déjà ce nom.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.trade})" if self.trade else self.name


class ServiceLevel(models.Model):
    """A cooperative's after-sales deadlines, in French working days (defaults: `sav.rules`)."""

    cooperative_path = "cooperative"

    cooperative = models.OneToOneField(
        Cooperative, on_delete=models.CASCADE, related_name="+", verbose_name="coopérative"
    )
    follow_up_days = models.PositiveSmallIntegerField(
        "suivi sous (jours ouvrés)", default=rules.FOLLOW_UP_DAYS
    )
    planning_days = models.PositiveSmallIntegerField(
        "intervention planifiée sous (jours ouvrés)", default=rules.PLANNING_DAYS
    )
    callback_days = models.PositiveSmallIntegerField(
        "rappel d'un acquéreur mécontent sous (jours ouvrés)", default=rules.CALLBACK_DAYS
    )
    auto_lift_days = models.PositiveSmallIntegerField(
        "levée sans réponse de l'acquéreur après (jours)", default=rules.AUTO_LIFT_DAYS
    )
    # The closed loop's threshold (sav.services.callbacks).
    callback_unhappy = models.BooleanField(
        "rappeler après « Peu » ou « Pas du tout satisfait »", default=True
    )
    callback_nps_max = models.PositiveSmallIntegerField(
        "rappeler après une recommandation inférieure ou égale à", null=True, blank=True, default=6
    )
    callback_comment = models.BooleanField("rappeler après un commentaire", default=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "niveau de service SAV"

    def __str__(self) -> str:
        return f"Suivi sous {self.follow_up_days} j, intervention sous {self.planning_days} j"

    @classmethod
    def of(cls, cooperative_id: int) -> ServiceLevel:
        """The cooperative's service level, or the defaults (not saved)."""
        found = cls.objects.filter(cooperative_id=cooperative_id).first()
        return found or cls(cooperative_id=cooperative_id)


class ClaimQuerySet(TenantQuerySet):
    def open(self) -> ClaimQuerySet:
        return self.filter(status__in=rules.OPEN_STATUSES)

    def overdue(self, today: dt.date) -> ClaimQuerySet:
        return self.filter(rules.overdue_q(today))


class Claim(models.Model):
    """A disorder reported on a lot: a reserve of the delivery report, or a claim of the buyer
    (from their space, or taken by staff from a call, a letter or an e-mail).

    Its guarantee is derived when it is filed (`rules.coverage`) and kept with its explanation.
    `follow_up_due` and `planning_due` are the deadlines of the service level, moved by the
    pauses while waiting on the buyer (`waiting_since`)."""

    class Channel(models.TextChoices):
        DELIVERY_REPORT = "delivery_report", "Procès-verbal de livraison"
        SPACE = "space", "Espace acquéreur"
        PHONE = "phone", "Appel"
        LETTER = "letter", "Courrier"
        EMAIL = "email", "E-mail"

    Status = Status
    Category = Category
    Guarantee = Guarantee

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="+", verbose_name="coopérative"
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+", verbose_name="lot")
    buyer = models.ForeignKey(
        Buyer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name="acquéreur",
    )
    channel = models.CharField("canal", max_length=20, choices=Channel.choices)
    room = models.CharField("pièce", max_length=80, blank=True)
    category = models.CharField("catégorie", max_length=20, choices=Category.choices)
    description = models.TextField("description", max_length=4000)
    guarantee = models.CharField("garantie", max_length=20, choices=Guarantee.choices)
    guarantee_until = models.DateField("garantie jusqu'au", null=True, blank=True)
    guarantee_explanation = models.CharField("garantie (explication)", max_length=400)

    status = models.CharField("état", max_length=20, choices=Status.choices)
    received_at = models.DateTimeField("reçue le")
    acknowledged_at = models.DateTimeField("accusé de réception le", null=True, blank=True)
    qualified_at = models.DateTimeField("qualifiée le", null=True, blank=True)
    refusal_reason = models.CharField("motif du refus", max_length=400, blank=True)
    assigned_at = models.DateTimeField("affectée le", null=True, blank=True)
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name="entreprise",
    )
    intervention_on = models.DateField("intervention prévue le", null=True, blank=True)
    done_at = models.DateTimeField("intervention réalisée le", null=True, blank=True)
    lifted_at = models.DateTimeField("levée le", null=True, blank=True)
    lifted_automatically = models.BooleanField("levée sans réponse", default=False)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="responsable",
    )

    # The buyer's invitation to the after-intervention survey, made when the claim was closed
    # (`sav.services.surveys`): one per claim, and an invitation belongs to one claim.
    survey_invitation = models.OneToOneField(
        "enquetes.Invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="invitation à l'enquête après intervention",
    )

    follow_up_due = models.DateField("suivi dû le")
    planning_due = models.DateField("planification due le")
    waiting_since = models.DateField("en attente de l'acquéreur depuis", null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = "réclamation"
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["cooperative", "-received_at"], name="claim_inbox"),
            models.Index(fields=["cooperative", "status", "follow_up_due"], name="claim_follow_up"),
            models.Index(fields=["cooperative", "status", "planning_due"], name="claim_planning"),
            models.Index(fields=["assignee", "status"], name="claim_assignee"),
        ]
        constraints = [
            models.CheckConstraint(
                name="claim_refused_has_reason",
                condition=~Q(status=Status.REFUSED) | ~Q(refusal_reason=""),
                violation_error_message="Un refus est motivé.",
            ),
            models.CheckConstraint(
                name="claim_assigned_has_company_and_date",
                condition=~Q(status=Status.ASSIGNED)
                | Q(company__isnull=False, intervention_on__isnull=False),
                violation_error_message="Une intervention planifiée a une entreprise et une date.",
            ),
            models.CheckConstraint(
                name="claim_status_known",
                condition=Q(status__in=Status.values),
                violation_error_message="État de réclamation inconnu.",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return claim_reference(self.pk) if self.pk else "SAV"

    @property
    def is_open(self) -> bool:
        return self.status in rules.OPEN_STATUSES

    def next_due(self) -> dt.date | None:
        """The deadline the claim owes next (None: none, or paused)."""
        return rules.next_due(
            self.status, self.waiting_since, self.follow_up_due, self.planning_due
        )

    def is_overdue(self, today: dt.date) -> bool:
        due = self.next_due()
        return due is not None and due < today


def claim_reference(pk: int) -> str:
    """How people name a claim: "SAV-000042"."""
    return f"SAV-{pk:06d}"


def get_claim_storage():
    # A callable keeps the machine's path out of the migrations (as rapports.get_report_storage).
    return private_storage


MAX_PHOTOS = 5


class ClaimPhoto(models.Model):
    """A photo the buyer joined to their claim: re-encoded JPEG, without metadata
    (`chantiers.content.photo_process`), served only to the household and to staff."""

    cooperative_path = "claim__cooperative"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(storage=get_claim_storage, upload_to="claims/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "photo de réclamation"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Photo {self.pk}"


class ClaimEvent(models.Model):
    """One step of a claim's timeline: what happened, when, by whom, with a comment."""

    class Kind(models.TextChoices):
        RECEIVED = "received", "Reçue"
        ACKNOWLEDGED = "acknowledged", "Accusé de réception"
        ACCEPTED = "accepted", "Acceptée"
        REFUSED = "refused", "Refusée"
        ASSIGNED = "assigned", "Intervention planifiée"
        DONE = "done", "Intervention réalisée"
        LIFTED = "lifted", "Levée"
        CONTESTED = "contested", "Contestée"
        CLOSED = "closed", "Close"
        WAITING = "waiting", "En attente de l'acquéreur"
        RESUMED = "resumed", "Reprise après attente"
        NOTE = "note", "Note"

    class Actor(models.TextChoices):
        STAFF = "staff", "Coopérative"
        BUYER = "buyer", "Acquéreur"
        COMPANY = "company", "Entreprise"
        SYSTEM = "system", "Automatique"

    cooperative_path = "claim__cooperative"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("étape", max_length=20, choices=Kind.choices)
    at = models.DateTimeField("le")
    actor = models.CharField("par", max_length=10, choices=Actor.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="collaborateur",
    )
    comment = models.TextField("commentaire", blank=True, max_length=2000)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "étape de réclamation"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["claim", "at"], name="claim_event_timeline")]

    def __str__(self) -> str:
        return self.get_kind_display()


class ClaimMessageQuerySet(TenantQuerySet, OutboxQuerySet):  # type: ignore[override]
    pass


class ClaimMessage(OutboxMessage):
    """The e-mail to the buyer about one step of a claim (a kind of the outbox)."""

    cooperative_path = "event__claim__cooperative"

    event = models.OneToOneField(ClaimEvent, on_delete=models.CASCADE, related_name="message")

    objects = ClaimMessageQuerySet.as_manager()

    class Meta(OutboxMessage.Meta):
        verbose_name = "e-mail de réclamation"
        verbose_name_plural = "e-mails de réclamation"


class DigestMessage(OutboxMessage):
    """The daily digest of one person responsible for claims (a kind of the outbox): one row
    per person and day, so that a digest is never sent twice."""

    cooperative_path = "user__cooperative"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField("jour")

    objects = ClaimMessageQuerySet.as_manager()

    class Meta(OutboxMessage.Meta):
        verbose_name = "récapitulatif SAV du jour"
        verbose_name_plural = "récapitulatifs SAV du jour"
        constraints = [
            *OutboxMessage.Meta.constraints,
            models.UniqueConstraint(fields=["user", "day"], name="sav_digest_one_per_user_and_day"),
        ]


class CallBackOutcome(models.TextChoices):
    REACHED = "reached", "Joint, explications données"
    SOLVED = "solved", "Joint, problème résolu"
    CLAIM = "claim", "Transformé en réclamation SAV"
    ACTION = "action", "Transformé en action du plan"
    UNREACHABLE = "unreachable", "Injoignable après plusieurs essais"


class CallBackQuerySet(TenantQuerySet):
    def pending(self) -> CallBackQuerySet:
        """No outcome recorded yet."""
        return self.filter(outcome="")

    def overdue(self, today: dt.date) -> CallBackQuerySet:
        return self.filter(rules.callback_overdue_q(today))


class CallBack(models.Model):
    """A call owed to an unhappy respondent of a nominative campaign who accepted to be
    contacted (`sav.services.callbacks`): opened in the after-sales inbox with its own deadline,
    assigned to the buyer's interlocutor, and its outcome recorded once (who, when; the claim or
    the action it turned into). Never for an anonymous campaign: its responses name nobody."""

    Outcome = CallBackOutcome

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="+", verbose_name="coopérative"
    )
    response = models.OneToOneField(
        "enquetes.Response", on_delete=models.CASCADE, related_name="+", verbose_name="réponse"
    )
    buyer = models.ForeignKey(
        Buyer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="acquéreur",
    )  # fmt: skip
    reasons = models.CharField("motifs", max_length=600)
    opened_at = models.DateTimeField("ouvert le")
    due = models.DateField("à rappeler avant le")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="responsable",
    )  # fmt: skip
    outcome = models.CharField("issue", max_length=20, choices=Outcome.choices, blank=True)
    outcome_at = models.DateTimeField("rappelé le", null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="par",
    )  # fmt: skip
    note = models.TextField("compte rendu", blank=True, max_length=2000)
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="réclamation",
    )  # fmt: skip
    action = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="action du plan",
    )  # fmt: skip

    objects = CallBackQuerySet.as_manager()

    class Meta:
        verbose_name = "rappel d'un acquéreur mécontent"
        verbose_name_plural = "rappels d'acquéreurs mécontents"
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["cooperative", "outcome", "due"], name="callback_list")]
        constraints = [
            models.CheckConstraint(
                name="callback_outcome_has_date",
                condition=Q(outcome="") | Q(outcome_at__isnull=False),
                violation_error_message="Une issue de rappel est datée.",
            ),
            models.CheckConstraint(
                name="callback_outcome_known",
                condition=Q(outcome="") | Q(outcome__in=CallBackOutcome.values),
                violation_error_message="Issue de rappel inconnue.",
            ),
        ]

    def __str__(self) -> str:
        return f"Rappel {self.pk}"

    @property
    def reference(self) -> str:
        return f"RAP-{self.pk:06d}" if self.pk else "RAP"

    def is_overdue(self, today: dt.date) -> bool:
        return not self.outcome and self.due < today

    def is_due_today(self, today: dt.date) -> bool:
        return not self.outcome and self.due == today

    def reason_list(self) -> list[str]:
        return [reason for reason in self.reasons.split("\n") if reason]

    def was_in_time(self) -> bool:
        """Called back (any outcome, "unreachable" included: the call was made) by the due day."""
        return rules.kept(self.outcome_at, self.due)
