from django import forms

from rgpd.models import PrivacyNotice, RetentionSettings
from rgpd.notice import EDITABLE


class PrivacyNoticeForm(forms.ModelForm):
    """The editable sections, shown with their current text (the default when left empty)."""

    class Meta:
        model = PrivacyNotice
        fields = list(EDITABLE)
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in EDITABLE}
        help_texts = {"contact": "Une adresse e-mail ou postale où écrire pour exercer ses droits."}

    def __init__(self, *args, defaults: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for name in EDITABLE:
            if not getattr(self.instance, name):
                self.initial[name] = defaults[name]


class RetentionSettingsForm(forms.ModelForm):
    class Meta:
        model = RetentionSettings
        fields = ["buyer_identity", "survey_invitations"]
        help_texts = {
            "buyer_identity": (
                "Entre 1 et 10 ans ; la garantie décennale court 10 ans après la livraison."
            ),
            "survey_invitations": "Entre 1 et 24 mois.",
        }
