"""Run by the peer's virtual environment: migrate the peer database, then write a survey of
QUESTIONS radio questions on one page (the four satisfaction answers, as the portal's bench
survey), open to anonymous visitors, and print its id. Emptied first: every run starts alike.

    var/bench-peer/bin/python -m bench.peer.load QUESTIONS
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.peer.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

CHOICES = "Très satisfait, Plutôt satisfait, Peu satisfait, Pas du tout satisfait"


def main() -> None:
    from survey.models import Question, Response, Survey  # type: ignore[import-not-found]

    questions = int(sys.argv[1])
    call_command("migrate", verbosity=0)
    Response.objects.all().delete()
    Survey.objects.all().delete()
    survey = Survey.objects.create(
        name="Enquête de satisfaction", description="Banc d'essai", is_published=True,
        need_logged_user=False, editable_answers=True, display_method=Survey.ALL_IN_ONE_PAGE,
    )  # fmt: skip
    Question.objects.bulk_create(
        Question(
            survey=survey,
            text=f"Question {n}",
            order=n,
            required=True,
            type=Question.RADIO,
            choices=CHOICES,
        )  # fmt: skip
        for n in range(1, questions + 1)
    )
    ids = survey.questions.order_by("order").values_list("pk", flat=True)
    print(survey.pk, " ".join(str(pk) for pk in ids))


if __name__ == "__main__":
    main()
