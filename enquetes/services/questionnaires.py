"""Questionnaires: created from the shipped templates, frozen when used, versioned on change."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cooperatives.models import Cooperative
from engagements.models import Commitment
from enquetes.library import TEMPLATES
from enquetes.models import Choice, Question, Questionnaire, Section


@transaction.atomic
def questionnaire_from_template(*, cooperative: Cooperative, template_key: str) -> Questionnaire:
    """A new questionnaire (next version of the template's family) from a shipped template.

    Questions are tied to the cooperative's commitments through their charter numbers.
    """
    template = TEMPLATES[template_key]
    commitments = {
        c.charter_number: c
        for c in Commitment.objects.for_cooperative(cooperative).exclude(charter_number=None)
    }
    latest = Questionnaire.objects.filter(
        cooperative=cooperative, family=template["key"]
    ).aggregate(v=Max("version"))["v"]
    questionnaire = Questionnaire.objects.create(
        cooperative=cooperative,
        family=template["key"],
        version=(latest or 0) + 1,
        title=template["title"],
        introduction=template["introduction"],
        kind=template["kind"],
    )
    by_key: dict[str, Question] = {}
    for s_pos, (title, questions) in enumerate(template["sections"]):
        section = Section.objects.create(questionnaire=questionnaire, title=title, position=s_pos)
        for q_pos, (key, text, kind, theme, charter, required, extra) in enumerate(questions):
            condition = extra if isinstance(extra, dict) else None
            question = Question.objects.create(
                questionnaire=questionnaire,
                section=section,
                key=key,
                text=text,
                type=kind,
                theme=theme,
                commitment=commitments.get(charter),
                required=required,
                position=q_pos,
                condition_question=by_key[condition["if"]] if condition else None,
                condition_values=condition["in"] if condition else [],
            )
            if isinstance(extra, list):
                Choice.objects.bulk_create(
                    Choice(question=question, value=value, label=label, position=i)
                    for i, (value, label) in enumerate(extra)
                )
            by_key[key] = question
    return questionnaire


def questionnaire_freeze(*, questionnaire: Questionnaire) -> None:
    """A questionnaire used by a campaign no longer changes (conditional: first caller wins)."""
    Questionnaire.objects.filter(pk=questionnaire.pk, frozen_at=None).update(
        frozen_at=timezone.now()
    )


@transaction.atomic
def questionnaire_new_version(*, questionnaire: Questionnaire) -> Questionnaire:
    """Copy a (frozen) questionnaire as the next version of its family, keys unchanged."""
    latest = Questionnaire.objects.filter(
        cooperative_id=questionnaire.cooperative_id, family=questionnaire.family
    ).aggregate(v=Max("version"))["v"]
    copy = Questionnaire.objects.create(
        cooperative_id=questionnaire.cooperative_id,
        family=questionnaire.family,
        version=latest + 1,
        title=questionnaire.title,
        introduction=questionnaire.introduction,
        kind=questionnaire.kind,
    )
    questions: dict[int, Question] = {}
    conditions: dict[int, int] = {}  # old question pk → old condition pk
    sections = questionnaire.sections.prefetch_related("questions__choices")
    for section in sections:
        new_section = Section.objects.create(
            questionnaire=copy,
            title=section.title,
            help_text=section.help_text,
            position=section.position,
        )
        for question in section.questions.all():
            old_pk = question.pk
            choices = list(question.choices.all())
            question.pk = None
            question.id = None
            question._state.adding = True
            question.questionnaire = copy
            question.section = new_section
            if question.condition_question_id:
                conditions[old_pk] = question.condition_question_id
            question.condition_question = None  # set below, once every question is copied
            question.save()
            questions[old_pk] = question
            Choice.objects.bulk_create(
                Choice(question=question, value=c.value, label=c.label, position=c.position)
                for c in choices
            )
    for old_pk, condition_pk in conditions.items():
        Question.objects.filter(pk=questions[old_pk].pk).update(
            condition_question=questions[condition_pk]
        )
    return copy


@transaction.atomic
def question_save(
    *,
    question: Question,
    questionnaire: Questionnaire,
    condition_values: list[str],
    choices: list[tuple[str, str]],
) -> Question:
    """Save a question of a questionnaire being built; its choices are replaced by `choices`
    ((value, label) pairs, kept only for single and multiple choice questions)."""
    question.questionnaire = questionnaire
    question.condition_values = condition_values
    question.save()
    question.choices.all().delete()
    if question.type in (Question.Type.SINGLE, Question.Type.MULTIPLE):
        Choice.objects.bulk_create(
            Choice(question=question, value=value, label=label, position=i)
            for i, (value, label) in enumerate(choices)
        )
    return question
