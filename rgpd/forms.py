from django import forms

from rgpd.models import PrivacyNotice
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
