"""Forms of the construction letters: phases, letters (text, photos, PDF), default names."""

from __future__ import annotations

from django import forms
from django.utils.html import escape

from chantiers.content import (
    ALLOWED_LABEL,
    PDF_MAX_MB,
    PHOTO_MAX_MB,
    Photo,
    pdf_check,
    photo_process,
)
from chantiers.models import ESSENTIAL_PHASES, Phase
from coopqualite.widgets import DateInput

PHOTO_SLOTS = 3
PHOTO_TYPES = "image/jpeg,image/png,image/webp"


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["name", "planned_date", "actual_date"]
        widgets = {"planned_date": DateInput(), "actual_date": DateInput()}


class PhaseNewForm(forms.Form):
    name = forms.CharField(label="Nom de l'étape", max_length=120)


class DefaultPhaseNamesForm(forms.Form):
    def __init__(self, *args, names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for n, name in enumerate(names, start=1):
            self.fields[f"name_{n}"] = forms.CharField(
                label=f"Étape {n}", max_length=120, initial=name,
                help_text=f"Par défaut : {ESSENTIAL_PHASES[n - 1]}",
            )  # fmt: skip

    def names(self) -> list[str]:
        return [self.cleaned_data[f"name_{n}"] for n in range(1, len(ESSENTIAL_PHASES) + 1)]


def _size_check(upload, max_mb: int) -> None:
    if upload.size > max_mb * 1024 * 1024:
        raise forms.ValidationError(f"Ce fichier dépasse {max_mb} Mo.")


class LetterForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200)
    text = forms.CharField(
        label="Texte",
        widget=forms.Textarea(attrs={"rows": 12}),
        # Help texts are rendered as HTML: the tag names are shown, not interpreted.
        help_text=escape(
            "Une ligne vide sépare deux paragraphes. Mise en forme possible : "
            f"{ALLOWED_LABEL}. Tout autre code est retiré."
        ),
    )
    pdf = forms.FileField(
        label="Document PDF joint",
        required=False,
        help_text=f"Un PDF simple, {PDF_MAX_MB} Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    remove_pdf = forms.BooleanField(label="Retirer le PDF joint", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, PHOTO_SLOTS + 1):
            self.fields[f"photo_{n}"] = forms.FileField(
                label=f"Photo {n}", required=False,
                help_text=f"JPEG, PNG ou WebP, {PHOTO_MAX_MB} Mo au plus : elle est réduite.",
                widget=forms.ClearableFileInput(attrs={"accept": PHOTO_TYPES}),
            )  # fmt: skip
            self.fields[f"alt_{n}"] = forms.CharField(
                label=f"Description de la photo {n}", max_length=200, required=False,
                help_text="Ce que montre la photo, pour les personnes qui ne la voient pas.",
            )  # fmt: skip

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if upload:
            _size_check(upload, PDF_MAX_MB)
            pdf_check(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        photos: list[tuple[Photo, str]] = []
        for n in range(1, PHOTO_SLOTS + 1):
            upload, alt = cleaned.get(f"photo_{n}"), (cleaned.get(f"alt_{n}") or "").strip()
            if not upload:
                continue
            if not alt:
                self.add_error(f"alt_{n}", "Décrivez la photo en quelques mots.")
                continue
            try:
                _size_check(upload, PHOTO_MAX_MB)
                photos.append((photo_process(upload), alt))
            except forms.ValidationError as error:
                self.add_error(f"photo_{n}", error)
        cleaned["photos"] = photos
        return cleaned
