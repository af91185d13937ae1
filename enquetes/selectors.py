"""Reads of the survey pages: a campaign's results, its follow-up page, its exports, the lists of
questionnaires and campaigns, the federation's triennial overview. (What feeds survey-sourced
indicators: `enquetes.feeds`.)

Results are aggregated by the database. Satisfaction rate as the HLM movement computes it:
(très + assez satisfaits) / those who gave an opinion ("ne sait pas" and no answer are left out
of the base), with a 95 % Wilson interval.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.functions import Cast
from django.utils import timezone

from cooperatives.models import Cooperative, Programme
from coopqualite.outbox import selectors as outbox_selectors
from coopqualite.outbox.selectors import StateCount, outbox_counts, outbox_problems
from coopqualite.spreadsheets import safe_cell
from enquetes import scales
from enquetes.anonymity import hidden_cells, is_hidden
from enquetes.models import (
    Answer,
    Campaign,
    Invitation,
    Message,
    Question,
    Response,
    SurveyKind,
    Theme,
)
from enquetes.tallies import GENERAL, NO_PROGRAMME, Counts, campaign_counts

VERY_SATISFIED = scales.SATISFACTION[0][0]  # the top of the scale


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


@dataclass(frozen=True)
class Rate:
    """A satisfaction rate with its base and interval. Built by `satisfaction_rate`; rates of
    several questions (a theme, a commitment) add up, except `respondents`, which whoever
    counts the people sets (`dataclasses.replace`).

    *Avis exprimés* (`opinions`): answers on the scale other than "ne sait pas", one per person
    and question; the rate is the share of "très" and "assez satisfait" among them.
    *Répondants* (`respondents`): the people who gave at least one of those opinions. For one
    question they are as many as the opinions; a theme of three questions counts up to three
    opinions per respondent.
    """

    satisfied: int = 0
    very: int = 0
    opinions: int = 0
    dont_know: int = 0
    respondents: int | None = None

    def __add__(self, other: Rate) -> Rate:
        return Rate(
            satisfied=self.satisfied + other.satisfied,
            very=self.very + other.very,
            opinions=self.opinions + other.opinions,
            dont_know=self.dont_know + other.dont_know,
        )

    @property
    def rate(self) -> float | None:
        return _pct(self.satisfied, self.opinions)

    @property
    def very_rate(self) -> float | None:
        return _pct(self.very, self.opinions)

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.satisfied, self.opinions)


def satisfaction_rate(counts: Iterable[tuple[str, int]]) -> Rate:
    """The satisfaction rate of (answer value, number of answers) pairs: the one place that says
    which answers are opinions, which are satisfied, and that "ne sait pas" is left out."""
    satisfied = very = opinions = dont_know = 0
    for value, n in counts:
        if value in scales.OPINIONS:
            opinions += n
            satisfied += n if value in scales.SATISFIED else 0
            very += n if value == VERY_SATISFIED else 0
        elif value == scales.DONT_KNOW[0]:
            dont_know += n
    return Rate(satisfied=satisfied, very=very, opinions=opinions, dont_know=dont_know)


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
        if self.question.type != Question.Type.NPS:
            return None
        return nps_of(self.counts, self.respondents)


def nps_of(counts: dict[str, int], respondents: int) -> float | None:
    """The recommendation score: promoters (9–10) minus detractors (0–6), in % of the people
    who answered the 0–10 question; None without any."""
    if not respondents:
        return None
    promoters = sum(counts.get(v, 0) for v in scales.NPS_PROMOTERS)
    detractors = sum(counts.get(v, 0) for v in scales.NPS_DETRACTORS)
    return 100 * (promoters - detractors) / respondents


@dataclass(frozen=True)
class Cell:
    """One cell of a breakdown that splits the respondents (a programme, a channel): its people
    and its rate, both None when the anonymity mask hides it."""

    label: str
    respondents: int | None
    rate: Rate | None = None
    hidden: bool = False
    score: float | None = None  # a score that is not a rate (the recommendation score)


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
    channels: list[Cell]
    questions: list[QuestionResult]
    themes: list[tuple[str, Rate, float | None]]
    commitments: list[tuple[object, Rate]]
    hidden: bool
    hidden_themes: list[str] = field(default_factory=list)
    hidden_commitments: list[str] = field(default_factory=list)

    @property
    def response_rate(self) -> float | None:
        return _pct(self.answered, self.invited)


def _question_rate(counts: Counts, question: Question) -> Rate:
    values = counts.values.get(question.key, {})
    return satisfaction_rate(
        (value, values.get(value, 0)) for value, _ in scales.options_for(question)
    )


def _channels(campaign: Campaign, by_channel: dict[str, int]) -> list[Cell]:
    hidden = hidden_cells(campaign.anonymous, by_channel)
    return [
        Cell(label, None if value in hidden else by_channel[value], hidden=value in hidden)
        for value, label in Response.Channel.choices
        if by_channel.get(value)
    ]


def campaign_results(campaign: Campaign) -> CampaignResults:
    """Every figure of the results page, from the campaign's counts (`enquetes.tallies`), in a
    fixed number of queries. Breakdowns go through the anonymity mask; a wave is compared with
    the previous one on the questions both asked (same key, same type) only."""
    previous = previous_campaign(campaign)
    counts = campaign_counts(campaign)
    before_counts = campaign_counts(previous) if previous else None
    by_channel = counts.channels
    total = counts.responses
    anonymous = campaign.anonymous
    hidden = is_hidden(anonymous, total)
    questions = list(
        Question.objects.filter(questionnaire=campaign.questionnaire)
        .asked(anonymous=anonymous)
        .select_related("section", "commitment")
        .prefetch_related("choices")
    )
    shared = set()
    if previous:
        shared = set(
            Question.objects.filter(questionnaire_id=previous.questionnaire_id).values_list(
                "key", "type"
            )
        )
    theme_people = counts.themes
    commitment_people = {int(pk): n for pk, n in counts.commitments.items()}
    results = []
    themes: dict[str, Rate] = defaultdict(Rate)
    themes_shared: dict[str, Rate] = defaultdict(Rate)  # over the questions both waves asked
    themes_before: dict[str, Rate] = defaultdict(Rate)
    by_commitment: dict[int, Rate] = defaultdict(Rate)
    commitments = {}
    for question in questions:
        n = counts.respondents(question)
        result = QuestionResult(
            question=question,
            counts=dict(counts.values.get(question.key, {})),
            respondents=n,
            hidden=hidden or is_hidden(anonymous, n),
        )
        if question.is_scale:
            theme = question.theme or GENERAL
            rate = _question_rate(counts, question)
            result.rate = replace(rate, respondents=rate.opinions)
            themes[theme] += rate
            if before_counts is not None and (question.key, question.type) in shared:
                before = _question_rate(before_counts, question)
                result.previous_rate = before.rate
                themes_shared[theme] += rate
                themes_before[theme] += before
            if question.commitment_id:
                commitments[question.commitment_id] = question.commitment
                by_commitment[question.commitment_id] += rate
        results.append(result)
    labels = dict(Theme.choices)
    theme_rows, hidden_themes = [], []
    for theme, now in themes.items():
        people = theme_people.get(theme, 0)
        if is_hidden(anonymous, people):
            hidden_themes.append(labels.get(theme, theme))
            continue
        now_shared, earlier = themes_shared[theme].rate, themes_before[theme].rate
        change = now_shared - earlier if now_shared is not None and earlier is not None else None
        theme_rows.append((labels.get(theme, theme), replace(now, respondents=people), change))
    commitment_rows, hidden_commitments = [], []
    for pk, rate in by_commitment.items():
        people = commitment_people.get(pk, 0)
        if is_hidden(anonymous, people):
            hidden_commitments.append(str(commitments[pk]))
        else:
            commitment_rows.append((commitments[pk], replace(rate, respondents=people)))
    return CampaignResults(
        campaign=campaign,
        previous=previous,
        invited=counts.invited,
        answered=counts.answered,
        responses=total,
        channels=_channels(campaign, by_channel),
        questions=results,
        themes=theme_rows,
        commitments=commitment_rows,
        hidden=hidden,
        hidden_themes=hidden_themes,
        hidden_commitments=hidden_commitments,
    )


def _programme_names(keys: Iterable[str]) -> dict[str, str]:
    ids = [int(key) for key in keys if key != NO_PROGRAMME]
    names = dict(Programme.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    return {key: names.get(int(key), "") if key != NO_PROGRAMME else "" for key in keys}


def programme_rates(campaign: Campaign) -> list[dict]:
    """Response rate per programme; in an anonymous campaign the anonymity mask hides the
    programmes with few respondents (and as many others as it takes)."""
    programmes = campaign_counts(campaign).programmes
    names = _programme_names(programmes)
    hidden = hidden_cells(campaign.anonymous, {key: n for key, (_, n) in programmes.items()})
    out = []
    for key, (invited, answered) in sorted(programmes.items(), key=lambda item: names[item[0]]):
        small = key in hidden
        out.append(
            {
                "name": names[key] or "Sans programme",
                "invited": invited,
                "answered": None if small else answered,
                "rate": None if small else _pct(answered, invited),
                "hidden": small,
            }
        )
    return out


def programme_satisfaction(campaign: Campaign) -> list[Cell]:
    """Overall satisfaction (every scale question) per programme, through the anonymity mask."""
    counts = campaign_counts(campaign)
    people = counts.programme_people
    names = _programme_names(people)
    hidden = hidden_cells(campaign.anonymous, people)
    out = []
    for key, n in sorted(people.items(), key=lambda item: names[item[0]]):
        values = counts.programme_values.get(key)
        if not values:
            continue
        small = key in hidden
        out.append(
            Cell(
                label=names[key] or "Sans programme",
                respondents=None if small else n,
                rate=None if small else satisfaction_rate(values.items()),
                hidden=small,
            )
        )
    return out


def programme_recommendation(campaign: Campaign) -> dict[int | None, Cell]:
    """The recommendation score (`nps_of`) per programme id, through the anonymity mask: a
    hidden programme's cell has neither people nor score (`Cell.rate` stays None; the score is
    in `Cell.score`)."""
    rows = (
        Answer.objects.filter(
            response__campaign=campaign, response__completed=True, question__type=Question.Type.NPS
        )
        .values_list("response__programme_id", "response__programme__name", "value")
        .annotate(n=Count("*"))
        .order_by()
    )
    counts: dict[int | None, dict[str, int]] = defaultdict(dict)
    names: dict[int | None, str] = {}
    for pk, name, value, n in rows:
        counts[pk][value] = counts[pk].get(value, 0) + n
        names[pk] = name or "Sans programme"
    people = {pk: sum(c.values()) for pk, c in counts.items()}
    hidden = hidden_cells(campaign.anonymous, people)
    return {
        pk: Cell(
            label=names[pk],
            respondents=None if pk in hidden else people[pk],
            hidden=pk in hidden,
            score=None if pk in hidden else nps_of(counts[pk], people[pk]),
        )
        for pk in counts
    }


def answered_over_time(campaign: Campaign) -> list[tuple[dt.date, int]]:
    """Cumulative number of answered invitations, day by day. Through the anonymity mask: in an
    anonymous campaign a point is drawn once at least five answers came in since the last one
    (the answers of the last days join the last point)."""
    days = sorted(campaign_counts(campaign).days.items())
    total, step, out = 0, 0, []
    day = None
    for iso, n in days:
        day = dt.date.fromisoformat(iso)
        total += n
        step += n
        if not is_hidden(campaign.anonymous, step):
            out.append((day, total))
            step = 0
    if step and out and day is not None:
        out[-1] = (day, total)
    return out


def respondents_count(campaign: Campaign) -> int:
    """The people who sent their answers (completed responses)."""
    return Response.objects.filter(campaign=campaign, completed=True).count()


def answers_hidden(campaign: Campaign) -> bool:
    """Whether the campaign's answers (comments, exports) must not be shown: the anonymity
    mask over its respondents."""
    return is_hidden(campaign.anonymous, respondents_count(campaign))


def comments(campaign: Campaign, search: str = "") -> QuerySet[Answer]:
    """Free-text answers of completed responses (never with who wrote them); check
    `answers_hidden` first."""
    answers = Answer.objects.filter(
        response__campaign=campaign, response__completed=True, question__type="text"
    ).exclude(text="")
    if search:
        answers = answers.filter(text__icontains=search)
    return answers.select_related("question").order_by("question__position", "text")


# Questionnaires -------------------------------------------------------------------------------


def questionnaire_list(questionnaires: QuerySet) -> QuerySet:
    """The given questionnaires by family and newest version first, each with its numbers of
    questions and of campaigns."""
    return (
        questionnaires.annotate(n_questions=Count("questions", distinct=True))
        .annotate(n_campaigns=Count("campaigns", distinct=True))
        .order_by("family", "-version")
    )


# Campaign list and follow-up ------------------------------------------------------------------

_FAILED = outbox_selectors.PROBLEMS  # failed, uncertain, bounced
INVITATION_FILTERS = {
    "repondu": ("Ont répondu", Q(answered_at__isnull=False)),
    "commence": ("Réponse commencée", Q(started_at__isnull=False, answered_at__isnull=True)),
    "sans-reponse": ("Sans réponse", Q(answered_at__isnull=True)),
    "echec": ("Envoi en échec ou incertain", Q(messages__status__in=_FAILED)),
    "desinscrit": ("Désinscrits", Q(unsubscribed_at__isnull=False)),
    "sans-email": ("Sans e-mail", Q(email="")),
}
# An anonymous campaign's list says nothing of who answered: no filter by answer, and of each
# invitee's e-mails only the invitation (reminders go to those who have not answered yet).
ANONYMOUS_INVITATION_FILTERS = {
    "echec": (
        "Invitation en échec ou incertaine",
        Q(messages__number=0, messages__status__in=_FAILED),
    ),
    "desinscrit": INVITATION_FILTERS["desinscrit"],
    "sans-email": INVITATION_FILTERS["sans-email"],
}


def invitation_filters(campaign: Campaign) -> dict[str, tuple[str, Q]]:
    return ANONYMOUS_INVITATION_FILTERS if campaign.anonymous else INVITATION_FILTERS


def _listed_messages(campaign: Campaign) -> QuerySet:
    """The e-mails shown beside each invitee: all of them, or in an anonymous campaign the
    invitation only, unless cancelled (its reason may be that the person answered)."""
    messages = Message.objects.order_by("number")
    if campaign.anonymous:
        messages = messages.filter(number=0).exclude(status=Message.Status.CANCELLED)
    return messages


INVITATIONS_PER_PAGE = 50
PROBLEMS_PER_PAGE = 20


def campaign_list(campaigns: QuerySet) -> list[Campaign]:
    """The given campaigns, newest first, each with its numbers invited and answered and its
    response rate."""
    rows = list(
        campaigns.select_related("questionnaire", "cooperative")
        .annotate(
            invited=Count("invitations", distinct=True),
            answered=Count(
                "invitations", filter=Q(invitations__answered_at__isnull=False), distinct=True
            ),
        )
        .order_by("-opens_on", "-pk")
    )
    for campaign in rows:
        campaign.response_rate = _pct(campaign.answered, campaign.invited)
    return rows


@dataclass
class CampaignFollowUp:
    stats: dict[str, int | float | None]
    message_counts: list[StateCount]  # one per state of the outbox, pending split in two
    page: Page
    current: str
    problems: Page  # failed, uncertain and bounced messages, with their reason
    seen_at: dt.datetime  # when these were read: a resend takes only what was seen
    preview: int | None
    filters: dict[str, tuple[str, Q]]


def campaign_follow_up(
    campaign: Campaign,
    *,
    filter_key: str = "",
    page_number: str | None = None,
    problems_page: str | None = None,
    now: dt.datetime | None = None,
) -> CampaignFollowUp:
    """The campaign page: invitation counts, one page of invitees (filtered by one of
    `invitation_filters`), the e-mails by state and one page of those that need a person
    (failed, uncertain, bounced), and the population before the launch. In an anonymous
    campaign nothing per person says who answered: counts only, and of each invitee's e-mails
    only the invitation (a reminder goes to those who have not answered)."""
    now = now or timezone.now()
    invitations = Invitation.objects.filter(campaign=campaign)
    stats = invitations.aggregate(
        invited=Count("pk"),
        with_email=Count("pk", filter=~Q(email="")),
        started=Count("pk", filter=Q(started_at__isnull=False)),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        unsubscribed=Count("pk", filter=Q(unsubscribed_at__isnull=False)),
    )
    stats["rate"] = _pct(stats["answered"], stats["invited"])
    messages = Message.objects.filter(invitation__campaign=campaign)
    filters = invitation_filters(campaign)
    current = filter_key if filter_key in filters else ""
    if current:
        invitations = invitations.filter(filters[current][1]).distinct()
    invitations = invitations.select_related("programme").prefetch_related(
        Prefetch("messages", queryset=_listed_messages(campaign))
    )
    page = Paginator(
        invitations.order_by("last_name", "first_name", "pk"), INVITATIONS_PER_PAGE
    ).get_page(page_number)
    listed = messages.filter(number=0) if campaign.anonymous else messages
    problems = Paginator(
        outbox_problems(listed).select_related("invitation"), PROBLEMS_PER_PAGE
    ).get_page(problems_page)
    preview = None
    if campaign.launched_at is None and campaign.population.get("source", "buyers") == "buyers":
        preview = campaign.population_buyers().count()
    return CampaignFollowUp(
        stats=stats,
        message_counts=outbox_counts(messages, now=now),
        page=page,
        current=current,
        problems=problems,
        seen_at=now,
        preview=preview,
        filters=filters,
    )


def campaign_resendable(campaign: Campaign, status: str, seen_at: dt.datetime) -> int:
    """How many of a campaign's messages in this state a resend would take (last tried before
    `seen_at`, what the person saw)."""
    return Message.objects.filter(
        invitation__campaign=campaign, status=status, claimed_at__lte=seen_at
    ).count()


# Exports -------------------------------------------------------------------------------------


def campaign_export_rows(campaign: Campaign) -> Iterator[list[str]]:
    """Header, then one row per completed response. Two queries whatever the size: responses
    and answers are read in the same order and merged.

    A nominative campaign's rows carry the response, its channel, date and who answered. An
    anonymous campaign's rows carry the answers only (no key, channel, invitation or date); check
    `answers_hidden` first. Rows follow the responses' primary key, a random UUID: their order
    says nothing of who answered or when, and nothing is held back to sort (constant memory,
    whatever the number of rows: a streamed CSV or a worker's file)."""
    questions = list(
        Question.objects.filter(questionnaire=campaign.questionnaire)
        .asked(anonymous=campaign.anonymous)
        .prefetch_related("choices")
        .order_by("section__position", "position", "pk")
    )
    labels = {q.pk: dict(scales.options_for(q)) for q in questions}
    question_ids = [q.pk for q in questions]  # read once: `Model.pk` costs a call per access
    person = not campaign.anonymous
    header = ["réponse", "canal", "date", "nom", "prénom", "programme", "lot"] if person else []
    yield header + [q.key for q in questions]
    responses = (
        Response.objects.filter(campaign=campaign, completed=True)
        .order_by("pk")
        .values_list(
            Cast("pk", TextField()), "channel", "submitted_on", "invitation__last_name",
            "invitation__first_name", "programme__name", "invitation__lot_code",
        )
    )  # fmt: skip
    # Keys as text: building a UUID object for each of millions of answers costs seconds.
    answers = (
        Answer.objects.filter(response__campaign=campaign, response__completed=True)
        .order_by("response_id")
        .values_list(Cast("response_id", TextField()), "question_id", "value", "text")
        .iterator(chunk_size=5000)
    )
    pending = next(answers, None)
    channels = dict(Response.Channel.choices)
    for pk, channel, day, last, first, programme, lot in responses.iterator(chunk_size=2000):
        values: dict[int, list[str]] = {}
        while pending is not None and pending[0] == pk:
            _, question_id, value, text = pending
            values.setdefault(question_id, []).append(
                text or labels.get(question_id, {}).get(value, value)
            )
            pending = next(answers, None)
        row = []
        if person:
            row += [pk, channels.get(channel, channel)]
            row += [day.isoformat() if day else "", last, first, programme, lot]
        row += ["; ".join(values.get(question_id, ())) for question_id in question_ids]
        yield [safe_cell(cell) for cell in row]


# The federation's triennial overview ------------------------------------------------------------

TRIENNIAL_YEARS = 3  # a cooperative whose last triennial survey opened before is overdue


@dataclass
class TriennialOverview:
    cooperatives: list[Cooperative]
    overdue: list[Cooperative]
    overdue_homes: int
    limit: dt.date


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def triennial_overview(cooperatives: QuerySet, today: dt.date) -> TriennialOverview:
    """Per cooperative: its last completed triennial wave (closed before today) with its
    response rate, and apart from it the wave in progress if any. A cooperative is overdue when
    no completed wave opened in the last three years: a wave just launched does not count until
    it is over."""
    triennials = Campaign.objects.filter(
        cooperative=OuterRef("pk"), kind=SurveyKind.TRIENNIAL, launched_at__isnull=False
    )
    completed = triennials.filter(closes_on__lt=today).order_by("-closes_on", "-pk")
    running = triennials.filter(closes_on__gte=today).order_by("-opens_on", "-pk")
    rows = list(
        cooperatives.annotate(
            last_triennial_id=Subquery(completed.values("pk")[:1]),
            last_triennial_on=Subquery(completed.values("opens_on")[:1]),
            running_triennial_id=Subquery(running.values("pk")[:1]),
            running_triennial_on=Subquery(running.values("opens_on")[:1]),
        ).order_by("name")
    )
    ids = [c.last_triennial_id for c in rows] + [c.running_triennial_id for c in rows]
    rates = {
        row["campaign_id"]: _pct(row["answered"], row["invited"])
        for row in Invitation.objects.filter(campaign_id__in=[pk for pk in ids if pk])
        .values("campaign_id")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    }
    limit = _years_before(today, TRIENNIAL_YEARS)
    for cooperative in rows:
        cooperative.rate = rates.get(cooperative.last_triennial_id)
        cooperative.running_rate = rates.get(cooperative.running_triennial_id)
        cooperative.overdue = (
            cooperative.last_triennial_on is None or cooperative.last_triennial_on < limit
        )
    overdue = [c for c in rows if c.overdue]
    return TriennialOverview(
        cooperatives=rows,
        overdue=overdue,
        overdue_homes=sum(c.homes_count for c in overdue),
        limit=limit,
    )
