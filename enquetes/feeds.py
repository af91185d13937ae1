"""Which survey results feed the indicators of the engagements app: the provider registered in
`EnquetesConfig.ready` through `engagements.sources.register_survey_results`.

The feeding rule, stated once:

- an indicator names its campaigns (`Indicator.survey_feed`): a kind of survey, with its key
  step for key-step surveys, and, if it wants, one questionnaire family (`survey_family`);
- a wave (triennial, new occupant) counts once closed, for the period that holds its closing day;
  a campaign still open counts for nothing, whatever its answers;
- a continuous key-step campaign counts its responses by the day they were sent, once the period
  is complete. Only a nominative campaign keeps that day: an anonymous one's responses carry no
  date (that is its promise), so it counts like a wave, once closed;
- the base is the respondents who gave an opinion on the question or theme (not the answers),
  and a figure of an anonymous campaign under the anonymity threshold is not given at all.

The indicator's minimum base is the engagements app's rule (`engagements.readings.reading`).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet

from engagements.sources import Figure
from enquetes import scales
from enquetes.anonymity import is_hidden
from enquetes.models import (
    Answer,
    Campaign,
    KeyStep,
    Question,
    Questionnaire,
    Response,
    SurveyKind,
)
from enquetes.selectors import satisfaction_rate

FEEDS = [
    (SurveyKind.TRIENNIAL.value, "Enquêtes triennales"),
    *[
        (f"{SurveyKind.KEY_STEP.value}:{step.value}", f"Enquêtes d'étape : {step.label.lower()}")
        for step in KeyStep
    ],
    (SurveyKind.NEW_OCCUPANT.value, "Enquêtes nouvel occupant"),
]


def feed_campaigns(cooperative_id: int, feed: str, family: str = "") -> QuerySet[Campaign]:
    """The launched campaigns an indicator names."""
    kind, _, step = feed.partition(":")
    campaigns = Campaign.objects.filter(
        cooperative_id=cooperative_id, launched_at__isnull=False, kind=kind, key_step=step
    )
    if family:
        campaigns = campaigns.filter(questionnaire__family=family)
    return campaigns


def counted_responses(
    campaigns: QuerySet[Campaign], start: dt.date, end: dt.date, today: dt.date
) -> QuerySet[Response]:
    """The completed responses of `campaigns` that count for the period from `start` to `end`,
    seen on `today` (the rule in this module's docstring)."""
    dated = Q(campaign__kind=SurveyKind.KEY_STEP, campaign__anonymous=False)
    counts = ~dated & Q(campaign__closes_on__range=(start, end), campaign__closes_on__lt=today)
    if end < today:  # a complete period
        counts |= dated & Q(submitted_on__range=(start, end))
    return Response.objects.filter(completed=True, campaign__in=campaigns).filter(counts)


class SurveyResultsProvider:
    """Feeds the survey-sourced indicators of the engagements app."""

    def feeds(self) -> list[tuple[str, str]]:
        return FEEDS

    def families(self, *, cooperative_id: int) -> list[tuple[str, str]]:
        titles: dict[str, str] = {}
        for family, title in (
            Questionnaire.objects.for_cooperative(cooperative_id)
            .order_by("family", "-version")
            .values_list("family", "title")
        ):
            titles.setdefault(family, title)
        return [(family, f"{title} ({family})") for family, title in titles.items()]

    def satisfaction(
        self,
        *,
        cooperative_id: int,
        selector: str,
        feed: str,
        family: str,
        start: dt.date,
        end: dt.date,
        today: dt.date,
    ) -> Figure | None:
        kind, _, key = selector.partition(":")
        if kind not in ("question", "theme") or not key or not feed:
            return None
        responses = counted_responses(
            feed_campaigns(cooperative_id, feed, family), start, end, today
        )
        answers = Answer.objects.filter(
            response__in=responses, question__type=Question.Type.SATISFACTION
        )
        answers = (
            answers.filter(question__key=key)
            if kind == "question"
            else answers.filter(question__theme=key)
        )
        rate = satisfaction_rate(answers.values_list("value").annotate(n=Count("*")).order_by())
        if rate.rate is None:  # no opinion given
            return None
        people = answers.filter(value__in=scales.OPINIONS).aggregate(
            n=Count("response_id", distinct=True)
        )["n"]
        if is_hidden(responses.filter(campaign__anonymous=True).exists(), people):
            return None
        value = Decimal(rate.rate).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return Figure(value, people)
