"""Tallies: the counts that every results figure of a campaign is computed from.

The results page, the report and the survey-fed indicators compute their rates, bases and
breakdowns from a campaign's `Counts` (answers per question and value, respondents per theme,
commitment, channel and programme, invitations per programme and answers per day), never from
its answers directly. Where the counts come from, stated once (`campaign_counts`):

- they are stored (`CampaignTally`, one row: a few kilobytes whatever the number of answers) by
  the periodic job `enquetes.services.tallies.tallies_store`, in the worker: once more after a
  campaign has closed (its final counts), and while it runs at most once a minute when answers
  came in (`REFRESH_EVERY`). Pages read that row. A response entered after the closing (paper,
  phone) deletes it (`tally_forget`) and the job stores the counts again;
- without stored counts to read (a campaign just launched, final counts not stored yet, or
  running counts older than `STALE_AFTER`: no worker), they are computed from the answers here
  (about ten aggregate queries: seconds for 100,000 responses) and kept `RUNNING_TTL` seconds
  in the cache of the process.

Counts are raw: the anonymity mask (`enquetes.anonymity`) is applied when they are read, by
whoever turns them into figures. `manage.py tally_campaigns --check` and the tests compare the
stored counts with a recomputation from the answers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.core.cache import cache
from django.db.models import Case, Count, F, Q, Value, When
from django.utils import timezone

from enquetes import scales
from enquetes.models import Answer, Campaign, CampaignTally, Invitation, Question, Response

RUNNING_TTL = 60  # seconds a running campaign's counts are reused
REFRESH_EVERY = dt.timedelta(minutes=1)  # a running campaign's stored counts, at most so often
STALE_AFTER = dt.timedelta(minutes=10)  # stored counts older than that: the worker is not running
GENERAL = "general"  # the theme of a question that has none
NO_PROGRAMME = ""  # the programme key of invitations and responses without one


@dataclass
class Counts:
    """One campaign's counts (JSON-friendly: string keys). Programmes are keyed by their id as a
    string (`NO_PROGRAMME` for none), commitments by their id, days by their ISO date."""

    invited: int = 0
    answered: int = 0  # invitations answered
    channels: dict[str, int] = field(default_factory=dict)  # completed responses per channel
    values: dict[str, dict[str, int]] = field(default_factory=dict)  # question key → value → n
    multiple: dict[str, int] = field(default_factory=dict)  # respondents per multiple question
    themes: dict[str, int] = field(default_factory=dict)  # people with an opinion, per theme
    commitments: dict[str, int] = field(default_factory=dict)  # the same per commitment
    programmes: dict[str, list[int]] = field(default_factory=dict)  # [invited, answered]
    programme_people: dict[str, int] = field(default_factory=dict)  # completed responses
    programme_values: dict[str, dict[str, int]] = field(default_factory=dict)  # satisfaction
    days: dict[str, int] = field(default_factory=dict)  # invitations answered per day

    @property
    def responses(self) -> int:
        return sum(self.channels.values())

    def respondents(self, question: Question) -> int:
        """The people who answered `question`: a single-valued question has one answer each."""
        if question.type == Question.Type.MULTIPLE:
            return self.multiple.get(question.key, 0)
        return sum(self.values.get(question.key, {}).values())

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Counts:
        return cls(**data)


def _key(pk: int | None) -> str:
    return NO_PROGRAMME if pk is None else str(pk)


def counts_compute(campaign: Campaign) -> Counts:
    """The campaign's counts, from its invitations, responses and answers (ten queries)."""
    completed = Response.objects.filter(campaign=campaign, completed=True)
    answers = Answer.objects.filter(response__campaign=campaign, response__completed=True)
    counts = Counts()
    for channel, n in completed.values_list("channel").annotate(n=Count("pk")).order_by():
        counts.channels[channel] = n
    for key, value, n in (
        answers.values_list("question__key", "value").annotate(n=Count("*")).order_by()
    ):
        counts.values.setdefault(key, {})[value] = n
    counts.multiple = dict(
        answers.filter(question__type=Question.Type.MULTIPLE)
        .values_list("question__key")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )
    opinions = answers.filter(question__type=Question.Type.SATISFACTION, value__in=scales.OPINIONS)
    people = Count("response_id", distinct=True)
    group = Case(When(question__theme="", then=Value(GENERAL)), default=F("question__theme"))
    counts.themes = dict(
        opinions.annotate(group=group).values_list("group").annotate(n=people).order_by()
    )
    counts.commitments = {
        str(pk): n
        for pk, n in opinions.filter(question__commitment__isnull=False)
        .values_list("question__commitment_id")
        .annotate(n=people)
        .order_by()
    }
    answered = Q(answered_at__isnull=False)
    invitations = Invitation.objects.filter(campaign=campaign)
    for pk, invited, n in (
        invitations.values_list("programme_id")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=answered))
        .order_by()
    ):
        counts.programmes[_key(pk)] = [invited, n]
        counts.invited += invited
        counts.answered += n
    for pk, n in completed.values_list("programme_id").annotate(n=Count("pk")).order_by():
        counts.programme_people[_key(pk)] = n
    for pk, value, n in (
        answers.filter(question__type=Question.Type.SATISFACTION)
        .values_list("response__programme_id", "value")
        .annotate(n=Count("*"))
        .order_by()
    ):
        counts.programme_values.setdefault(_key(pk), {})[value] = n
    for day, n in (
        invitations.filter(answered)
        .values_list("answered_at__date")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts.days[day.isoformat()] = n
    return counts


def _cache_key(campaign_id: int) -> str:
    return f"enquetes:counts:{campaign_id}"


def is_final(campaign: Campaign, computed_at: dt.datetime) -> bool:
    """Whether counts computed at `computed_at` are the closed campaign's last ones."""
    return computed_at > campaign.closes_at


def campaign_counts(campaign: Campaign, now: dt.datetime | None = None) -> Counts:
    """The campaign's counts: the stored ones if they are final (closed campaign) or recent
    (running campaign, refreshed by the worker), else computed here and cached a minute (this
    module's docstring)."""
    now = now or timezone.now()
    if campaign.launched_at is not None:
        stored = (
            CampaignTally.objects.filter(campaign=campaign)
            .values_list("counts", "computed_at")
            .first()
        )
        if stored is not None:
            data, computed_at = stored
            if is_final(campaign, computed_at) or (
                now <= campaign.closes_at and computed_at >= now - STALE_AFTER
            ):
                return Counts.from_json(data)
    data = cache.get(_cache_key(campaign.pk))
    if data is None:
        data = counts_compute(campaign).to_json()
        cache.set(_cache_key(campaign.pk), data, RUNNING_TTL)
    return Counts.from_json(data)


def stored_counts(campaign_ids: list[int]) -> dict[int, Counts]:
    """The stored counts of those campaigns that have some (one query)."""
    return {
        pk: Counts.from_json(data)
        for pk, data in CampaignTally.objects.filter(campaign_id__in=campaign_ids).values_list(
            "campaign_id", "counts"
        )
    }


def counts_differences(stored: Counts, computed: Counts) -> list[str]:
    """What differs between two counts of a campaign, one line per breakdown ([] if equal)."""
    left, right = stored.to_json(), computed.to_json()
    return [
        f"{name}: {left[name]!r} != {right[name]!r}" for name in left if left[name] != right[name]
    ]


def value_totals(counts: list[Counts], keys: set[str]) -> dict[str, int]:
    """Answers per value, added up over several campaigns' questions of `keys`."""
    totals: dict[str, int] = defaultdict(int)
    for one in counts:
        for key in keys:
            for value, n in one.values.get(key, {}).items():
                totals[value] += n
    return totals
