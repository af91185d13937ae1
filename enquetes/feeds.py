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
from collections import defaultdict
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
from enquetes.tallies import campaign_counts

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
    seen on `today` (the rule in this module's docstring). The indicators read a closed wave's
    counts instead (`enquetes.tallies`); this says which responses they stand for."""
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
        campaigns = feed_campaigns(cooperative_id, feed, family)
        values, people, anonymous = _dated_counts(
            counted_responses(campaigns.filter(DATED), start, end, today), kind, key
        )
        waves = list(
            campaigns.exclude(DATED).filter(closes_on__range=(start, end), closes_on__lt=today)
        )
        keys = _satisfaction_keys([c.questionnaire_id for c in waves], kind, key)
        for campaign in waves:
            counts = campaign_counts(campaign)
            wave_keys = keys.get(campaign.questionnaire_id, set())
            for question_key in wave_keys:
                for answer, n in counts.values.get(question_key, {}).items():
                    values[answer] += n
            if kind == "theme":
                people += counts.themes.get(key, 0)
            elif wave_keys:  # one answer per person: the opinions are the people
                answers = counts.values.get(key, {})
                people += sum(n for answer, n in answers.items() if answer in scales.OPINIONS)
            anonymous = anonymous or (campaign.anonymous and counts.responses > 0)
        rate = satisfaction_rate(values.items())
        if rate.rate is None:  # no opinion given
            return None
        if is_hidden(anonymous, people):
            return None
        value = Decimal(rate.rate).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return Figure(value, people)


# A nominative key-step campaign counts its responses by the day they were sent (the rule above).
DATED = Q(kind=SurveyKind.KEY_STEP, anonymous=False)


def _selected(answers: QuerySet[Answer], kind: str, key: str) -> QuerySet[Answer]:
    answers = answers.filter(question__type=Question.Type.SATISFACTION)
    return (
        answers.filter(question__key=key)
        if kind == "question"
        else answers.filter(question__theme=key)
    )


def _dated_counts(
    responses: QuerySet[Response], kind: str, key: str
) -> tuple[defaultdict[str, int], int, bool]:
    """(answers per value, people with an opinion, any anonymous) of dated responses, read from
    their answers (a dated campaign's counts are not kept per day)."""
    answers = _selected(Answer.objects.filter(response__in=responses), kind, key)
    values: defaultdict[str, int] = defaultdict(int)
    for value, n in answers.values_list("value").annotate(n=Count("*")).order_by():
        values[value] += n
    if not values:
        return values, 0, False
    people = answers.filter(value__in=scales.OPINIONS).aggregate(
        n=Count("response_id", distinct=True)
    )["n"]
    return values, people, False  # dated campaigns are nominative


def _satisfaction_keys(questionnaire_ids: list[int], kind: str, key: str) -> dict[int, set[str]]:
    """{questionnaire id: keys of its satisfaction questions that the selector takes}."""
    if not questionnaire_ids:
        return {}
    questions = Question.objects.filter(
        questionnaire_id__in=questionnaire_ids, type=Question.Type.SATISFACTION
    )
    questions = questions.filter(key=key) if kind == "question" else questions.filter(theme=key)
    out: dict[int, set[str]] = defaultdict(set)
    for questionnaire_id, question_key in questions.values_list("questionnaire_id", "key"):
        out[questionnaire_id].add(question_key)
    return out
