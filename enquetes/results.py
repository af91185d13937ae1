"""Results of a campaign, aggregated by the database.

Satisfaction rate as the HLM movement computes it: (très + assez satisfaits) / those who gave an
opinion ("ne sait pas" and no answer are left out of the base), with a 95 % Wilson interval.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from engagements.sources import Figure
from enquetes import scales
from enquetes.models import Answer, Campaign, Invitation, Question, Response, Theme

MIN_CELL = 5  # anonymous campaigns: no breakdown below this number of respondents


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion, in percent."""
    if n == 0:
        return (0.0, 0.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half) * 100, min(1.0, centre + half) * 100)


def _pct(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


@dataclass
class Rate:
    """A satisfaction rate with its base and interval."""

    satisfied: int = 0
    very: int = 0
    opinions: int = 0
    dont_know: int = 0

    def add(self, value: str, n: int) -> None:
        if value in scales.OPINIONS:
            self.opinions += n
            if value in scales.SATISFIED:
                self.satisfied += n
            if value == "tres_satisfait":
                self.very += n
        elif value == scales.DONT_KNOW[0]:
            self.dont_know += n

    @property
    def rate(self) -> float | None:
        return _pct(self.satisfied, self.opinions)

    @property
    def very_rate(self) -> float | None:
        return _pct(self.very, self.opinions)

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.satisfied, self.opinions)


@dataclass
class QuestionResult:
    question: Question
    counts: dict[str, int] = field(default_factory=dict)
    respondents: int = 0
    rate: Rate | None = None
    previous_rate: float | None = None
    hidden: bool = False

    @property
    def distribution(self) -> list[tuple[str, str, int, float | None]]:
        """(value, label, count, share of respondents) in the scale's order."""
        rows = []
        for value, label in scales.options_for(self.question):
            n = self.counts.get(value, 0)
            rows.append((value, label, n, _pct(n, self.respondents)))
        return rows

    @property
    def change(self) -> float | None:
        if self.rate and self.rate.rate is not None and self.previous_rate is not None:
            return self.rate.rate - self.previous_rate
        return None

    @property
    def nps(self) -> float | None:
        if self.question.type != Question.Type.NPS or not self.respondents:
            return None
        promoters = sum(self.counts.get(v, 0) for v in scales.NPS_PROMOTERS)
        detractors = sum(self.counts.get(v, 0) for v in scales.NPS_DETRACTORS)
        return 100 * (promoters - detractors) / self.respondents


