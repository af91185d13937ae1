"""The questionnaire builder: sections, questions, choices, conditions; versions."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from cooperatives.access import get_object_for, require
from cooperatives.models import Permission
from engagements.models import Commitment
from enquetes import selectors
from enquetes.library import TEMPLATES
from enquetes.models import Question, Questionnaire, Section
from enquetes.services.questionnaires import (
    question_save,
    questionnaire_from_template,
    questionnaire_new_version,
)


def _distinct_choices(text: str) -> list[tuple[str, str]]:
    """(value, label) pairs from one label per line; lines giving the same value count once."""
    choices: dict[str, str] = {}
    for index, line in enumerate(text.splitlines()):
        label = line.strip()
        if label:
            choices.setdefault((slugify(label) or f"choix-{index}")[:60], label[:200])
    return list(choices.items())


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "help_text", "position"]
        widgets = {"help_text": forms.Textarea(attrs={"rows": 2})}


class QuestionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label="Choix proposés",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Pour un choix unique ou multiple : un choix par ligne.",
    )
    condition_text = forms.CharField(
        label="…a reçu l'une des réponses",
        required=False,
        help_text="Valeurs séparées par des virgules, par exemple « oui ».",
    )

    class Meta:
        model = Question
        fields = [
            "section", "key", "text", "help_text", "type", "required", "theme", "commitment",
            "position", "condition_question",
        ]  # fmt: skip

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        section = cast(forms.ModelChoiceField, self.fields["section"])
        section.queryset = questionnaire.sections.all()
        commitment = cast(forms.ModelChoiceField, self.fields["commitment"])
        commitment.queryset = Commitment.objects.for_cooperative(questionnaire.cooperative_id)
        earlier = questionnaire.questions.exclude(type__in=["text"])
        if self.instance.pk:
            earlier = earlier.exclude(pk=self.instance.pk)
            self.fields["choices_text"].initial = "\n".join(
                c.label for c in self.instance.choices.all()
            )
            self.fields["condition_text"].initial = ", ".join(self.instance.condition_values)
        cast(forms.ModelChoiceField, self.fields["condition_question"]).queryset = earlier

    def clean_key(self):
        key = self.cleaned_data["key"]
        clash = self.questionnaire.questions.filter(key=key).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Cette clé est déjà celle d'une autre question.")
        return key

    def clean(self):
        data = super().clean()
        kind = data.get("type")
        data["choices"] = _distinct_choices(data.get("choices_text", ""))
        if kind in ("single", "multiple") and len(data["choices"]) < 2:
            self.add_error("choices_text", "Proposez au moins deux choix, un par ligne.")
        values = [v.strip() for v in data.get("condition_text", "").split(",") if v.strip()]
        data["condition_values"] = values
        if data.get("condition_question") and not values:
            self.add_error("condition_text", "Indiquez la ou les réponses qui font afficher.")
        return data


def questionnaire_list(request):
    questionnaires = selectors.questionnaire_list(Questionnaire.objects.visible_to(request.user))
    if request.method == "POST":
        require(request.user, Permission.EDIT)
        key = request.POST.get("template", "")
        if key not in TEMPLATES:
            messages.error(request, "Choisissez l'un des modèles proposés.")
            return redirect("questionnaire_list")
        questionnaire = questionnaire_from_template(
            cooperative=request.user.cooperative, template_key=key
        )
        messages.success(request, "Questionnaire créé à partir du modèle.")
        return redirect("questionnaire_detail", questionnaire_id=questionnaire.pk)
    return render(
        request,
        "enquetes/questionnaire_list.html",
        {
            "questionnaires": questionnaires,
            "templates": TEMPLATES.values(),
            "can_create": request.user.may(Permission.EDIT),
        },
    )


def questionnaire_detail(request, questionnaire_id: int):
    questionnaire = get_object_for(
        request.user, Permission.READ, Questionnaire, pk=questionnaire_id
    )
    sections = questionnaire.sections.prefetch_related(
        "questions__choices", "questions__commitment", "questions__condition_question"
    )
    return render(
        request,
        "enquetes/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "sections": sections,
            "can_edit": request.user.may(Permission.EDIT, questionnaire.cooperative),
        },
    )


@require_POST
def questionnaire_version(request, questionnaire_id: int):
    questionnaire = get_object_for(
        request.user, Permission.EDIT, Questionnaire, pk=questionnaire_id
    )
    copy = questionnaire_new_version(questionnaire=questionnaire)
    messages.success(request, f"Version {copy.version} créée : vous pouvez la modifier.")
    return redirect("questionnaire_detail", questionnaire_id=copy.pk)


def _frozen(request, questionnaire: Questionnaire):
    """A questionnaire used by a campaign is not edited: a new version is."""
    messages.error(
        request, "Ce questionnaire est utilisé par une campagne : créez-en une nouvelle version."
    )
    return redirect("questionnaire_detail", questionnaire_id=questionnaire.pk)


def section_new(request, questionnaire_id: int):
    questionnaire = get_object_for(
        request.user, Permission.EDIT, Questionnaire, pk=questionnaire_id
    )
    if questionnaire.is_frozen:
        return _frozen(request, questionnaire)
    form = SectionForm(request.POST or None, initial={"position": questionnaire.sections.count()})
    if request.method == "POST" and form.is_valid():
        form.instance.questionnaire = questionnaire
        form.save()
        return redirect("questionnaire_detail", questionnaire_id=questionnaire.pk)
    return render(
        request, "enquetes/builder_form.html",
        {"form": form, "questionnaire": questionnaire, "title": "Nouvelle section"},
    )  # fmt: skip


def _save_question(form: QuestionForm, questionnaire: Questionnaire) -> Question:
    return question_save(
        question=form.save(commit=False),
        questionnaire=questionnaire,
        condition_values=form.cleaned_data["condition_values"],
        choices=form.cleaned_data["choices"],
    )


def question_new(request, questionnaire_id: int):
    questionnaire = get_object_for(
        request.user, Permission.EDIT, Questionnaire, pk=questionnaire_id
    )
    if questionnaire.is_frozen:
        return _frozen(request, questionnaire)
    form = QuestionForm(request.POST or None, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        _save_question(form, questionnaire)
        messages.success(request, "Question ajoutée.")
        return redirect("questionnaire_detail", questionnaire_id=questionnaire.pk)
    return render(
        request, "enquetes/builder_form.html",
        {"form": form, "questionnaire": questionnaire, "title": "Nouvelle question"},
    )  # fmt: skip


def question_edit(request, question_id: int):
    question = get_object_for(request.user, Permission.EDIT, Question, pk=question_id)
    questionnaire = question.questionnaire
    if questionnaire.is_frozen:
        return _frozen(request, questionnaire)
    form = QuestionForm(request.POST or None, instance=question, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        _save_question(form, questionnaire)
        messages.success(request, "Question enregistrée.")
        return redirect("questionnaire_detail", questionnaire_id=questionnaire.pk)
    return render(
        request, "enquetes/builder_form.html",
        {"form": form, "questionnaire": questionnaire, "title": "Modifier la question"},
    )  # fmt: skip
