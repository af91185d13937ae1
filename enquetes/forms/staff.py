"""Forms of the staff pages of the surveys app."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils import timezone

from cooperatives.forms import BuyerFileForm
from cooperatives.models import JourneyStep, Programme
from coopqualite.widgets import DateInput
from enquetes.library import TEMPLATES
from enquetes.models import Campaign, Message, Questionnaire, Response


class CampaignForm(forms.ModelForm):
    questionnaire = forms.ModelChoiceField(
        label="Questionnaire", queryset=Questionnaire.objects.none(), required=False,
        help_text="Un questionnaire déjà utilisé est réutilisé tel quel (version figée).",
    )  # fmt: skip
    template = forms.ChoiceField(
        label="…ou partir d'un modèle",
        choices=[("", "—"), *[(key, t["title"]) for key, t in TEMPLATES.items()]],
        required=False,
    )
    reminders = forms.CharField(
        label="Relances (jours après l'invitation)",
        required=False,
        initial="7, 14",
        help_text="Par exemple « 7, 14 » : deux relances au plus trois, jamais après la clôture.",
    )
    programmes = forms.ModelMultipleChoiceField(
        label="Programmes", queryset=Programme.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Aucun coché : tous les programmes.",
    )  # fmt: skip
    steps = forms.MultipleChoiceField(
        label="Étapes du parcours", choices=JourneyStep.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Aucune cochée : toutes les étapes.",
    )  # fmt: skip
    source = forms.ChoiceField(
        label="Population",
        choices=[("buyers", "Les acquéreurs du portail"), ("import", "Un fichier importé")],
        initial="buyers",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Campaign
        fields = [
            "name", "kind", "key_step", "days_after_step", "opens_on", "closes_on", "anonymous",
        ]  # fmt: skip
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}

    def __init__(self, *args, cooperative_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        questionnaire = cast(forms.ModelChoiceField, self.fields["questionnaire"])
        questionnaire.queryset = Questionnaire.objects.for_cooperative(cooperative_id)
        programmes = cast(forms.ModelMultipleChoiceField, self.fields["programmes"])
        programmes.queryset = Programme.objects.for_cooperative(cooperative_id)

    def clean_reminders(self) -> list[int]:
        raw = self.cleaned_data["reminders"].replace(";", ",")
        try:
            days = sorted({int(part) for part in raw.split(",") if part.strip()})
        except ValueError:
            raise forms.ValidationError(
                "Indiquez des nombres de jours séparés par des virgules, par exemple « 7, 14 »."
            ) from None
        if any(day < 1 for day in days):
            raise forms.ValidationError("Une relance part au moins un jour après l'invitation.")
        if len(days) > 3:
            raise forms.ValidationError("Trois relances au plus.")
        return days

    def clean(self):
        data = super().clean()
        if not data.get("questionnaire") and not data.get("template"):
            self.add_error("questionnaire", "Choisissez un questionnaire ou un modèle.")
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "La clôture doit suivre l'ouverture.")
        if closes and closes < timezone.localdate():
            self.add_error("closes_on", "La date de clôture est déjà passée.")
        if data.get("kind") == "key_step" and not data.get("key_step"):
            self.add_error("key_step", "Choisissez l'étape clé après laquelle interroger.")
        return data


# The one form of buyer files (a survey population is read as any buyer file).
ImportForm = BuyerFileForm


class ChannelForm(forms.Form):
    channel = forms.ChoiceField(
        label="Réponse recueillie",
        choices=[c for c in Response.Channel.choices if c[0] != "web"],
        widget=forms.RadioSelect,
        initial="phone",
    )


class ResendForm(forms.Form):
    """Resend a campaign's failed e-mails, or its uncertain ones once confirmed; only those the
    person saw listed (`vu_le`: when the page was drawn)."""

    etat = forms.ChoiceField(
        choices=[
            (Message.Status.FAILED, "en échec"),
            (Message.Status.UNCERTAIN, "à l'état incertain"),
        ],
        error_messages={
            "required": "Choisissez les e-mails à renvoyer.",
            "invalid_choice": "Seuls les e-mails en échec ou incertains peuvent être renvoyés.",
        },
    )
    vu_le = forms.DateTimeField(
        error_messages={
            "required": "Rechargez la page de la campagne, puis renvoyez.",
            "invalid": "Rechargez la page de la campagne, puis renvoyez.",
        }
    )
    confirmation = forms.BooleanField(
        required=False,
        label="Je sais que ces personnes ont peut-être déjà reçu ce message, et je le renvoie.",
    )

    @property
    def uncertain(self) -> bool:
        return self.cleaned_data["etat"] == Message.Status.UNCERTAIN

    @property
    def needs_confirmation(self) -> bool:
        return self.uncertain and not self.cleaned_data["confirmation"]
