"""The answers of a page: checked against the snapshot, drawn back with their errors; and the
staff form of a whole response taken by telephone or on paper.

`answers_clean` states the rules once, for the buyer's pages and the staff form alike: an
answer must be one of the options offered, a text at most `TEXT_MAX` characters, a required
question needs an answer, and a conditional question is asked only when its condition is met.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django import forms
from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe

from coopqualite.templatetags.french import format_number
from enquetes.answering.drawing import TEXT_MAX, first_id, question_html, shown, with_answer
from enquetes.answering.snapshot import Page, QuestionSnapshot, Snapshot, Value

CHOOSE = "Choisissez une réponse."
REQUIRED = {
    "multiple": "Cochez au moins une réponse.",
    "text": "Écrivez votre réponse.",
}
NOT_OFFERED = "Cette réponse n'est pas proposée."
NUL = "Le texte contient un caractère non autorisé."


def _too_long(length: int) -> str:
    return (
        f"Votre réponse compte {format_number(length)} caractères : "
        f"{format_number(TEXT_MAX)} au plus."
    )


def _posted(question: QuestionSnapshot, data: QueryDict) -> tuple[Value | None, str]:
    """The answer posted for `question` (None if empty) and its error, if any."""
    if question.type == "text":
        text = (data.get(question.name) or "").strip()
        if len(text) > TEXT_MAX:
            return None, _too_long(len(text))
        if "\x00" in text:
            return None, NUL
        return text or None, ""
    offered = {value for value, _ in question.options}
    if question.type == "multiple":
        values = list(dict.fromkeys(data.getlist(question.name)))  # each option once
        if any(value not in offered for value in values):
            return None, NOT_OFFERED
        return values or None, ""
    value = data.get(question.name) or ""
    if value and value not in offered:
        return None, NOT_OFFERED
    return value or None, ""


def answers_clean(
    questions: Sequence[QuestionSnapshot], data: QueryDict, *, earlier: Mapping[int, Value]
) -> tuple[dict[int, Value], dict[int, str]]:
    """The answers to `questions` posted in `data` ({question id: value(s) or text}, empty
    answers left out) and the errors ({question id: message}).

    A question conditioned by a question outside `questions` is asked only if the saved answers
    `earlier` meet its condition. One conditioned by a question among them is always drawn: its
    answer is kept, and it is required, only when the condition is met by the posted answers
    (conditions may chain: C depends on B, which depends on A).
    """
    here = {q.pk for q in questions}
    asked = [q for q in questions if q.condition_question_id in here or q.is_shown(earlier)]
    answers: dict[int, Value] = {}
    errors: dict[int, str] = {}
    for question in asked:
        value, error = _posted(question, data)
        if error:
            errors[question.pk] = error
        elif value is not None:
            answers[question.pk] = value
    dependents = [q for q in asked if q.condition_question_id in here]
    changed = True
    while changed:  # drop what depends on an unmet condition, until nothing changes
        changed = False
        for question in dependents:
            if question.pk in answers and not question.is_shown(answers):
                del answers[question.pk]
                changed = True
    for question in asked:
        if question.condition_question_id in here and not question.is_shown(answers):
            errors.pop(question.pk, None)  # not asked after all: what was posted is ignored
        elif question.required and question.pk not in answers and question.pk not in errors:
            errors[question.pk] = REQUIRED.get(question.type, CHOOSE)
    return answers, errors


def posted_values(page: Page, data: QueryDict) -> dict[int, Value]:
    """What was posted for the page's questions, as it is drawn back with the errors."""
    return {
        q.pk: data.get(q.name, "") if q.type == "text" else data.getlist(q.name)
        for q in page.questions
    }


def page_html(
    page: Page,
    *,
    earlier: Mapping[int, Value],
    given: Mapping[int, Value],
    errors: Mapping[int, str],
) -> SafeString:
    """The questions of the page asked after the saved answers `earlier`, showing the answers
    `given` (saved or posted) and the errors. A question without either is the snapshot's; one
    with an answer and no error, the snapshot's with the answer put in."""
    parts = []
    for question in page.asked(earlier):
        value, error = given.get(question.pk), errors.get(question.pk, "")
        if error:
            here = page.conditioned_here(question)
            parts.append(question_html(shown(question, conditioned_here=here, given=value,
                                             error=error)))  # fmt: skip
        elif value:
            parts.append(with_answer(page.blank_html[question.pk], question, value))
        else:
            parts.append(page.blank_html[question.pk])
    return mark_safe("".join(parts))  # each part comes from the template engine


def error_links(page: Page, errors: Mapping[int, str]) -> list[tuple[str, str, str]]:
    """(element id, question, message) of each error, in page order, for the error summary."""
    return [(first_id(q), q.text, errors[q.pk]) for q in page.questions if q.pk in errors]


class _AnswerField(forms.Field):
    """A question drawn on the staff page (label, options, required mark); whether its answer
    is valid is `answers_clean`'s to say."""

    def validate(self, value) -> None:
        pass


def _entry_field(question: QuestionSnapshot, conditioned: bool) -> forms.Field:
    widget: forms.Widget
    if question.type == "text":
        widget = forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX})
    elif question.type == "multiple":
        widget = forms.CheckboxSelectMultiple(choices=question.options)
    else:
        widget = forms.RadioSelect(choices=question.options)
    help_texts = [question.help_text, question.condition_hint if conditioned else ""]
    return _AnswerField(
        label=question.text,
        required=question.required and not conditioned,
        help_text=" ".join(text for text in help_texts if text),
        widget=widget,
    )


class ResponseEntryForm(forms.Form):
    """Every question of the questionnaire on one staff page (a response taken by telephone or
    on paper). Its fields are built for each request from the snapshot: a widget, which crispy
    changes as it draws an error, is never shared with another request."""

    def __init__(self, data=None, *, snapshot: Snapshot):
        super().__init__(data)
        self.snapshot = snapshot
        self.answers: dict[int, Value] = {}
        ids = {q.pk for q in snapshot.questions}
        for question in snapshot.questions:
            conditioned = question.condition_question_id in ids
            self.fields[question.name] = _entry_field(question, conditioned)

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(page title, its fields) for each page of the questionnaire."""
        return [
            (page.title, [self[q.name] for q in page.questions]) for page in self.snapshot.pages
        ]

    def clean(self):
        data = super().clean()
        self.answers, errors = answers_clean(self.snapshot.questions, self.data, earlier={})
        for pk, message in errors.items():
            self.add_error(f"q{pk}", message)
        return data
