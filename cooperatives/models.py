"""The tenancy: federations, cooperatives, their users, programmes, lots and buyers.

This app knows no feature. Every record of the other apps belongs to one cooperative, and every
staff query goes through `TenantQuerySet.visible_to(user)`, the one scoping mechanism.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import ClassVar

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from coopqualite.jobs.models import Job
from coopqualite.outbox.models import OutboxMessage, OutboxQuerySet


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

    def read_by(self, request) -> TenantQuerySet:
        """Rows of the page's cooperative: those the user may read, of the cooperative they
        chose if they read several (`cooperatives.access.cooperative_chosen`)."""
        rows = self.visible_to(request.user)
        chosen = getattr(request, "chosen_cooperative", None)
        return rows.for_cooperative(chosen) if chosen is not None else rows


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
    APPROVE_REPORTS = "approve_reports", "rédiger et approuver le rapport annuel"
    READ_FEDERATION = "read_federation", "lire les tableaux de bord de la fédération"
    ADMINISTER_FEDERATION = (
        "administer_federation",
        "créer les coopératives de la fédération et leur premier dirigeant",
    )


class UserQuerySet(TenantQuerySet):
    def active_directors(self) -> UserQuerySet:
        return self.filter(role=User.Role.DIRECTOR, is_active=True)


class TenantUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """Django's user manager (create_user, natural keys) with the tenancy vocabulary."""


