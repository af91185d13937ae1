"""Questionnaires: versions, sections, questions and their choices."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from cooperatives.models import Cooperative, TenantQuerySet
from engagements.models import Commitment


class SurveyKind(models.TextChoices):
    TRIENNIAL = "triennial", "Enquête triennale"
    KEY_STEP = "key_step", "Étape clé du parcours"
    NEW_OCCUPANT = "new_occupant", "Nouvel occupant"


class KeyStep(models.TextChoices):
    """Steps of the purchase after which a key-step survey is sent.

    The steps of the journey are dated on the buyer (`buyer_date_field`): the dispatch invites
    each buyer some days after that date. "After an intervention" is not: it is reached once
    per after-sales claim, when the claim is closed, and the after-sales app invites the buyer
    then (`sav.services.surveys`), one invitation per claim."""

    RESERVATION = "reservation", "Après la réservation"
    DELIVERY = "delivery", "Après la livraison"
    PERFECT_COMPLETION = "perfect_completion", "Fin de l'année de parfait achèvement"
    AFTER_INTERVENTION = "after_intervention", "Après une intervention du SAV"

    @property
    def is_dated(self) -> bool:
        """Whether the step is a date of the buyer's journey (the dispatch invites by it)."""
        return self.value in _BUYER_DATE_FIELDS

    @property
    def buyer_date_field(self) -> str:
        return _BUYER_DATE_FIELDS[self.value]

    @classmethod
    def dated(cls) -> list[str]:
        return [step.value for step in cls if step.is_dated]


_BUYER_DATE_FIELDS = {
    "reservation": "reservation_date",
    "delivery": "delivery_date",
    "perfect_completion": "perfect_completion_end",
}


class Theme(models.TextChoices):
    GENERAL = "general", "Satisfaction globale"
    HOME = "logement", "Qualité du logement"
    COMMON_AREAS = "parties_communes", "Parties communes"
    INFORMATION = "information", "Information pendant l'achat et les travaux"
    ADVICE = "accompagnement", "Accompagnement et conseil"
    DELIVERY = "livraison", "Livraison"
    AFTER_SALES = "sav", "Service après-vente"
    PRICE = "prix", "Rapport qualité-prix"
    RECOMMENDATION = "recommandation", "Recommandation"
    COMMENTS = "commentaires", "Commentaires"


class Questionnaire(models.Model):
    """One version of a questionnaire. Frozen once a campaign uses it: a change makes a new
    version of the same family, whose questions keep their keys so results stay comparable."""

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="questionnaires"
    )
    family = models.SlugField("famille", max_length=60)
    version = models.PositiveIntegerField("version", default=1)
    title = models.CharField("titre", max_length=200)
    introduction = models.TextField("introduction", blank=True)
    kind = models.CharField("type d'enquête", max_length=20, choices=SurveyKind.choices)
    frozen_at = models.DateTimeField("figé le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "questionnaire"
        ordering = ["family", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "family", "version"],
                name="questionnaire_unique_version_per_family",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    # What a frozen questionnaire keeps: people answer it and its results are read against it.
    FIXED_ONCE_FROZEN = ("cooperative", "family", "version", "title", "introduction", "kind")
    FROZEN = (
        "Ce questionnaire est figé : des campagnes l'utilisent. "
        "Créez-en une nouvelle version pour le modifier."
    )

    def clean(self) -> None:
        """Refuse any change to a frozen questionnaire (compared with the stored row), whatever
        the form: the builder makes a new version instead, and the admin shows it read-only."""
        if self.pk is None:
            return
        columns = [
            cast(models.Field, self._meta.get_field(n)).attname for n in self.FIXED_ONCE_FROZEN
        ]
        stored = (
            Questionnaire.objects.filter(pk=self.pk, frozen_at__isnull=False)
            .values("frozen_at", *columns)
            .first()
        )
        if stored is None:
            return
        changed = [
            name
            for name, column in zip(self.FIXED_ONCE_FROZEN, columns, strict=True)
            if getattr(self, column) != stored[column]
        ]
        if changed or self.frozen_at != stored["frozen_at"]:
            raise ValidationError(self.FROZEN)


class Section(models.Model):
    cooperative_path = "questionnaire__cooperative"

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField("titre", max_length=200)
    help_text = models.TextField("aide", blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "section"
        ordering = ["questionnaire", "position", "pk"]

    def __str__(self) -> str:
        return self.title


# The yes/no question "may the cooperative contact you back about your answers?" of the shipped
# templates. Asked only in a nominative campaign: an anonymous campaign promised that nobody
# would know who answered, so the question is never drawn there (`QuestionQuerySet.asked`), and
# the closed loop (`sav.services.callbacks`) never reads an anonymous campaign anyway.
CONSENT_KEY = "recontact"


class QuestionQuerySet(TenantQuerySet):
    def asked(self, *, anonymous: bool) -> QuestionQuerySet:
        """The questions a campaign asks: all of them, but the consent to be contacted back in
        an anonymous campaign."""
        return self.exclude(key=CONSENT_KEY) if anonymous else self


class Question(models.Model):
    class Type(models.TextChoices):
        SATISFACTION = "satisfaction", "Échelle de satisfaction (4 niveaux + ne sait pas)"
        YES_NO = "yes_no", "Oui / non"
        NPS = "nps", "Recommandation de 0 à 10"
        SINGLE = "single", "Choix unique"
        MULTIPLE = "multiple", "Choix multiple"
        TEXT = "text", "Texte libre"

    cooperative_path = "questionnaire__cooperative"

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(
        "clé", max_length=60, help_text="Identifiant stable d'une version à l'autre."
    )
    text = models.CharField("question", max_length=300)
    help_text = models.CharField("aide", max_length=300, blank=True)
    type = models.CharField("type", max_length=20, choices=Type.choices)
    required = models.BooleanField("obligatoire", default=False)
    theme = models.CharField("thème", max_length=30, choices=Theme.choices, blank=True)
    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name="engagement",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    condition_question = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependents",
        verbose_name="afficher si la question",
    )
    condition_values = models.JSONField("a reçu l'une des réponses", default=list, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = "question"
        ordering = ["section__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "key"], name="question_unique_key_per_questionnaire"
            ),
            models.CheckConstraint(
                name="question_condition_has_values",
                condition=Q(condition_question__isnull=True) | ~Q(condition_values=[]),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_scale(self) -> bool:
        return self.type == self.Type.SATISFACTION


class Choice(models.Model):
    """An option of a single or multiple choice question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    value = models.SlugField("valeur", max_length=60)
    label = models.CharField("libellé", max_length=200)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "choix"
        ordering = ["question", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "value"], name="choice_unique_value_per_question"
            )
        ]

    def __str__(self) -> str:
        return self.label
