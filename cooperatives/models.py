"""The tenancy: federations, cooperatives, their users, programmes, lots and buyers.

This app knows no feature. Every record of the other apps belongs to one cooperative, and every
staff query goes through `TenantQuerySet.visible_to(user)`, the one scoping mechanism.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class TenantQuerySet(models.QuerySet):
    """Query vocabulary shared by every model that belongs to a cooperative.

    A model using it names the path from itself to its cooperative in `cooperative_path`
    (for example "programme__cooperative").
    """

    def _path(self) -> str:
        return self.model.cooperative_path

    def for_cooperative(self, cooperative: Cooperative | int) -> TenantQuerySet:
        pk = cooperative if isinstance(cooperative, int) else cooperative.pk
        return self.filter(**{self._path(): pk})

    def visible_to(self, user) -> TenantQuerySet:
        """Rows the user may read: their cooperative's, or their federation's."""
        return self.filter(user.tenant_filter(self._path()))


class Federation(models.Model):
    """A regional or national federation of cooperatives (reads all of its members)."""

    name = models.CharField("nom", max_length=200, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        verbose_name = "fédération"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CooperativeQuerySet(models.QuerySet):
    def visible_to(self, user) -> CooperativeQuerySet:
        return self.filter(user.tenant_filter(""))


class Cooperative(models.Model):
    """The tenant: a Coop'HLM. It owns every domain record."""

    name = models.CharField("nom", max_length=200, unique=True)
    slug = models.SlugField(unique=True)
    federation = models.ForeignKey(
        Federation,
        verbose_name="fédération",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cooperatives",
    )
    city = models.CharField("ville du siège", max_length=120, blank=True)
    homes_count = models.PositiveIntegerField(
        "logements gérés",
        default=0,
        help_text="Nombre de logements concernés par les enquêtes (parc et accession).",
    )
    transparency_enabled = models.BooleanField(
        "page publique de transparence",
        default=False,
        help_text="Publie sans connexion les engagements et les derniers résultats publiés.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CooperativeQuerySet.as_manager()

    class Meta:
        verbose_name = "coopérative"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Permission(models.TextChoices):
    """What a user may do. Roles grant permissions (User.ROLE_PERMISSIONS); the label completes
    the sentence "Votre rôle ne permet pas de …"."""

    READ = "read", "lire les engagements, les actions, les preuves et les résultats d'enquête"
    READ_BUYERS = "read_buyers", "lire les données personnelles des acquéreurs"
    EDIT = "edit", "modifier les données de la coopérative"
    MANAGE = "manage", "gérer les paramètres de la coopérative"
    BUILD_REPORTS = "build_reports", "construire et télécharger le rapport annuel"
    READ_FEDERATION = "read_federation", "lire les tableaux de bord de la fédération"


class User(AbstractUser):
    """A person with an account: staff, director, board member or federation reader.

    Buyers have no account: they reach surveys by token.
    """

    class Role(models.TextChoices):
        STAFF = "staff", "Collaborateur"
        DIRECTOR = "director", "Dirigeant"
        BOARD = "board", "Administrateur"
        FEDERATION = "federation", "Fédération"

    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.STAFF)
    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name="coopérative",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    federation = models.ForeignKey(
        Federation,
        verbose_name="fédération",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    class Meta:
        verbose_name = "utilisateur"
        constraints = [
            models.CheckConstraint(
                name="user_role_has_its_tenant",
                condition=(
                    Q(is_superuser=True)
                    | Q(role="federation", federation__isnull=False, cooperative__isnull=True)
                    | (~Q(role="federation") & Q(cooperative__isnull=False))
                ),
                violation_error_message=(
                    "Un utilisateur de la fédération doit être rattaché à une fédération, "
                    "les autres à une coopérative."
                ),
            ),
        ]

    # The one table of what each role may do; docs/architecture.md ("Roles") shows it too.
    # EDIT implies READ_BUYERS: whoever keeps the cooperative's records handles its buyers.
    ROLE_PERMISSIONS: ClassVar[dict[str, frozenset[Permission]]] = {
        Role.STAFF: frozenset({Permission.READ, Permission.READ_BUYERS, Permission.EDIT}),
        Role.DIRECTOR: frozenset(
            {
                Permission.READ,
                Permission.READ_BUYERS,
                Permission.EDIT,
                Permission.MANAGE,
                Permission.BUILD_REPORTS,
            }
        ),
        Role.BOARD: frozenset({Permission.READ, Permission.BUILD_REPORTS}),
        Role.FEDERATION: frozenset(
            {Permission.READ, Permission.BUILD_REPORTS, Permission.READ_FEDERATION}
        ),
    }

    @property
    def permissions(self) -> frozenset[Permission]:
        """What the role grants. A superuser without a cooperative reads like a federation
        reader, over every cooperative."""
        if self.is_superuser and not self.cooperative_id:
            return self.ROLE_PERMISSIONS[self.Role.FEDERATION]
        return self.ROLE_PERMISSIONS[self.role]

    def may(self, permission: Permission, cooperative: Cooperative | None = None) -> bool:
        """May this user do `permission` on `cooperative`? Without a cooperative: on the
        cooperatives they read (their own, for a role of one cooperative).

        Views ask this (through cooperatives.access), never the role itself.
        """
        if permission not in self.permissions:
            return False
        return cooperative is None or self.reaches(cooperative)

    def _tenant(self) -> tuple[str | None, int | None]:
        """Which cooperatives this user reads, as (field of Cooperative, value): their own
        ("pk", id), those of their federation ("federation_id", id), every one for a superuser
        ("", None), none otherwise (None, None)."""
        if self.cooperative_id and self.role != self.Role.FEDERATION:
            return "pk", self.cooperative_id
        if self.role == self.Role.FEDERATION and self.federation_id:
            return "federation_id", self.federation_id
        return ("", None) if self.is_superuser else (None, None)

    def tenant_filter(self, path: str) -> Q:
        """The Q object that restricts a query to what this user may read.

        `path` leads from the queried model to its cooperative ("" for Cooperative itself).
        """
        field, value = self._tenant()
        if field is None:
            return Q(pk__in=[])
        if not field:
            return Q()
        return Q(**{f"{path}__{field}" if path else field: value})

    def reaches(self, cooperative: Cooperative) -> bool:
        """Whether `cooperative` is among those this user reads (tenant_filter, for one row)."""
        field, value = self._tenant()
        if field is None:
            return False
        return not field or getattr(cooperative, field) == value


class Programme(models.Model):
    """A development (opération) of N lots."""

    class Financing(models.TextChoices):
        VEFA = "vefa", "Accession sociale (VEFA)"
        PSLA = "psla", "PSLA (location-accession)"
        BRS = "brs", "BRS (bail réel solidaire)"
        TVA_REDUITE = "tva_reduite", "Accession à TVA réduite"

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="programmes", verbose_name="coopérative"
    )
    name = models.CharField("nom", max_length=200)
    code = models.CharField("code", max_length=20, help_text="Préfixe des lots, par ex. JDI.")
    city = models.CharField("commune", max_length=120, blank=True)
    financing = models.CharField(
        "dispositif", max_length=20, choices=Financing.choices, default=Financing.VEFA
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "programme"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "name"], name="programme_unique_name_per_cooperative"
            ),
            models.UniqueConstraint(
                fields=["cooperative", "code"], name="programme_unique_code_per_cooperative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Lot(models.Model):
    class Typology(models.TextChoices):
        T1 = "T1", "T1"
        T2 = "T2", "T2"
        T3 = "T3", "T3"
        T4 = "T4", "T4"
        T5 = "T5", "T5 et plus"

    cooperative_path = "programme__cooperative"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="lots", verbose_name="programme"
    )
    code = models.CharField("lot", max_length=30)
    typology = models.CharField("typologie", max_length=2, choices=Typology.choices, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "lot"
        ordering = ["programme", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"], name="lot_unique_code_per_programme"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class JourneyStep(models.TextChoices):
    """Where a buyer stands in the purchase, derived from the journey dates."""

    RESERVED = "reserved", "Réservation signée"
    DEED = "deed", "Acte authentique signé"
    PERFECT_COMPLETION = "perfect_completion", "Livré, année de parfait achèvement"
    COMPLETED = "completed", "Parfait achèvement terminé"


def journey_step_conditions(today: dt.date, prefix: str = "") -> dict[JourneyStep, Q]:
    """One Q per journey step, for buyers reached through `prefix` (e.g. "lots__buyers__")."""
    delivered = Q(**{f"{prefix}delivery_date__lte": today})
    completed = delivered & Q(**{f"{prefix}perfect_completion_end__lte": today})
    deed = Q(**{f"{prefix}deed_date__lte": today})
    return {
        JourneyStep.RESERVED: ~deed & ~delivered,
        JourneyStep.DEED: deed & ~delivered,
        JourneyStep.PERFECT_COMPLETION: delivered & ~completed,
        JourneyStep.COMPLETED: completed,
    }


class BuyerQuerySet(TenantQuerySet):
    def at_step(self, step: str, today: dt.date | None = None) -> BuyerQuerySet:
        today = today or timezone.localdate()
        return self.filter(journey_step_conditions(today)[JourneyStep(step)])


class Buyer(models.Model):
    """A buying household (acquéreur) of one lot, with the dates of its journey.

    No account, no password: buyers answer surveys through token links.
    """

    cooperative_path = "lot__programme__cooperative"

    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, related_name="buyers", verbose_name="lot"
    )
    last_name = models.CharField("nom", max_length=150)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)

    reservation_date = models.DateField("contrat de réservation", null=True, blank=True)
    deed_date = models.DateField("acte authentique", null=True, blank=True)
    delivery_month_announced = models.DateField(
        "mois de livraison annoncé",
        null=True,
        blank=True,
        help_text="Premier jour du mois de livraison confirmé à l'acquéreur.",
    )
    delivery_month_announced_on = models.DateField(
        "date de l'annonce du mois de livraison", null=True, blank=True
    )
    delivery_date = models.DateField("livraison", null=True, blank=True)
    perfect_completion_end = models.DateField(
        "fin de l'année de parfait achèvement", null=True, blank=True
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BuyerQuerySet.as_manager()

    class Meta:
        verbose_name = "acquéreur"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "email"],
                condition=~Q(email=""),
                name="buyer_unique_email_per_lot",
                violation_error_message="Cet acquéreur (même e-mail) est déjà rattaché à ce lot.",
            ),
            models.CheckConstraint(
                name="buyer_deed_after_reservation",
                condition=Q(deed_date__isnull=True)
                | Q(reservation_date__isnull=True)
                | Q(deed_date__gte=F("reservation_date")),
                violation_error_message="L'acte ne peut précéder le contrat de réservation.",
            ),
            models.CheckConstraint(
                name="buyer_delivery_after_reservation",
                condition=Q(delivery_date__isnull=True)
                | Q(reservation_date__isnull=True)
                | Q(delivery_date__gte=F("reservation_date")),
                violation_error_message="La livraison ne peut précéder la réservation.",
            ),
            models.CheckConstraint(
                name="buyer_completion_after_delivery",
                condition=Q(perfect_completion_end__isnull=True)
                | Q(delivery_date__isnull=True)
                | Q(perfect_completion_end__gte=F("delivery_date")),
                violation_error_message=(
                    "La fin du parfait achèvement ne peut précéder la livraison."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()

    def step(self, today: dt.date | None = None) -> JourneyStep:
        today = today or timezone.localdate()
        if self.delivery_date and self.delivery_date <= today:
            if self.perfect_completion_end and self.perfect_completion_end <= today:
                return JourneyStep.COMPLETED
            return JourneyStep.PERFECT_COMPLETION
        if self.deed_date and self.deed_date <= today:
            return JourneyStep.DEED
        return JourneyStep.RESERVED
