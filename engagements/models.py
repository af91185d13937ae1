"""Commitments with proof: principles, commitments, indicators, measurements, actions, evidence."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cooperatives.models import Cooperative, TenantQuerySet
from coopqualite.formats import format_measure
from coopqualite.storage import private_storage
from engagements import periods


class Principle(models.Model):
    """One of the seven cooperative principles (fixed reference data, loaded by migration)."""

    code = models.SlugField(unique=True)
    name = models.CharField("nom", max_length=50, unique=True)
    description = models.TextField("description")
    position = models.PositiveSmallIntegerField("ordre", unique=True)

    class Meta:
        verbose_name = "principe coopératif"
        verbose_name_plural = "principes coopératifs"
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class IsoSubject(models.TextChoices):
    """The seven core subjects of ISO 26000, used to file RSE actions."""

    GOVERNANCE = "governance", "Gouvernance de l'organisation"
    HUMAN_RIGHTS = "human_rights", "Droits de l'Homme"
    LABOUR = "labour", "Relations et conditions de travail"
    ENVIRONMENT = "environment", "Environnement"
    FAIR_PRACTICES = "fair_practices", "Loyauté des pratiques"
    CONSUMERS = "consumers", "Questions relatives aux consommateurs"
    COMMUNITY = "community", "Communautés et développement local"


class Commitment(models.Model):
    """A commitment of a cooperative to its buyers, by default one of the 8 charter titles."""

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(
        Cooperative,
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name="coopérative",
    )
    number = models.PositiveSmallIntegerField("numéro")
    charter_number = models.PositiveSmallIntegerField(
        "engagement de la charte",
        null=True,
        blank=True,
        help_text="Numéro (1 à 8) de l'engagement de la charte Coop'HLM auquel il se mesure.",
    )
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("description", blank=True)
    principles = models.ManyToManyField(
        Principle, related_name="commitments", verbose_name="principes incarnés", blank=True
    )

    objects = TenantQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[principles])

    class Meta:
        verbose_name = "engagement"
        ordering = ["cooperative", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "number"], name="commitment_unique_number_per_cooperative"
            ),
            models.UniqueConstraint(
                fields=["cooperative", "charter_number"],
                name="commitment_unique_charter_number_per_cooperative",
            ),
            models.CheckConstraint(
                name="commitment_charter_number_1_to_8",
                condition=models.Q(charter_number__isnull=True)
                | models.Q(charter_number__gte=1, charter_number__lte=8),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Indicator(models.Model):
    """A measurable promise of a commitment: a figure per period against a target."""

    class Direction(models.TextChoices):
        HIGHER = "higher", "Plus c'est haut, mieux c'est"
        LOWER = "lower", "Plus c'est bas, mieux c'est"

    class Source(models.TextChoices):
        MANUAL = "manual", "Saisi par la coopérative"
        JOURNEY = "journey", "Calculé à partir des dates du parcours"
        SURVEY = "survey", "Calculé à partir des enquêtes"

    cooperative_path = "commitment__cooperative"

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="indicators", verbose_name="engagement"
    )
    name = models.CharField("intitulé", max_length=200)
    description = models.TextField("définition", blank=True)
    unit = models.CharField("unité", max_length=20, default="%", help_text="%, jours, nombre…")
    direction = models.CharField(
        "sens", max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    target = models.DecimalField("cible", max_digits=12, decimal_places=2)
    period = models.CharField(
        "période", max_length=10, choices=periods.Period.choices, default=periods.Period.QUARTER
    )
    source = models.CharField("source", max_length=10, choices=Source.choices, default="manual")
    journey_metric = models.CharField(
        "mesure du parcours",
        max_length=40,
        blank=True,
        help_text="Pour une source « parcours » : la mesure calculée.",
    )
    survey_selector = models.CharField(
        "question ou thème d'enquête",
        max_length=100,
        blank=True,
        help_text="Pour une source « enquêtes » : « question:CLE » ou « theme:CLE ».",
    )
    survey_feed = models.CharField(
        "campagnes qui l'alimentent",
        max_length=40,
        blank=True,
        help_text=(
            "Pour une source « enquêtes » : le type de campagne (et l'étape clé) dont les "
            "résultats comptent, une fois la campagne close."
        ),
    )
    survey_family = models.SlugField(
        "famille de questionnaire",
        max_length=60,
        blank=True,
        help_text="Pour une source « enquêtes » : vide, tout questionnaire de ce type compte.",
    )
    min_base = models.PositiveIntegerField(
        "base minimale (répondants)",
        null=True,
        blank=True,
        help_text=(
            "Pour une source « enquêtes » : en dessous, la période affiche « base "
            "insuffisante » et non un chiffre. Vide : la valeur par défaut du portail (30)."
        ),
    )
    tolerance = models.DecimalField(
        "marge « proche de la cible »",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=(
            "Écart à la cible, dans l'unité de l'indicateur, jusqu'auquel il est « proche de la "
            "cible » plutôt que « non atteint ». Vide : 5 % de la cible."
        ),
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    is_public = models.BooleanField(
        "publié", default=False, help_text="Affiché sur la page publique de transparence."
    )

    objects = TenantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "indicateur"
        ordering = ["commitment__number", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                name="indicator_journey_source_has_metric",
                condition=~Q(source="journey") | ~Q(journey_metric=""),
                violation_error_message="Choisissez la mesure du parcours à calculer.",
            ),
            models.CheckConstraint(
                name="indicator_survey_source_has_selector",
                condition=~Q(source="survey") | ~Q(survey_selector=""),
                violation_error_message="Indiquez la question ou le thème d'enquête.",
            ),
            models.CheckConstraint(
                name="indicator_survey_source_has_feed",
                condition=~Q(source="survey") | ~Q(survey_feed=""),
                violation_error_message="Choisissez les campagnes qui alimentent l'indicateur.",
            ),
            models.CheckConstraint(
                name="indicator_tolerance_not_negative",
                condition=Q(tolerance__isnull=True) | Q(tolerance__gte=0),
                violation_error_message="La marge « proche de la cible » ne peut être négative.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def target_text(self) -> str:
        """The target in words, with whether more or less is better: "92 jours au plus",
        "95 % au moins"."""
        bound = "au plus" if self.direction == self.Direction.LOWER else "au moins"
        return f"{format_measure(self.target)}\u00a0{self.unit} {bound}"

    @property
    def is_computed(self) -> bool:
        return self.source != self.Source.MANUAL


class Measurement(models.Model):
    """The value of an indicator for one period."""

    cooperative_path = "indicator__commitment__cooperative"

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements", verbose_name="indicateur"
    )
    period_start = models.DateField("début de période")
    value = models.DecimalField("valeur", max_digits=12, decimal_places=2)
    base = models.PositiveIntegerField(
        "base", null=True, blank=True, help_text="Effectif sur lequel la valeur est calculée."
    )
    comment = models.TextField("commentaire", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="saisi par",
    )
    entered_at = models.DateTimeField("saisi le", default=timezone.now)
    is_computed = models.BooleanField("calculé", default=False)
    awaiting_confirmation = models.BooleanField(
        "à confirmer",
        default=False,
        help_text=(
            "Valeur inhabituelle au regard de l'historique : ni la page publique ni le rapport "
            "ne la montrent avant qu'un collaborateur la confirme."
        ),
    )

    objects = TenantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "mesure"
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start"],
                name="measurement_one_per_indicator_period",
                violation_error_message="Une mesure existe déjà pour cette période.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} — {self.period_label}"

    @property
    def period_label(self) -> str:
        return periods.label(self.indicator.period, self.period_start)


class ActionQuerySet(TenantQuerySet):
    def open(self) -> ActionQuerySet:
        return self.filter(Action.open_q())

    def late(self, today: dt.date | None = None) -> ActionQuerySet:
        return self.filter(Action.late_q(today or timezone.localdate()))


class Action(models.Model):
    """An item of the action plan. "Late" is derived: open and past its due date.

    What "open" and "late" mean is stated here once: `OPEN_STATUSES`, the Q builders `open_q` /
    `late_q` (with a relation prefix for annotations through a relation, e.g. "actions__" from
    a commitment), used by `Action.objects.open()` / `.late()`, and `is_open` / `is_late` for
    one row.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", "Prévue"
        IN_PROGRESS = "in_progress", "En cours"
        DONE = "done", "Réalisée"
        ABANDONED = "abandoned", "Abandonnée"

    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="actions", verbose_name="coopérative"
    )
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("description", blank=True)
    commitments = models.ManyToManyField(
        Commitment, related_name="actions", verbose_name="engagements", blank=True
    )
    iso_subject = models.CharField(
        "domaine ISO 26000", max_length=20, choices=IsoSubject.choices, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_actions",
        verbose_name="responsable",
    )
    due_date = models.DateField("échéance", null=True, blank=True)
    status = models.CharField(
        "statut", max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    progress_note = models.TextField("point d'avancement", blank=True)
    completed_on = models.DateField("réalisée le", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[commitments], excluded_fields=["version"])

    class Meta:
        verbose_name = "action"
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["cooperative", "status", "due_date"])]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def open_q(cls, prefix: str = "") -> Q:
        """Open: planned or in progress."""
        return Q(**{f"{prefix}status__in": cls.OPEN_STATUSES})

    @classmethod
    def late_q(cls, today: dt.date, prefix: str = "") -> Q:
        """Late on `today`: due before that day and still open on it — open now, or done after
        that day (`completed_on`), so that a past day (the 31st of December of a report) reads
        as it stood then. An abandoned action has no date: it is never late."""
        done_later = Q(**{f"{prefix}status": cls.Status.DONE, f"{prefix}completed_on__gt": today})
        return (cls.open_q(prefix) | done_later) & Q(**{f"{prefix}due_date__lt": today})

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_late(self, today: dt.date | None = None) -> bool:
        """The same rule as `late_q`, for one action."""
        day = today or timezone.localdate()
        done_later = (
            self.status == self.Status.DONE
            and self.completed_on is not None
            and self.completed_on > day
        )
        return (self.is_open or done_later) and self.due_date is not None and self.due_date < day


