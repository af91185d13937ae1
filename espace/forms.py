"""Forms of the buyer's space's staff side: a document shared with a buyer."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from engagements import files


class DocumentForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200)
    upload = forms.FileField(
        label="Fichier",
        help_text=f"{files.ACCEPTED_LABEL}. {settings.EVIDENCE_MAX_UPLOAD_MB} Mo au plus.",
    )

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
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
