"""The ISO 26000 self-assessment of a year: read by everyone who reads the cooperative,
written by its director."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from cooperatives.access import get_object_for, require
from cooperatives.models import Cooperative, Permission
from engagements.models import IsoAssessment, IsoSubject
from engagements.selectors import iso_chart, iso_lines
from engagements.services.iso import TEXT_FIELDS, iso_assessment_save

TEXT_LABELS = {
    "evidence": "Éléments de preuve",
    "strengths": "Points forts",
    "progress_areas": "Axes de progrès",
}


class IsoAssessmentForm(forms.Form):
    """Per core subject: a score (empty: not assessed) and three texts."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = []
        choices = [
            ("", "Non évaluée"),
            *[(k, f"{k} — {v}") for k, v in IsoAssessment.SCORES.items()],
        ]
        for line in lines:
            names = [f"{line.subject}-score", *[f"{line.subject}-{f}" for f in TEXT_FIELDS]]
            self.fields[names[0]] = forms.TypedChoiceField(
                label="Note", choices=choices, coerce=int, empty_value=None, required=False,
                initial=line.score,
            )  # fmt: skip
            for name, field in zip(names[1:], TEXT_FIELDS, strict=True):
                self.fields[name] = forms.CharField(
                    label=TEXT_LABELS[field], required=False, initial=getattr(line, field),
                    widget=forms.Textarea(attrs={"rows": 2}),
                )  # fmt: skip
            self.subjects.append((line, [self[name] for name in names]))

    def rows(self) -> dict[str, dict]:
        data = self.cleaned_data
        return {
            subject: {
                "score": data[f"{subject}-score"],
                **{f: data[f"{subject}-{f}"].strip() for f in TEXT_FIELDS},
            }
            for subject in IsoSubject.values
        }


def iso_assessment(request, slug: str, year: int):
    cooperative = get_object_for(request.user, Permission.READ, Cooperative, slug=slug)
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise Http404
    lines = iso_lines(cooperative, year)
    may_edit = request.user.may(Permission.MANAGE, cooperative)
    if request.method == "POST":
        require(request.user, Permission.MANAGE, cooperative)
    form = IsoAssessmentForm(request.POST or None, lines=lines) if may_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        count = iso_assessment_save(
            cooperative=cooperative, year=year, user=request.user, rows=form.rows()
        )
        messages.success(request, f"Autoévaluation {year} enregistrée ({count} sur 7 notées).")
        return redirect("iso_assessment", slug=slug, year=year)
    return render(
        request,
        "engagements/iso_assessment.html",
        {
            "cooperative": cooperative, "year": year, "lines": lines, "form": form,
            "chart": iso_chart(lines, year), "scores": IsoAssessment.SCORES,
        },
    )  # fmt: skip