def _question_counts(campaign_ids: list[int]) -> dict[tuple[int, str, str], int]:
    """{(campaign_id, question key, value): count} over completed responses; free-text answers
    are counted under the value ""."""
    rows = (
        Answer.objects.filter(response__campaign_id__in=campaign_ids, response__completed=True)
        .values_list("response__campaign_id", "question__key", "value")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {(c, key, value): n for c, key, value, n in rows}


def _respondents(
    campaign_id: int, questions: list[Question], counts: dict[tuple[int, str, str], int]
) -> dict[str, int]:
    """Respondents per question key. A single-valued question has one row per respondent, so
    its counts add up; only multiple-choice questions need a distinct count."""
    per_key: dict[str, int] = defaultdict(int)
    for (c, key, _), n in counts.items():
        if c == campaign_id:
            per_key[key] += n
    multiple = [q.pk for q in questions if q.type == Question.Type.MULTIPLE]
    if multiple:
        per_key.update(
            Answer.objects.filter(
                response__campaign_id=campaign_id,
                response__completed=True,
                question_id__in=multiple,
            )
            .values_list("question__key")
            .annotate(n=Count("response_id", distinct=True))
            .order_by()
        )
    return per_key


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The last campaign of the same kind (and key step) that opened before this one."""
    return (
        Campaign.objects.filter(
            cooperative_id=campaign.cooperative_id,
            kind=campaign.kind,
            key_step=campaign.key_step,
            opens_on__lt=campaign.opens_on,
            launched_at__isnull=False,
        )
        .order_by("-opens_on")
        .first()
    )


@dataclass
class CampaignResults:
    campaign: Campaign
    previous: Campaign | None
    invited: int
    answered: int
    responses: int
    by_channel: dict[str, int]
    questions: list[QuestionResult]
    themes: list[tuple[str, Rate, float | None]]
    commitments: list[tuple[object, Rate]]
    hidden: bool

    @property
    def response_rate(self) -> float | None:
        return _pct(self.answered, self.invited)


def _rate_of(key: str, campaign_id: int, counts) -> Rate:
    rate = Rate()
    for value in (*scales.OPINIONS, scales.DONT_KNOW[0]):
        rate.add(value, counts.get((campaign_id, key, value), 0))
    return rate


def campaign_results(campaign: Campaign) -> CampaignResults:
    """Every figure of the results page, in a fixed number of queries."""
    previous = previous_campaign(campaign)
    ids = [campaign.pk] + ([previous.pk] if previous else [])
    counts = _question_counts(ids)
    invitations = Invitation.objects.filter(campaign=campaign).aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False))
    )
    by_channel = dict(
        Response.objects.filter(campaign=campaign, completed=True)
        .values_list("channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total = sum(by_channel.values())
    hidden = campaign.anonymous and total < MIN_CELL
    questions = list(
        Question.objects.filter(questionnaire=campaign.questionnaire)
        .select_related("section", "commitment")
        .prefetch_related("choices")
    )
    respondents = _respondents(campaign.pk, questions, counts)
    results = []
    themes: dict[str, tuple[Rate, Rate]] = defaultdict(lambda: (Rate(), Rate()))
    by_commitment: dict[int, tuple[object, Rate]] = {}
    for question in questions:
        result = QuestionResult(
            question=question,
            counts={
                value: n
                for (c, key, value), n in counts.items()
                if c == campaign.pk and key == question.key
            },
            respondents=respondents.get(question.key, 0),
            hidden=hidden,
        )
        if question.is_scale:
            result.rate = _rate_of(question.key, campaign.pk, counts)
            if previous:
                result.previous_rate = _rate_of(question.key, previous.pk, counts).rate
            now, before = themes[question.theme or "general"]
            for value in (*scales.OPINIONS, scales.DONT_KNOW[0]):
                now.add(value, counts.get((campaign.pk, question.key, value), 0))
                if previous:
                    before.add(value, counts.get((previous.pk, question.key, value), 0))
            if question.commitment_id:
                _, rate = by_commitment.setdefault(
                    question.commitment_id, (question.commitment, Rate())
                )
                for value in (*scales.OPINIONS, scales.DONT_KNOW[0]):
                    rate.add(value, counts.get((campaign.pk, question.key, value), 0))
        results.append(result)
    labels = dict(Theme.choices)
    theme_rows = [
        (
            labels.get(theme, theme),
            now,
            (now.rate - before.rate) if now.rate is not None and before.rate is not None else None,
        )
        for theme, (now, before) in themes.items()
    ]
    return CampaignResults(
        campaign=campaign,
        previous=previous,
        invited=invitations["invited"],
        answered=invitations["answered"],
        responses=total,
        by_channel=by_channel,
        questions=results,
        themes=theme_rows,
        commitments=list(by_commitment.values()),
        hidden=hidden,
    )


def programme_rates(campaign: Campaign) -> list[dict]:
    """Response rate per programme; for anonymous campaigns, programmes with fewer than five
    respondents are grouped as hidden."""
    rows = (
        Invitation.objects.filter(campaign=campaign)
        .values("programme_id", "programme__name")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .order_by("programme__name")
    )
    out = []
    for row in rows:
        small = campaign.anonymous and row["answered"] < MIN_CELL
        out.append(
            {
                "name": row["programme__name"] or "Sans programme",
                "invited": row["invited"],
                "answered": None if small else row["answered"],
                "rate": None if small else _pct(row["answered"], row["invited"]),
                "hidden": small,
            }
        )
    return out


def programme_satisfaction(campaign: Campaign) -> list[dict]:
    """Overall satisfaction (every scale question) per programme, small cells hidden."""
    rows = (
        Answer.objects.filter(
            response__campaign=campaign,
            response__completed=True,
            question__type=Question.Type.SATISFACTION,
        )
        .values_list("response__programme__name", "value")
        .annotate(n=Count("*"))
        .order_by()
    )
    respondents = dict(
        Response.objects.filter(campaign=campaign, completed=True)
        .values_list("programme__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rates: dict[str, Rate] = defaultdict(Rate)
    for name, value, n in rows:
        rates[name].add(value, n)
    out = []
    for name, rate in sorted(rates.items(), key=lambda item: item[0] or ""):
        n = respondents.get(name, 0)
        hidden = campaign.anonymous and n < MIN_CELL
        out.append({"name": name or "Sans programme", "respondents": n, "rate": rate,
                    "hidden": hidden})  # fmt: skip
    return out


def answered_over_time(campaign: Campaign) -> list[tuple[dt.date, int]]:
    """Cumulative number of answered invitations per day."""
    rows = (
        Invitation.objects.filter(campaign=campaign, answered_at__isnull=False)
        .values_list("answered_at__date")
        .annotate(n=Count("pk"))
        .order_by("answered_at__date")
    )
    total, out = 0, []
    for day, n in rows:
        total += n
        out.append((day, total))
    return out


def comments(campaign: Campaign, search: str = ""):
    """Free-text answers of completed responses (never with who wrote them)."""
    answers = Answer.objects.filter(
        response__campaign=campaign, response__completed=True, question__type="text"
    ).exclude(text="")
    if search:
        answers = answers.filter(text__icontains=search)
    return answers.select_related("question").order_by("question__position", "text")


class SurveyResultsProvider:
    """Feeds the survey-sourced indicators of the engagements app."""

    def satisfaction(
        self, *, cooperative_id: int, selector: str, start: dt.date, end: dt.date
    ) -> Figure | None:
        kind, _, key = selector.partition(":")
        if kind not in ("question", "theme") or not key:
            return None
        campaign = (
            Campaign.objects.filter(
                cooperative_id=cooperative_id,
                launched_at__isnull=False,
                closes_on__range=(start, end),
            )
            .order_by("-closes_on")
            .first()
        )
        if campaign is None:
            return None
        answers = Answer.objects.filter(
            response__campaign=campaign,
            response__completed=True,
            question__type=Question.Type.SATISFACTION,
        )
        answers = (
            answers.filter(question__key=key)
            if kind == "question"
            else answers.filter(question__theme=key)
        )
        rate = Rate()
        for value, n in answers.values_list("value").annotate(n=Count("*")).order_by():
            rate.add(value, n)
        if not rate.opinions:
            return None
        value = Decimal(rate.rate).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return Figure(value, rate.opinions)