def get_evidence_storage():
    # A callable keeps the machine's path out of the migrations.
    return private_storage


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    # The stored name never carries the user's file name (kept in original_name).
    return f"evidence/{instance.cooperative_id}/{timezone.now():%Y/%m}/{instance.storage_key}"


class Evidence(models.Model):
    """A proof: a file, a link or a dated note, attached to exactly one of an action, a
    measurement or a commitment."""

    class Kind(models.TextChoices):
        FILE = "file", "Fichier"
        LINK = "link", "Lien"
        NOTE = "note", "Note datée"

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="evidence", verbose_name="coopérative"
    )
    kind = models.CharField("type", max_length=10, choices=Kind.choices)
    title = models.CharField("titre", max_length=200)
    fact_date = models.DateField("date du fait", default=timezone.localdate)
    note = models.TextField("note", blank=True)
    url = models.URLField("lien", blank=True, max_length=500)
    file = models.FileField(
        "fichier", storage=get_evidence_storage, upload_to=evidence_upload_to, blank=True
    )
    storage_key = models.CharField(max_length=64, blank=True, editable=False)
    original_name = models.CharField("nom du fichier", max_length=255, blank=True)
    content_type = models.CharField("type de contenu", max_length=100, blank=True)
    size = models.PositiveIntegerField("taille (octets)", null=True, blank=True)
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    measurement = models.ForeignKey(
        Measurement, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ajouté par",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["storage_key"])

    class Meta:
        verbose_name = "preuve"
        ordering = ["-fact_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="evidence_attached_to_exactly_one",
                condition=(
                    Q(action__isnull=False, measurement__isnull=True, commitment__isnull=True)
                    | Q(action__isnull=True, measurement__isnull=False, commitment__isnull=True)
                    | Q(action__isnull=True, measurement__isnull=True, commitment__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="evidence_kind_has_its_content",
                condition=(
                    Q(kind="file", size__isnull=False)
                    | (Q(kind="link") & ~Q(url=""))
                    | (Q(kind="note") & ~Q(note=""))
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class IsoAssessment(models.Model):
    """The cooperative's self-assessment on one ISO 26000 core subject for a year: a score on a
    four-level maturity scale (`SCORES`), the evidence behind it, strengths and areas for
    progress; written by the director. A subject without a row is not assessed that year."""

    SCORES = {
        1: "Débutant : pratiques ponctuelles, pas encore de démarche",
        2: "En structuration : démarche engagée, premiers objectifs",
        3: "Maîtrisé : démarche déployée, suivie par des indicateurs",
        4: "Exemplaire : résultats reconnus, amélioration continue",
    }
    TOP_SCORE = 4

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="iso_assessments"
    )
    year = models.PositiveSmallIntegerField("année")
    subject = models.CharField("question centrale", max_length=20, choices=IsoSubject.choices)
    score = models.PositiveSmallIntegerField("note (1 à 4)", choices=list(SCORES.items()))
    evidence = models.TextField("éléments de preuve", blank=True)
    strengths = models.TextField("points forts", blank=True)
    progress_areas = models.TextField("axes de progrès", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "autoévaluation ISO 26000"
        verbose_name_plural = "autoévaluations ISO 26000"
        ordering = ["year", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "year", "subject"],
                name="one_iso_score_per_subject_and_year",
                violation_error_message="Cette question centrale est déjà notée pour cette année.",
            ),
            models.CheckConstraint(
                name="iso_score_between_1_and_4",
                condition=Q(score__gte=1, score__lte=4),
                violation_error_message="La note va de 1 à 4.",
            ),
            models.CheckConstraint(
                name="iso_assessment_year_is_plausible",
                condition=Q(year__gte=2000, year__lte=2100),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} {self.year} : {self.score}/4"
