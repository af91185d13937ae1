"""Forms of the buyer's space's staff side: a document shared with a buyer."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from engagements import files
from sav.models import MAX_PHOTOS
from sav.rules import Category


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


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one field (none required)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [single(item, initial) for item in files]


class SpaceClaimForm(forms.Form):
    """A claim filed by the buyer from their space."""

    room = forms.CharField(
        label="Pièce concernée",
        max_length=80,
        help_text="Par exemple : cuisine, salle de bains, balcon.",
    )
    category = forms.ChoiceField(label="Nature du problème", choices=Category.choices)
    description = forms.CharField(
        label="Description",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Ce que vous constatez, depuis quand, où exactement.",
    )
    photos = MultiplePhotoField(
        label="Photos (facultatif)",
        required=False,
        help_text=f"Jusqu'à {MAX_PHOTOS} photos JPEG, PNG ou WebP, 20 Mo en tout.",
    )

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(f"{MAX_PHOTOS} photos au plus.")
        return photos
