"""Forms of the tenancy app: password reset, programmes, lots, buyers, buyer files, accounts."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm

from cooperatives.buyer_files import user_name
from cooperatives.models import Buyer, Lot, Programme, User, interlocutor_choices
from cooperatives.services.accounts import COOPERATIVE_ROLES
from cooperatives.services.requests import password_reset_request
from coopqualite.widgets import DateInput


class PasswordResetRequestForm(PasswordResetForm):
    """The form of the reset page: saving it queues the mail, nothing else."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        password_reset_request(email=self.cleaned_data["email"])


# Programmes, lots and buyers -------------------------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return user_name(obj)


def _interlocutors(cooperative_id: int, current_id: int | None):
    """Who may be named, and the person named now even if no longer among them."""
    return interlocutor_choices(cooperative_id) | User.objects.filter(
        pk__in=[current_id] if current_id else []
    )


class ParentedModelForm(forms.ModelForm):
    """A model form whose instance comes from the view with its parent set (its cooperative, its
    programme), a field the form does not show: the constraints that name the parent (a name
    unique per cooperative) are checked too, which Django skips for fields not in the form."""

    parent_field = ""

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() - {self.parent_field}


class ProgrammeForm(ParentedModelForm):
    parent_field = "cooperative"

    class Meta:
        model = Programme
        fields = ["name", "code", "city", "financing", "interlocutor"]
        field_classes = {"interlocutor": PersonChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interlocutor"].queryset = _interlocutors(
            self.instance.cooperative_id, self.instance.interlocutor_id
        )
        self.fields["interlocutor"].empty_label = "Aucun pour l'instant"


class LotForm(ParentedModelForm):
    parent_field = "programme"

    class Meta:
        model = Lot
        fields = ["code", "typology"]


class MonthInput(forms.DateInput):
    """The browser's month picker (a text field where there is none: 06/2026 is read too)."""

    input_type = "month"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class MonthField(forms.DateField):
    """A month, kept as its first day."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%m/%Y", "%d/%m/%Y", "%Y-%m-%d"]
    default_error_messages = {"invalid": "Indiquez un mois, par exemple 06/2026."}

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class BuyerForm(forms.ModelForm):
    """A buyer with the dates of their journey. The rules of the dates are the model's
    (`Buyer.journey_date_errors`), shown on the field they concern."""

    class Meta:
        model = Buyer
        fields = [
            "lot", "last_name", "first_name", "email", "phone", "interlocutor",
            "reservation_date", "deed_date", "delivery_month_announced",
            "delivery_month_announced_on", "delivery_date", "courtesy_visit_date",
            "perfect_completion_end",
        ]  # fmt: skip
        field_classes = {"interlocutor": PersonChoiceField, "delivery_month_announced": MonthField}
        labels = {"delivery_month_announced_on": "annoncé le"}
        help_texts = {
            "delivery_month_announced": "Le mois confirmé à l'acquéreur. Un nouveau mois annoncé "
            "un autre jour s'ajoute à la liste des annonces ; le corriger le même jour la "
            "rectifie.",
            "courtesy_visit_date": "Visite au ménage dans les 2 mois suivant la livraison.",
        }
        widgets = {
            name: DateInput()
            for name in (
                "reservation_date", "deed_date", "delivery_month_announced_on", "delivery_date",
                "courtesy_visit_date", "perfect_completion_end",
            )
        }  # fmt: skip

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["lot"]).queryset = Lot.objects.filter(
            programme=programme
        )
        interlocutor = cast(forms.ModelChoiceField, self.fields["interlocutor"])
        interlocutor.queryset = _interlocutors(
            programme.cooperative_id, self.instance.interlocutor_id
        )
        named = programme.interlocutor
        interlocutor.empty_label = (
            f"Celui du programme ({user_name(named)})"
            if named
            else "Celui du programme (aucun pour l'instant)"
        )

    def clean(self):
        data = super().clean()
        if any(name in self.errors for name in Buyer.JOURNEY_DATES):
            return data  # the rules compare dates that could all be read
        for name, message in Buyer.journey_date_errors(data):
            if name not in self.errors:
                self.add_error(name, message)
        return data


class BuyerFileForm(forms.Form):
    file = forms.FileField(
        label="Fichier des acquéreurs",
        help_text=(
            "CSV (séparateur ; ou ,, export Excel ou UTF-8) ou XLSX, au format des fichiers "
            f"d'acquéreurs. {settings.BUYER_IMPORT_MAX_UPLOAD_MB} Mo au plus."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.BUYER_IMPORT_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                f"Le fichier dépasse {settings.BUYER_IMPORT_MAX_UPLOAD_MB} Mo."
            )
        return upload


# Accounts ---------------------------------------------------------------------------------------


class UserInviteForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=150,  # the username
        help_text="Elle sera aussi son identifiant de connexion.",
    )
    role = forms.ChoiceField(
        label="Rôle",
        choices=[(r.value, r.label) for r in COOPERATIVE_ROLES],
        initial=User.Role.STAFF,
    )


class UserRoleForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=[(r.value, r.label) for r in COOPERATIVE_ROLES])


class CooperativeCreateForm(forms.Form):
    name = forms.CharField(label="Nom de la coopérative", max_length=200)
    city = forms.CharField(label="Ville du siège", max_length=120, required=False)
    director_first_name = forms.CharField(label="Prénom du dirigeant", max_length=150)
    director_last_name = forms.CharField(label="Nom du dirigeant", max_length=150)
    director_email = forms.EmailField(
        label="Adresse e-mail du dirigeant",
        max_length=150,
        help_text="Il reçoit un lien pour choisir son mot de passe.",
    )
