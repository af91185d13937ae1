"""Forms of the after-sales pages, in French."""

from __future__ import annotations

from typing import cast

from django import forms

from cooperatives.models import Programme, User, interlocutor_choices
from coopqualite.widgets import DateInput
from engagements.models import Commitment
from sav import rules
from sav.models import CallBack, Claim, Company


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class InboxFilterForm(forms.Form):
    programme = forms.ModelChoiceField(
        label="Programme", queryset=Programme.objects.none(), required=False, empty_label="Tous"
    )
    guarantee = forms.ChoiceField(
        label="Garantie", choices=[("", "Toutes"), *rules.Guarantee.choices], required=False
    )
    status = forms.ChoiceField(
        label="État", choices=[("", "Ouvertes"), *rules.Status.choices], required=False
    )
    company = forms.ModelChoiceField(
        label="Entreprise", queryset=Company.objects.none(), required=False, empty_label="Toutes"
    )
    assignee = PersonChoiceField(
        label="Responsable", queryset=User.objects.none(), required=False, empty_label="Tous"
    )
    overdue = forms.BooleanField(label="En retard seulement", required=False)

    def __init__(self, *args, cooperative_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.for_cooperative(cooperative_id)
        self.fields["company"].queryset = Company.objects.for_cooperative(cooperative_id)
        self.fields["assignee"].queryset = interlocutor_choices(cooperative_id)

    def values(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class ClaimForm(forms.ModelForm):
    """A claim taken by staff (a call, a letter, an e-mail) or a reserve of the delivery
    report."""

    class Meta:
        model = Claim
        fields = ["channel", "category", "room", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [
            c for c in Claim.Channel.choices if c[0] != Claim.Channel.SPACE
        ]


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="Commentaire", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus (envoyé à l'acquéreur)", max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class AssignForm(forms.Form):
    company = forms.ModelChoiceField(label="Entreprise", queryset=Company.objects.none())
    intervention_on = forms.DateField(label="Intervention prévue le", widget=DateInput())
    assignee = PersonChoiceField(
        label="Responsable du dossier", queryset=User.objects.none(), required=False,
        empty_label="Inchangé",
    )  # fmt: skip
    comment = forms.CharField(label="Commentaire", required=False, max_length=2000)

    def __init__(self, *args, cooperative_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.for_cooperative(cooperative_id)
        self.fields["assignee"].queryset = interlocutor_choices(cooperative_id)


class BulkAssignForm(forms.Form):
    claims = forms.ModelMultipleChoiceField(queryset=Claim.objects.none())
    assignee = PersonChoiceField(
        label="Responsable", queryset=User.objects.none(), required=False, empty_label="Inchangé"
    )
    company = forms.ModelChoiceField(
        label="Entreprise", queryset=Company.objects.none(), required=False,
        empty_label="Inchangée",
    )  # fmt: skip
    intervention_on = forms.DateField(
        label="Intervention prévue le", widget=DateInput(), required=False
    )

    def __init__(self, *args, cooperative_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].queryset = Claim.objects.for_cooperative(cooperative_id)
        self.fields["company"].queryset = Company.objects.for_cooperative(cooperative_id)
        self.fields["assignee"].queryset = interlocutor_choices(cooperative_id)

    def clean(self):
        data = super().clean()
        if bool(data.get("company")) != bool(data.get("intervention_on")):
            raise forms.ValidationError("Une entreprise va avec une date d'intervention.")
        if not data.get("assignee") and not data.get("company"):
            raise forms.ValidationError("Choisissez un responsable, ou une entreprise et une date.")
        return data


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = ["name", "trade", "contact_name", "email", "phone"]


class ServiceLevelForm(forms.Form):
    follow_up_days = forms.IntegerField(
        label="Suivi sous (jours ouvrés)", min_value=1, max_value=60
    )
    planning_days = forms.IntegerField(
        label="Intervention planifiée sous (jours ouvrés)", min_value=1, max_value=120
    )
    callback_days = forms.IntegerField(
        label="Rappel d'un acquéreur mécontent sous (jours ouvrés)", min_value=1, max_value=60
    )
    auto_lift_days = forms.IntegerField(
        label="Levée sans réponse de l'acquéreur après (jours)", min_value=3, max_value=90
    )
    # The closed loop's threshold: which answers of a nominative survey open a call-back (when
    # the buyer accepted to be contacted back).
    callback_unhappy = forms.BooleanField(
        label="Rappeler après « Peu » ou « Pas du tout satisfait »", required=False
    )
    callback_nps_max = forms.IntegerField(
        label="Rappeler après une recommandation inférieure ou égale à (sur 10)",
        min_value=0, max_value=10, required=False,
        help_text="Laissez vide pour ne pas rappeler selon la note de recommandation.",
    )  # fmt: skip
    callback_comment = forms.BooleanField(label="Rappeler après tout commentaire", required=False)


class CallBackShowForm(forms.Form):
    """Which call-backs the "Rappels" tab lists."""

    show = forms.ChoiceField(
        label="Afficher",
        choices=[("pending", "À rappeler"), ("overdue", "En retard"), ("all", "Tous")],
        required=False,
    )

    def value(self) -> str:
        return (self.cleaned_data.get("show") if self.is_valid() else "") or "pending"


class CallBackOutcomeForm(forms.Form):
    """The outcome of a call-back; a claim or an action of the plan filed with it."""

    outcome = forms.ChoiceField(
        label="Issue du rappel", choices=CallBack.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Compte rendu de l'appel", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    # The claim of the outcome "claim"
    category = forms.ChoiceField(
        label="Catégorie de la réclamation", choices=[("", "—"), *rules.Category.choices],
        required=False,
    )  # fmt: skip
    room = forms.CharField(label="Pièce", max_length=80, required=False)
    description = forms.CharField(
        label="Description du désordre", max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    # The action of the outcome "action"
    action_title = forms.CharField(
        label="Intitulé de l'action", max_length=200, required=False,
        help_text="Le plan d'actions est lu par le conseil et la fédération : ne nommez pas "
        "l'acquéreur.",
    )  # fmt: skip
    action_commitment = forms.ModelChoiceField(
        label="Engagement", queryset=Commitment.objects.none(), required=False,
        empty_label="Aucun",
    )  # fmt: skip
    action_due_date = forms.DateField(label="Échéance", required=False, widget=DateInput())

    def __init__(self, *args, cooperative_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        commitment = cast(forms.ModelChoiceField, self.fields["action_commitment"])
        commitment.queryset = Commitment.objects.for_cooperative(cooperative_id)

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == CallBack.Outcome.CLAIM:
            if not data.get("category"):
                self.add_error("category", "Choisissez la catégorie de la réclamation.")
            if not (data.get("description") or "").strip():
                self.add_error("description", "Décrivez le désordre signalé.")
        elif outcome == CallBack.Outcome.ACTION and not (data.get("action_title") or "").strip():
            self.add_error("action_title", "Donnez un intitulé à l'action.")
        return data

    def claim_fields(self) -> dict | None:
        data = self.cleaned_data
        if data["outcome"] != CallBack.Outcome.CLAIM:
            return None
        return {k: data[k] for k in ("category", "room", "description")}

    def action_fields(self) -> dict | None:
        data = self.cleaned_data
        if data["outcome"] != CallBack.Outcome.ACTION:
            return None
        return {
            "title": data["action_title"], "commitment": data["action_commitment"],
            "due_date": data["action_due_date"],
        }  # fmt: skip
