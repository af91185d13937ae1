"""Forms of the staff pages of the surveys app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django import forms
from django.utils import timezone

from cooperatives.forms import BuyerFileForm
from cooperatives.models import JourneyStep, Programme
from coopqualite.widgets import DateInput
from enquetes.library import TEMPLATES
from enquetes.models import Campaign, KeyStep, Message, Questionnaire, Response, SurveyKind


@dataclass(frozen=True)
class CampaignTask:
    """One way of surveying: a kind of campaign and where its people come from. Its form asks
    only what it needs (a triennial survey has no delay after a step, an imported file no
    programme or step filter)."""

    slug: str
    kind: str
    source: str  # "buyers": the portal's buyers; "import": a file imported after creation
    title: str
    description: str
    # A key step the task always surveys (after an intervention: its invitations are made per
    # claim, when the claim is closed, so neither the step nor a delay is asked).
    key_step: str = ""

    @property
    def filters(self) -> tuple[str, ...]:
        if self.source == "import":
            return ()
        if self.kind == SurveyKind.KEY_STEP:
            return ("programmes",)  # the key step says which buyers, and when
        return ("programmes", "steps")


CAMPAIGN_TASKS = {
    task.slug: task
    for task in (
        CampaignTask(
            "triennale", SurveyKind.TRIENNIAL, "buyers",
            "Enquête triennale auprès des acquéreurs du portail",
            "Tous les acquéreurs, ou ceux de certains programmes et étapes du parcours, invités "
            "au lancement.",
        ),
        CampaignTask(
            "triennale-fichier", SurveyKind.TRIENNIAL, "import",
            "Enquête triennale sur un fichier importé",
            "Les personnes d'un fichier d'acquéreurs, que vous importez une fois la campagne "
            "créée.",
        ),
        CampaignTask(
            "etape", SurveyKind.KEY_STEP, "buyers",
            "Enquête d'étape clé du parcours",
            "Chaque acquéreur est invité quelques jours après une étape (réservation, "
            "livraison, un an après), tant que la campagne est ouverte.",
        ),
        CampaignTask(
            "apres-intervention", SurveyKind.KEY_STEP, "buyers",
            "Enquête après intervention du SAV",
            "Chaque acquéreur est invité à donner son avis sur l'intervention quand sa "
            "demande au service après-vente est close, tant que la campagne est ouverte.",
            key_step=KeyStep.AFTER_INTERVENTION,
        ),
        CampaignTask(
            "nouvel-occupant", SurveyKind.NEW_OCCUPANT, "buyers",
            "Enquête nouvel occupant auprès des acquéreurs du portail",
            "Les acquéreurs du portail, de certains programmes et étapes si vous le souhaitez.",
        ),
        CampaignTask(
            "nouvel-occupant-fichier", SurveyKind.NEW_OCCUPANT, "import",
            "Enquête nouvel occupant sur un fichier importé",
            "Les personnes d'un fichier que vous importez une fois la campagne créée.",
        ),
    )
}  # fmt: skip

_QUESTIONNAIRE, _TEMPLATE = "questionnaire-", "modele-"


class CampaignForm(forms.ModelForm):
    """A new campaign of one task (`CampaignTask`): its kind and population source are the
    task's, and the questionnaire is one choice, among the cooperative's questionnaires of that
    kind or the shipped templates (a copy is made)."""

    questionnaire = forms.ChoiceField(
        label="Questionnaire",
        help_text=(
            "Un de vos questionnaires (réutilisé tel quel s'il a déjà servi) ou un modèle "
            "fourni, dont une copie modifiable est créée."
        ),
        error_messages={"required": "Choisissez un questionnaire ou un modèle."},
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

    class Meta:
        model = Campaign
        fields = [
            "name", "key_step", "days_after_step", "opens_on", "closes_on", "anonymous",
        ]  # fmt: skip
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}

    def __init__(self, *args, cooperative_id: int, task: CampaignTask, **kwargs):
        super().__init__(*args, **kwargs)
        self.task, self.cooperative_id = task, cooperative_id
        self.instance.kind = task.kind
        if task.key_step:
            self.instance.key_step = task.key_step
            del self.fields["key_step"], self.fields["days_after_step"]
        elif task.kind == SurveyKind.KEY_STEP:
            key_step = cast(forms.TypedChoiceField, self.fields["key_step"])
            key_step.choices = [("", "—"), *[(s, KeyStep(s).label) for s in KeyStep.dated()]]
            key_step.required = True
            self.fields["key_step"].error_messages["required"] = (
                "Choisissez l'étape clé après laquelle interroger."
            )
        else:
            del self.fields["key_step"], self.fields["days_after_step"]
        for name in ("programmes", "steps"):
            if name not in task.filters:
                del self.fields[name]
        if "programmes" in self.fields:
            programmes = cast(forms.ModelMultipleChoiceField, self.fields["programmes"])
            programmes.queryset = Programme.objects.for_cooperative(cooperative_id)
        questionnaire = cast(forms.ChoiceField, self.fields["questionnaire"])
        questionnaire.choices = self._questionnaire_choices(cooperative_id)
        self.order_fields(
            ["name", "questionnaire", "key_step", "days_after_step", "opens_on", "closes_on"]
        )

    def _questionnaire_choices(self, cooperative_id: int) -> list:
        kind = self.task.kind
        own = [
            (f"{_QUESTIONNAIRE}{q.pk}", str(q))
            for q in Questionnaire.objects.for_cooperative(cooperative_id).filter(kind=kind)
        ]
        templates = [
            (k, t) for k, t in TEMPLATES.items()
            if t["kind"] == kind and (t["key_step"] == self.task.key_step or not self.task.key_step)
        ] or list(TEMPLATES.items())  # fmt: skip
        shipped = [(f"{_TEMPLATE}{key}", t["title"]) for key, t in templates]
        groups: list = [("", "—")]
        if own:
            groups.append(("Vos questionnaires", own))
        groups.append(("Modèles fournis (une copie est créée)", shipped))
        return groups

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
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "La clôture doit suivre l'ouverture.")
        if closes and closes < timezone.localdate():
            self.add_error("closes_on", "La date de clôture est déjà passée.")
        return data

    @property
    def campaign_fields(self) -> dict:
        """What `campaign_create` takes: the form's answers, the task's kind and source, and
        neutral values for what this task does not ask."""
        data = self.cleaned_data
        chosen = data["questionnaire"]
        questionnaire = None
        if chosen.startswith(_QUESTIONNAIRE):
            questionnaire = Questionnaire.objects.for_cooperative(self.cooperative_id).get(
                pk=int(chosen.removeprefix(_QUESTIONNAIRE))
            )
        return {
            **data,
            "kind": self.task.kind,
            "source": self.task.source,
            "questionnaire": questionnaire,
            "template": chosen.removeprefix(_TEMPLATE) if questionnaire is None else "",
            "key_step": self.task.key_step or data.get("key_step", ""),
            "days_after_step": data.get(
                "days_after_step", Campaign._meta.get_field("days_after_step").get_default()
            ),
            "programmes": data.get("programmes", []),
            "steps": data.get("steps", []),
        }


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
