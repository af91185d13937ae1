"""The form of one survey page, built from its questions."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from django import forms

from enquetes import scales
from enquetes.models import Question
from enquetes.services.answering import is_shown

TEXT_MAX = 3000
REQUIRED = {
    Question.Type.MULTIPLE: "Cochez au moins une réponse.",
    Question.Type.TEXT: "Écrivez votre réponse.",
}


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def _field(question: Question) -> forms.Field:
    common = {
        "label": question.text,
        "required": question.required,
        "help_text": question.help_text,
        "error_messages": {
            "required": REQUIRED.get(question.type, "Choisissez une réponse."),
            "invalid_choice": "Cette réponse n'est pas proposée.",
        },
    }
    options = scales.options_for(question)
    if question.type == Question.Type.TEXT:
        return forms.CharField(
            max_length=TEXT_MAX,
            widget=forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX}),
            **common,
        )
    if question.type == Question.Type.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=options, widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)


def _field_of(question: Question) -> forms.Field:
    """A copy of the question's field, built once per question object and kept on it (the
    questions of a frozen questionnaire are cached objects, so once per process): building a
    choice field normalises its choices, which costs more than the rest of the form. The copy
    is shallow; only plain attributes (required, hints) are changed on it."""
    built = getattr(question, "_answer_field", None)
    if built is None:
        built = question._answer_field = _field(question)
    return copy.copy(built)


def _condition_hint(question: Question, condition: Question) -> str:
    """ "Seulement si vous avez répondu « Oui » à la question « … »"."""
    labels = dict(scales.options_for(condition))
    answers = " ou ".join(f"« {labels.get(v, v)} »" for v in question.condition_values)
    return f"Seulement si vous avez répondu {answers} à la question « {condition.text} »."


class PageForm(forms.Form):
    """One field per question shown on the page.

    A question conditioned by an earlier page is shown only if that page's answer allows it. A
    question conditioned by a question of the same page is shown with a hint, works without
    JavaScript, and is required (and kept) only when the condition is met.
    """

    def __init__(self, *args, questions: list[Question], earlier: dict, **kwargs):
        super().__init__(*args, **kwargs)
        on_page = {q.pk: q for q in questions}  # also spares a query per condition
        self.questions = [
            q for q in questions if q.condition_question_id in on_page or is_shown(q, earlier)
        ]
        for question in self.questions:
            field = _field_of(question)
            field.question = question
            if question.condition_question_id in on_page:
                field.required = False
                field.condition_hint = _condition_hint(
                    question, on_page[question.condition_question_id]
                )
            self.fields[field_name(question)] = field

    def clean(self):
        data = super().clean()
        given = {q.pk: data.get(field_name(q)) for q in self.questions}
        dependents = [q for q in self.questions if q.condition_question_id in given]
        # Drop the answers whose condition is not met, then what depended on them, and so on
        # until nothing changes (conditions may chain: C depends on B, which depends on A).
        changed = True
        while changed:
            changed = False
            for question in dependents:
                if given[question.pk] and not is_shown(
                    question, {k: v for k, v in given.items() if v}
                ):
                    given[question.pk] = None
                    changed = True
        for question in dependents:
            name = field_name(question)
            if not is_shown(question, {k: v for k, v in given.items() if v}):
                data[name] = None  # the condition is not met: ignore what was ticked
            elif question.required and not data.get(name) and name not in self.errors:
                self.add_error(name, REQUIRED.get(question.type, "Choisissez une réponse."))
        return data

    def answers(self) -> dict[int, list[str] | str]:
        """{question id: value(s) or text} of the cleaned data; empty answers are dropped."""
        out = {}
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question))
            if value not in (None, "", []):
                out[question.pk] = (
                    value.strip() if isinstance(value, str) and question.type == "text" else value
                )
        return out


@dataclass
class Shown:
    """One question as the buyer page draws it: plain values, no widget machinery (a page of
    30 scales renders several times faster than through bound fields and widgets)."""

    question: Question
    name: str
    id: str
    label: str
    required: bool
    help_text: str = ""
    hint: str = ""
    error: str = ""
    text: str = ""
    options: list[tuple[str, str, str, bool]] = field(default_factory=list)

    @property
    def is_text(self) -> bool:
        return self.question.type == Question.Type.TEXT

    @property
    def is_nps(self) -> bool:
        return self.question.type == Question.Type.NPS

    @property
    def first_id(self) -> str:
        return self.id if self.is_text else f"{self.id}_0"

    @property
    def described_by(self) -> str:
        parts = [
            f"{self.id}_aide" if self.help_text else "",
            f"{self.id}_echelle" if self.is_nps else "",
            f"{self.id}_condition" if self.hint else "",
            f"{self.id}_erreur" if self.error else "",
        ]
        return " ".join(p for p in parts if p)


def shown_questions(form: PageForm) -> list[Shown]:
    """The page's questions with what was answered (posted or saved) and their errors."""
    errors = form.errors if form.is_bound else {}
    out = []
    for question in form.questions:
        name = field_name(question)
        form_field = form.fields[name]
        if form.is_bound:
            raw = form.data.getlist(name) if question.type == "multiple" else form.data.get(name)
        else:
            raw = form.initial.get(name)
        chosen = set(raw) if isinstance(raw, list) else ({raw} if raw else set())
        out.append(
            Shown(
                question=question,
                name=name,
                id=f"id_{name}",
                label=question.text,
                required=form_field.required,  # a same-page condition: not up front
                help_text=question.help_text,
                hint=getattr(form_field, "condition_hint", ""),
                error=errors[name][0] if name in errors else "",
                text=raw if question.type == "text" and isinstance(raw, str) else "",
                options=[
                    (value, label, f"id_{name}_{i}", value in chosen)
                    for i, (value, label) in enumerate(scales.options_for(question))
                ],
            )
        )
    return out


def initial_from(values: dict, questions: list[Question]) -> dict:
    initial = {}
    for question in questions:
        value = values.get(question.pk)
        if value is None:
            continue
        if question.type in (Question.Type.MULTIPLE, Question.Type.TEXT):
            initial[field_name(question)] = value
        else:
            initial[field_name(question)] = value[0] if isinstance(value, list) else value
    return initial
