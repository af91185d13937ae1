"""The questionnaire as the buyer answers it: pages, questions and their options as plain
immutable values, with the HTML of each question not answered yet.

This is one of the journey's two caches (the other: `frames`). A questionnaire is frozen when a
campaign is launched with it and never changes afterwards (its questions cannot be edited any
more, a change makes a new version), so the snapshot of a frozen questionnaire is kept per
process, keyed by what makes it immutable: (questionnaire id, frozen_at, anonymous). At most
`SNAPSHOTS_MAX` are kept (least recently used first out); `snapshots_clear()` empties the cache.
A questionnaire not frozen yet is read again on every call.

A snapshot is the questionnaire as one kind of campaign asks it: an anonymous campaign never asks
for the consent to be contacted back (`Question.objects.asked`); a section left without a
question is no page.

Nothing in a snapshot is an ORM object: nothing read from it can be changed for the next request.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from enquetes import scales
from enquetes.answering.drawing import question_html, shown
from enquetes.models import Question, Questionnaire, Section

SNAPSHOTS_MAX = 64  # frozen questionnaires answered at once, per process: a few dozen at most

Value = list[str] | str  # the answer to a question: the chosen values, or a text


@dataclass(frozen=True)
class QuestionSnapshot:
    pk: int
    key: str
    text: str
    help_text: str
    type: str
    required: bool
    options: tuple[tuple[str, str], ...]  # (value, label), in display order
    condition_question_id: int | None
    condition_values: tuple[str, ...]
    condition_hint: str  # "Seulement si vous avez répondu « Oui » à la question « … »."

    @property
    def name(self) -> str:
        """The name of its field in a posted form."""
        return f"q{self.pk}"

    def is_shown(self, values: Mapping[int, Value]) -> bool:
        """A conditional question shows when its condition question got one of the values."""
        if self.condition_question_id is None:
            return True
        given = values.get(self.condition_question_id) or []
        given = [given] if isinstance(given, str) else given
        return any(value in self.condition_values for value in given)


@dataclass(frozen=True)
class Page:
    """One section of the questionnaire: one page for the buyer."""

    number: int
    title: str
    help_text: str
    questions: tuple[QuestionSnapshot, ...]
    question_ids: frozenset[int]
    blank_html: Mapping[int, str]  # {question id: its HTML with no answer and no error}

    def conditioned_here(self, question: QuestionSnapshot) -> bool:
        """Whether `question` depends on a question of this page (then it is always drawn,
        with its condition as a hint)."""
        return question.condition_question_id in self.question_ids

    def asked(self, earlier: Mapping[int, Value]) -> list[QuestionSnapshot]:
        """The questions drawn on the page: those conditioned by an earlier page only if the
        saved answers `earlier` meet their condition."""
        return [q for q in self.questions if self.conditioned_here(q) or q.is_shown(earlier)]


@dataclass(frozen=True)
class Snapshot:
    questionnaire_id: int
    frozen_at: dt.datetime | None
    pages: tuple[Page, ...]
    questions: tuple[QuestionSnapshot, ...]  # every question, in questionnaire order

    def page(self, number: int) -> Page | None:
        return self.pages[number - 1] if 1 <= number <= len(self.pages) else None


def snapshot_of(questionnaire: Questionnaire, *, anonymous: bool) -> Snapshot:
    """The snapshot of `questionnaire` as a campaign `anonymous` or not asks it: from the cache
    if it is frozen (no query), else read (two queries)."""
    if questionnaire.frozen_at is None:
        return _read(questionnaire.pk, None, anonymous)
    return _frozen(questionnaire.pk, questionnaire.frozen_at, anonymous)


def snapshots_clear() -> None:
    """Forget every cached snapshot (tests do it around each test)."""
    _frozen.cache_clear()


@functools.lru_cache(maxsize=SNAPSHOTS_MAX)
def _frozen(questionnaire_id: int, frozen_at: dt.datetime, anonymous: bool) -> Snapshot:
    return _read(questionnaire_id, frozen_at, anonymous)


def _read(questionnaire_id: int, frozen_at: dt.datetime | None, anonymous: bool) -> Snapshot:
    """Two queries: the questions with their sections, then their choices."""
    rows = list(
        Question.objects.filter(questionnaire_id=questionnaire_id)
        .asked(anonymous=anonymous)
        .select_related("section")
        .prefetch_related("choices")
        .order_by("section__position", "section_id", "position", "pk")
    )
    by_pk = {row.pk: row for row in rows}
    sections: dict[int, list[QuestionSnapshot]] = {}
    for row in rows:
        sections.setdefault(row.section_id, []).append(_question(row, by_pk))
    section_of = {row.section_id: row.section for row in rows}
    pages = []
    for number, (section_id, questions) in enumerate(sections.items(), start=1):
        pages.append(_page(number, section_of[section_id], tuple(questions)))
    return Snapshot(
        questionnaire_id=questionnaire_id,
        frozen_at=frozen_at,
        pages=tuple(pages),
        questions=tuple(q for page in pages for q in page.questions),
    )


def _question(row: Question, by_pk: dict[int, Question]) -> QuestionSnapshot:
    condition = None if row.condition_question_id is None else by_pk.get(row.condition_question_id)
    hint = ""
    if condition is not None:
        labels = dict(scales.options_for(condition))
        answers = " ou ".join(f"« {labels.get(v, v)} »" for v in row.condition_values)
        hint = f"Seulement si vous avez répondu {answers} à la question « {condition.text} »."
    return QuestionSnapshot(
        pk=row.pk,
        key=row.key,
        text=row.text,
        help_text=row.help_text,
        type=row.type,
        required=row.required,
        options=tuple(scales.options_for(row)),
        condition_question_id=row.condition_question_id,
        condition_values=tuple(row.condition_values),
        condition_hint=hint,
    )


def _page(number: int, section: Section, questions: tuple[QuestionSnapshot, ...]) -> Page:
    ids = frozenset(q.pk for q in questions)
    blank = {
        q.pk: question_html(shown(q, conditioned_here=q.condition_question_id in ids))
        for q in questions
    }
    return Page(number, section.title, section.help_text, questions, ids, MappingProxyType(blank))