class User(AbstractUser):
    """A person with an account: staff, director, board member or federation reader.

    Buyers have no account: they reach surveys by token. A director manages the accounts of
    their cooperative (`cooperatives.services.accounts`); a federation reader with
    `is_federation_admin` also creates the cooperatives of their federation and their first
    director (a flag, not a role: they read exactly what a federation reader reads).
    """

    cooperative_path = "cooperative"

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
    is_federation_admin = models.BooleanField(
        "administrateur de la fédération",
        default=False,
        help_text="Crée les coopératives de sa fédération et leur premier dirigeant.",
    )
    # Wrong second-factor codes in a row, and the lock they led to (cooperatives.two_factor).
    second_factor_failures = models.PositiveSmallIntegerField(
        "codes de double authentification erronés", default=0
    )
    second_factor_locked_until = models.DateTimeField(
        "double authentification bloquée jusqu'au", null=True, blank=True
    )

    objects: ClassVar[TenantUserManager] = TenantUserManager()

    class Meta:
        verbose_name = "utilisateur"
        constraints = [
            models.CheckConstraint(
                name="user_federation_admin_reads_the_federation",
                condition=Q(is_federation_admin=False) | Q(role="federation"),
                violation_error_message=(
                    "Seul un utilisateur de la fédération peut l'administrer."
                ),
            ),
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
                Permission.APPROVE_REPORTS,
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
        granted = self.ROLE_PERMISSIONS[self.role]
        if self.is_federation_admin and self.role == self.Role.FEDERATION:
            granted |= {Permission.ADMINISTER_FEDERATION}
        return granted

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

    @property
    def reads_one_cooperative(self) -> bool:
        return self._tenant()[0] == "pk"

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
    """A development (opération) of N lots, with the interlocutor of its buyers."""

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
    interlocutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="interlocuteur unique",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=(
            "Le collaborateur qui suit les acquéreurs du programme, de la réservation à la "
            "livraison. Un acquéreur peut avoir le sien."
        ),
    )

    objects = TenantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "programme"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "name"],
                name="programme_unique_name_per_cooperative",
                violation_error_message="Un programme de la coopérative porte déjà ce nom.",
            ),
            models.UniqueConstraint(
                fields=["cooperative", "code"],
                name="programme_unique_code_per_cooperative",
                violation_error_message="Un programme de la coopérative a déjà ce code.",
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
    history = HistoricalRecords()

    class Meta:
        verbose_name = "lot"
        ordering = ["programme", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"],
                name="lot_unique_code_per_programme",
                violation_error_message="Ce programme a déjà un lot de ce code.",
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


def interlocutor_choices(cooperative_id: int) -> models.QuerySet[User]:
    """Who may be named interlocutor of buyers: the active users of the cooperative whose role
    keeps its records (`Permission.EDIT`), by name."""
    roles = [role for role, granted in User.ROLE_PERMISSIONS.items() if Permission.EDIT in granted]
    return User.objects.filter(
        cooperative_id=cooperative_id, role__in=roles, is_active=True
    ).order_by("last_name", "first_name", "username")


# How long after delivery the courtesy visit is due (Quali'Hlm: within 2 months of moving in).
COURTESY_VISIT_WITHIN = relativedelta(months=2)


def courtesy_visit_deadline(delivery: dt.date) -> dt.date:
    """The last day of the courtesy visit owed to a household delivered on `delivery`."""
    return delivery + COURTESY_VISIT_WITHIN


# The order of the journey dates, stated once: (earlier, later, constraint name, message). The
# database checks each pair with a named constraint; model forms get its message from the
# constraint, buyer files from `Buyer.journey_date_errors`. No rule orders the deed and the
# delivery: in a lease-then-buy (PSLA) the household moves in before it buys.
JOURNEY_DATE_ORDER = (
    ("reservation_date", "deed_date", "buyer_deed_after_reservation",
     "L'acte ne peut précéder le contrat de réservation."),
    ("reservation_date", "delivery_date", "buyer_delivery_after_reservation",
     "La livraison ne peut précéder la réservation."),
    ("delivery_date", "perfect_completion_end", "buyer_completion_after_delivery",
     "La fin du parfait achèvement ne peut précéder la livraison."),
    ("delivery_date", "courtesy_visit_date", "buyer_courtesy_visit_after_delivery",
     "La visite de courtoisie ne peut précéder la livraison."),
)  # fmt: skip
ANNOUNCEMENT_WITHOUT_DATE = (
    "Le mois de livraison annoncé va avec la date de l'annonce : indiquez les deux."
)


def _date_order_constraint(earlier: str, later: str, name: str, message: str):
    return models.CheckConstraint(
        name=name,
        condition=Q(**{f"{later}__isnull": True})
        | Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__gte": F(earlier)}),
        violation_error_message=message,
    )


class BuyerQuerySet(TenantQuerySet):
    def at_step(self, step: str, today: dt.date | None = None) -> BuyerQuerySet:
        today = today or timezone.localdate()
        return self.filter(journey_step_conditions(today)[JourneyStep(step)])


class Buyer(models.Model):
    """A buying household (acquéreur) of one lot, with the dates of its journey.

    No account, no password: buyers answer surveys through token links. Staff change buyers
    through `cooperatives.services.buyers` (one at a time or from a buyer file), which keeps
    the history of every change and the log of the delivery month's announcements.
    """

    cooperative_path = "lot__programme__cooperative"

    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, related_name="buyers", verbose_name="lot"
    )
    last_name = models.CharField("nom", max_length=150)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    interlocutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="interlocuteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Seulement s'il n'est pas celui du programme.",
    )

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
    courtesy_visit_date = models.DateField("visite de courtoisie", null=True, blank=True)
    perfect_completion_end = models.DateField(
        "fin de l'année de parfait achèvement", null=True, blank=True
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BuyerQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    JOURNEY_DATES = (
        "reservation_date", "deed_date", "delivery_month_announced",
        "delivery_month_announced_on", "delivery_date", "courtesy_visit_date",
        "perfect_completion_end",
    )  # fmt: skip

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
            *(_date_order_constraint(*rule) for rule in JOURNEY_DATE_ORDER),
            models.CheckConstraint(
                name="buyer_delivery_month_announced_with_its_date",
                condition=Q(
                    delivery_month_announced__isnull=True,
                    delivery_month_announced_on__isnull=True,
                )
                | Q(
                    delivery_month_announced__isnull=False,
                    delivery_month_announced_on__isnull=False,
                ),
                violation_error_message=ANNOUNCEMENT_WITHOUT_DATE,
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

    @staticmethod
    def journey_date_errors(dates: Mapping[str, dt.date | None]) -> list[tuple[str, str]]:
        """(field, French message) for each rule of the journey dates that `dates` break: the
        same rules as the database constraints, for rows checked before anything is written."""
        errors = []
        for earlier, later, _, message in JOURNEY_DATE_ORDER:
            first, then = dates.get(earlier), dates.get(later)
            if first is not None and then is not None and then < first:
                errors.append((later, message))
        month, announced_on = (
            dates.get("delivery_month_announced"),
            dates.get("delivery_month_announced_on"),
        )
        if (month is None) != (announced_on is None):
            errors.append(("delivery_month_announced_on", ANNOUNCEMENT_WITHOUT_DATE))
        return errors

    @staticmethod
    def named_interlocutor_q(prefix: str = "") -> Q:
        """Buyers followed by a named interlocutor: their own, or else their programme's; a
        deactivated user (gone from the cooperative) names nobody. `interlocutor_in_charge`
        is the same rule for one buyer."""
        return Q(**{f"{prefix}interlocutor__is_active": True}) | Q(
            **{
                f"{prefix}interlocutor__isnull": True,
                f"{prefix}lot__programme__interlocutor__is_active": True,
            }
        )

    @property
    def interlocutor_in_charge(self) -> User | None:
        """The buyer's own interlocutor, or else their programme's; None when that person is
        no longer active. Select `interlocutor` and `lot__programme__interlocutor` with it."""
        chosen = self.interlocutor if self.interlocutor_id else self.lot.programme.interlocutor
        return chosen if chosen is not None and chosen.is_active else None


class DeliveryAnnouncement(models.Model):
    """The delivery month as announced to a buyer on a day: the buyer's space lists them, each
    change of the month included. The buyer's `delivery_month_announced(_on)` are the last one.

    Written by `cooperatives.services.buyers` only: a new row when both the month and the day of
    the announcement change; a change of one of them corrects the last row (a typing mistake);
    clearing the month withdraws every row (it was entered by mistake).
    """

    cooperative_path = "buyer__lot__programme__cooperative"

    buyer = models.ForeignKey(
        Buyer, on_delete=models.CASCADE, related_name="delivery_announcements"
    )
    month = models.DateField("mois de livraison annoncé", help_text="Premier jour du mois.")
    announced_on = models.DateField("annoncé le")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="saisi par",
    )
    recorded_at = models.DateTimeField("saisi le", default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "annonce du mois de livraison"
        verbose_name_plural = "annonces du mois de livraison"
        ordering = ["buyer", "announced_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "announced_on"],
                name="delivery_announcement_one_per_buyer_and_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} (annoncé le {self.announced_on:%d/%m/%Y})"


class BuyerImport(models.Model):
    """A buyer file read and checked, waiting for the user who sent it to confirm it: nothing
    is written before, then every row or none (`cooperatives.services.buyer_import`). Its rows
    hold personal data: deleted once written, replaced by the same user's next file while not
    confirmed, purged after a day (`buyer_imports_purge`)."""

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    rows = models.JSONField(default=list)
    report = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, by the conditional update that creates its job (`BuyerImportJob`).
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "import d'acquéreurs"
        verbose_name_plural = "imports d'acquéreurs"

    def __str__(self) -> str:
        return self.filename


class BuyerImportJob(Job):
    """Writing a confirmed buyer file, in the background (`coopqualite.jobs`). It outlives the
    file it writes (deleted with the writes): `preview_id` names it, once (a second confirmation
    finds this job), and `result` keeps the counts."""

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    preview_id = models.BigIntegerField("fichier vérifié")
    filename = models.CharField("fichier", max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    result = models.JSONField("résultat", default=dict, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta(Job.Meta):
        verbose_name = "écriture d'un fichier d'acquéreurs"
        verbose_name_plural = "écritures de fichiers d'acquéreurs"
        constraints = [
            *Job.Meta.constraints,
            models.UniqueConstraint(
                fields=["preview_id"],
                name="buyer_import_job_one_per_file",
                violation_error_message="Ce fichier est déjà en cours d'import.",
            ),
        ]

    def __str__(self) -> str:
        return self.filename


# Accounts run in the portal ---------------------------------------------------------------------


class AccountChange(models.Model):
    """One change to an account made in the portal: who, when, what, from what to what.

    Written by `cooperatives.services.accounts` in the transaction of the change. An explicit
    log rather than django-simple-history on User: a user row changes at every sign-in
    (last_login), and the few changes that matter read better as sentences.
    """

    class Action(models.TextChoices):
        INVITED = "invited", "Invitation"
        ROLE_CHANGED = "role_changed", "Changement de rôle"
        DEACTIVATED = "deactivated", "Désactivation"
        REACTIVATED = "reactivated", "Réactivation"
        INVITATION_RESENT = "invitation_resent", "Nouvelle invitation"
        SECOND_FACTOR_RESET = "second_factor_reset", "Double authentification réinitialisée"

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="+", verbose_name="coopérative"
    )
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="account_changes", verbose_name="compte"
    )
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
        help_text="Vide : un opérateur (commande, administration).",
    )
    at = models.DateTimeField("le")
    action = models.CharField("changement", max_length=30, choices=Action.choices)
    before = models.CharField("avant", max_length=200, blank=True)
    after = models.CharField("après", max_length=200, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "changement de compte"
        verbose_name_plural = "changements de comptes"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "at"], name="account_change_user_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.user_id})"


class AccountInvitationQuerySet(TenantQuerySet, OutboxQuerySet):  # type: ignore[override]
    pass


class AccountInvitation(OutboxMessage):
    """The e-mail that invites a person to choose their password: a kind of the outbox
    (`coopqualite.outbox`), built at sending time with Django's password-reset token (single
    use: it dies with the first password; expiring: PASSWORD_RESET_TIMEOUT). The kind is
    `cooperatives.services.accounts.ACCOUNT_INVITATIONS`."""

    cooperative_path = "user__cooperative"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AccountInvitationQuerySet.as_manager()

    class Meta(OutboxMessage.Meta):
        verbose_name = "invitation à un compte"
        ordering = ["-created_at"]
        # The outbox's indexes, named within the 30 characters Django allows.
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="account_invitation_due"),
            models.Index(fields=["status", "claimed_at"], name="account_invitation_claim"),
        ]

    def __str__(self) -> str:
        return f"Invitation ({self.status})"
