from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import cast

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from cooperatives.models import User
from coopqualite.fields import DecimalField
from coopqualite.formats import format_measure
from coopqualite.widgets import DateInput
from engagements import files, periods
from engagements.models import (
    Action,
    Commitment,
    Evidence,
    Indicator,
    IsoSubject,
    Measurement,
    Principle,
)
from engagements.readings import is_unusual
from engagements.selectors import measurement_history
from engagements.sources import (
    journey_metric_choices,
    survey_family_choices,
    survey_feed_choices,
)


def _cooperative_users(cooperative_id: int):
    return User.objects.filter(cooperative_id=cooperative_id, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class ActionForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Action
        fields = [
            "title", "description", "commitments", "iso_subject", "owner", "due_date",
            "status", "progress_note",
        ]  # fmt: skip
        widgets = {
            "due_date": DateInput(),
            "commitments": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
            "progress_note": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"owner": UserChoiceField}

    def __init__(self, *args, cooperative_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        commitments = cast(forms.ModelMultipleChoiceField, self.fields["commitments"])
        commitments.queryset = Commitment.objects.for_cooperative(cooperative_id)
        owner = cast(UserChoiceField, self.fields["owner"])
        owner.queryset = _cooperative_users(cooperative_id)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        if data.get("status") == Action.Status.DONE and not data.get("progress_note"):
            self.add_error(
                "progress_note", "Décrivez en une phrase ce qui a été réalisé avant de clore."
            )
        return data


def confirm_field() -> forms.BooleanField:
    """The box that confirms an unusual value: hidden until `unusual_value_check` needs it."""
    return forms.BooleanField(
        label="Je confirme cette valeur", required=False, widget=forms.HiddenInput
    )


def unusual_value_check(
    form: forms.BaseForm, indicator: Indicator, period_start: dt.date, value: Decimal | None
) -> None:
    """A value far out of the indicator's history (`readings.is_unusual`) is refused until the
    person ticks "Je confirme cette valeur": a "2,5" typed as "25" is caught before it is
    published. The box appears when it is needed."""
    if value is None or form.cleaned_data.get("confirm"):
        return
    history = measurement_history(indicator, excluding=period_start)
    if not is_unusual(value, history):
        return
    unit = f" {indicator.unit}" if indicator.unit else ""
    form.fields["confirm"].widget = forms.CheckboxInput()
    form.add_error(
        "value",
        f"Cette valeur ({format_measure(value)}{unit}) sort nettement de l'historique de "
        f"l'indicateur (de {format_measure(min(history))} à {format_measure(max(history))}"
        f"{unit} sur les dernières périodes). Vérifiez-la (2,5 et non 25 ?), puis cochez "
        f"« Je confirme cette valeur » pour l'enregistrer.",
    )


class MeasurementForm(forms.Form):
    period_start = forms.DateField(
        label="Période",
        widget=DateInput(),
        help_text="N'importe quel jour de la période : elle est ramenée à son début.",
    )
    value = DecimalField(label="Valeur", max_digits=12, decimal_places=2)
    base = forms.IntegerField(label="Base (effectif)", min_value=0, required=False)
    comment = forms.CharField(
        label="Commentaire", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    confirm = confirm_field()

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["value"].label = f"Valeur ({indicator.unit})"
        self.fields["period_start"].initial = periods.start_of(
            indicator.period, timezone.localdate()
        )

    def clean_period_start(self):
        day = self.cleaned_data["period_start"]
        start = periods.start_of(self.indicator.period, day)
        if start > timezone.localdate():
            raise forms.ValidationError("On ne mesure pas une période qui n'a pas commencé.")
        if Measurement.objects.filter(indicator=self.indicator, period_start=start).exists():
            raise forms.ValidationError(
                f"Une mesure existe déjà pour {periods.label(self.indicator.period, start)}."
            )
        return start

    def clean(self):
        data = super().clean()
        if "period_start" in data:
            unusual_value_check(self, self.indicator, data["period_start"], data.get("value"))
        return data


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type de preuve", choices=Evidence.Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label="Titre", max_length=200)
    fact_date = forms.DateField(
        label="Date du fait", widget=DateInput(), initial=timezone.localdate
    )
    file = forms.FileField(
        label="Fichier",
        required=False,
        help_text=f"{files.ACCEPTED_LABEL}. {settings.EVIDENCE_MAX_UPLOAD_MB} Mo au plus.",
    )
    url = forms.URLField(label="Lien", required=False, max_length=500, assume_scheme="https")
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    content_type: str = ""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        limit = settings.EVIDENCE_MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                f"Le fichier pèse {filesizeformat(upload.size)} : la limite est de "
                f"{settings.EVIDENCE_MAX_UPLOAD_MB} Mo."
            )
        sniffed = files.sniff(upload, upload.name)
        if sniffed.content_type is None:
            raise forms.ValidationError(sniffed.reason)
        self.content_type = sniffed.content_type
        return upload

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        required = {
            Evidence.Kind.FILE: "file",
            Evidence.Kind.LINK: "url",
            Evidence.Kind.NOTE: "note",
        }
        field = required.get(kind)
        if field and not data.get(field) and field not in self.errors:
            messages = {
                "file": "Choisissez le fichier à joindre.",
                "url": "Indiquez l'adresse du lien.",
                "note": "Écrivez la note.",
            }
            self.add_error(field, messages[field])
        return data


class ActionFilterForm(forms.Form):
    principle = forms.ModelChoiceField(
        label="Principe", queryset=Principle.objects.all(), required=False, empty_label="Tous"
    )
    iso_subject = forms.ChoiceField(
        label="Domaine ISO 26000", choices=[("", "Tous"), *IsoSubject.choices], required=False
    )
    owner = UserChoiceField(
        label="Responsable", queryset=User.objects.none(), required=False, empty_label="Tous"
    )
    status = forms.ChoiceField(
        label="Statut", choices=[("", "Tous"), *Action.Status.choices], required=False
    )
    late = forms.BooleanField(label="En retard seulement", required=False)

    def __init__(self, *args, cooperative_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(
            cooperative_id__in=cooperative_ids, is_active=True
        ).order_by("last_name", "username")

    def filter(self, actions, today):
        if not self.is_valid():
            return actions
        data = self.cleaned_data
        if data["principle"]:
            actions = actions.filter(commitments__principles=data["principle"]).distinct()
        if data["iso_subject"]:
            actions = actions.filter(iso_subject=data["iso_subject"])
        if data["owner"]:
            actions = actions.filter(owner=data["owner"])
        if data["status"]:
            actions = actions.filter(status=data["status"])
        if data["late"]:
            actions = actions.late(today)
        return actions


class MeasurementEditForm(forms.ModelForm):
    """Correct a typed-in value; the period stays."""

    confirm = confirm_field()

    class Meta:
        model = Measurement
        fields = ["value", "base", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}
        field_classes = {"value": DecimalField}

    def clean(self):
        data = super().clean()
        unusual_value_check(
            self, self.instance.indicator, self.instance.period_start, data.get("value")
        )
        return data


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["title", "description", "principles"]
        widgets = {
            "principles": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }


class IndicatorForm(forms.ModelForm):
    journey_metric = forms.ChoiceField(
        label="Mesure du parcours",
        choices=lambda: [("", "—"), *journey_metric_choices()],
        required=False,
        help_text="Pour une source « parcours » : la mesure calculée à partir des dates.",
    )
    survey_feed = forms.ChoiceField(
        label="Campagnes qui l'alimentent",
        required=False,
        help_text=(
            "Pour une source « enquêtes » : seules comptent ces campagnes, une fois closes "
            "(une enquête d'étape nominative : ses réponses des périodes terminées)."
        ),
    )
    survey_family = forms.ChoiceField(
        label="Questionnaire",
        required=False,
        help_text="Pour une source « enquêtes » : laisser « tous » sauf à viser un questionnaire.",
    )

    class Meta:
        model = Indicator
        fields = [
            "name", "description", "unit", "direction", "target", "tolerance", "period",
            "source", "journey_metric", "survey_selector", "survey_feed", "survey_family",
            "min_base", "position", "is_public",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        field_classes = {"target": DecimalField, "tolerance": DecimalField}

    def __init__(self, *args, cooperative_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["survey_feed"]).choices = [
            ("", "—"),
            *survey_feed_choices(),
        ]
        cast(forms.ChoiceField, self.fields["survey_family"]).choices = [
            ("", "Tous les questionnaires de ce type"),
            *survey_family_choices(cooperative_id),
        ]
        self.fields["min_base"].help_text = (
            "Pour une source « enquêtes » : en dessous, la période affiche « base "
            "insuffisante » et non un chiffre. Vide : "
            f"{settings.SURVEY_INDICATOR_MIN_BASE} répondants."
        )

    def clean(self):
        data = super().clean()
        source = data.get("source")
        if source == Indicator.Source.JOURNEY and not data.get("journey_metric"):
            self.add_error("journey_metric", "Choisissez la mesure du parcours à calculer.")
        if source == Indicator.Source.SURVEY and not data.get("survey_selector"):
            self.add_error("survey_selector", "Indiquez la question ou le thème d'enquête.")
        if source == Indicator.Source.SURVEY and not data.get("survey_feed"):
            self.add_error("survey_feed", "Choisissez les campagnes qui alimentent l'indicateur.")
        if source != Indicator.Source.JOURNEY:
            data["journey_metric"] = ""
        if source != Indicator.Source.SURVEY:
            data.update(survey_selector="", survey_feed="", survey_family="", min_base=None)
        return data
