"""How the buyer's page draws one question: plain values into `buyer/_question.html`, no form
field or widget (a page of 30 scales draws several times faster this way).

The snapshot draws each question once with nothing answered (`snapshot.Page.blank_html`); a page
draws again only the questions that have an error. A question with an answer and no error (a
returning buyer's page) is its blank HTML with the answer put in (`with_answer`): the ticked
options marked `checked`, the text inside its box; a test holds it equal to the template's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.template.loader import get_template
from django.utils.html import escape

if TYPE_CHECKING:
    from enquetes.answering.snapshot import QuestionSnapshot

TEXT_MAX = 3000  # characters of a free-text answer

TEMPLATE = "buyer/_question.html"


@dataclass
class Shown:
    """One question as `buyer/_question.html` draws it."""

    name: str
    id: str
    type: str
    label: str
    required: bool
    help_text: str = ""
    hint: str = ""
    error: str = ""
    text: str = ""
    options: list[tuple[str, str, str, bool]] = field(default_factory=list)
    max_length: int = TEXT_MAX

    @property
    def is_text(self) -> bool:
        return self.type == "text"

    @property
    def is_nps(self) -> bool:
        return self.type == "nps"

    @property
    def is_multiple(self) -> bool:
        return self.type == "multiple"

    @property
    def described_by(self) -> str:
        parts = [
            f"{self.id}_aide" if self.help_text else "",
            f"{self.id}_echelle" if self.is_nps else "",
            f"{self.id}_condition" if self.hint else "",
            f"{self.id}_erreur" if self.error else "",
        ]
        return " ".join(p for p in parts if p)


def shown(
    question: QuestionSnapshot,
    *,
    conditioned_here: bool,
    given: Iterable[str] | str | None = None,
    error: str = "",
) -> Shown:
    """`question` with what was answered (saved or posted) and its error.

    A question conditioned by a question of the same page shows its condition as a hint and is
    not marked required up front (it is required only when the condition is met).
    """
    text = given if question.type == "text" and isinstance(given, str) else ""
    chosen = set() if not given or text else ({given} if isinstance(given, str) else set(given))
    return Shown(
        name=question.name,
        id=f"id_{question.name}",
        type=question.type,
        label=question.text,
        required=question.required and not conditioned_here,
        help_text=question.help_text,
        hint=question.condition_hint if conditioned_here else "",
        error=error,
        text=text,
        options=[
            (value, label, f"id_{question.name}_{i}", value in chosen)
            for i, (value, label) in enumerate(question.options)
        ],
    )


def first_id(question: QuestionSnapshot) -> str:
    """The element an error summary links to: the text box, or the first option."""
    return f"id_{question.name}" if question.type == "text" else f"id_{question.name}_0"


def question_html(question: Shown) -> str:
    return get_template(TEMPLATE).render({"q": question})


def with_answer(blank: str, question: QuestionSnapshot, given: Iterable[str] | str) -> str:
    """The HTML `question_html` draws for `question` answered `given` without an error, made
    from its blank HTML `blank`: each chosen option's input marked `checked`, or the text put
    in its box (escaped as the template escapes it)."""
    if question.type == "text":
        if not isinstance(given, str):
            return blank
        return blank.replace("></textarea>", f">{escape(given)}</textarea>", 1)
    chosen = {given} if isinstance(given, str) else set(given)
    for i, (value, _) in enumerate(question.options):
        if value in chosen:
            option = f'id="id_{question.name}_{i}">'
            blank = blank.replace(option, f'id="id_{question.name}_{i}" checked>', 1)
    return blank
