"""The charts of a campaign's results page: response progress and satisfaction by theme, by
commitment and by programme as bars with their target (drawn by `coopqualite.charts`).

Only what the page may show is drawn: the rows come from `campaign_results`,
`programme_satisfaction` and `answered_over_time`, which went through the anonymity mask, and a
masked or empty group has no bar. The page keeps its tables and lists (the same figures as text).

A bar's target is the target of the cooperative's survey-fed indicator that reads the same thing
from this kind of campaign (`Indicator.survey_feed`, and its questionnaire family if it names
one), in %, higher being better: a theme bar ← the indicator `theme:<key>`; a commitment bar ←
the commitment's survey-fed indicator when it has exactly one; the programme bars ← the
indicator of the general satisfaction theme (`theme:general`), as one line across them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Subquery
from django.utils.safestring import SafeString

from coopqualite.charts import Bar, Point, bar_chart, progress_chart
from coopqualite.formats import format_count, format_day_short
from engagements.models import Indicator
from enquetes.models import Campaign, Questionnaire, Theme
from enquetes.selectors import CampaignResults, Cell


@dataclass(frozen=True)
class Targets:
    themes: dict[str, Decimal]  # by theme key
    commitments: dict[int, Decimal]  # by commitment id


def _feed(campaign: Campaign) -> str:
    return f"{campaign.kind}:{campaign.key_step}" if campaign.key_step else campaign.kind


def satisfaction_targets(campaign: Campaign) -> Targets:
    """The targets of the survey-fed indicators that read this campaign's kind (one query)."""
    family = Questionnaire.objects.filter(pk=campaign.questionnaire_id).values("family")[:1]
    indicators = Indicator.objects.filter(
        Q(survey_family="") | Q(survey_family=Subquery(family)),
        commitment__cooperative_id=campaign.cooperative_id,
        source=Indicator.Source.SURVEY,
        survey_feed=_feed(campaign),
        unit="%",
        direction=Indicator.Direction.HIGHER,
    ).values_list("commitment_id", "survey_selector", "target")
    themes: dict[str, Decimal] = {}
    by_commitment: dict[int, list[Decimal]] = defaultdict(list)
    for commitment_id, selector, target in indicators:
        kind, _, key = selector.partition(":")
        if kind == "theme":
            themes.setdefault(key, target)
        by_commitment[commitment_id].append(target)
    commitments = {pk: targets[0] for pk, targets in by_commitment.items() if len(targets) == 1}
    return Targets(themes=themes, commitments=commitments)


def _with_base(label: str, respondents: int | None) -> str:
    return f"{label} — {format_count(respondents or 0, 'répondant', 'répondants')}"


@dataclass
class ResultCharts:
    progress: SafeString | None
    themes: SafeString | None
    commitments: SafeString | None
    programmes: SafeString | None


def result_charts(
    campaign: Campaign,
    results: CampaignResults,
    timeline: list[tuple[dt.date, int]],
    programmes: list[Cell],
) -> ResultCharts:
    """The charts of the results page, from the figures the page already read."""
    targets = satisfaction_targets(campaign)
    progress = None
    if len(timeline) > 1:
        progress = progress_chart(
            [Point(format_day_short(day), n) for day, n in timeline],
            title="Réponses reçues, en cumul, jour après jour",
            invited=results.invited,
        )
    keys = {label: key for key, label in Theme.choices}
    theme_bars = [
        Bar(_with_base(label, rate.respondents), rate.rate, targets.themes.get(keys.get(label, "")))
        for label, rate, _ in results.themes
        if rate.rate is not None
    ]
    commitment_bars = [
        Bar(
            _with_base(str(commitment), rate.respondents),
            rate.rate,
            targets.commitments.get(getattr(commitment, "pk", 0)),
        )
        for commitment, rate in results.commitments
        if rate.rate is not None
    ]
    programme_bars = [
        Bar(_with_base(cell.label, cell.respondents), cell.rate.rate)
        for cell in programmes
        if not cell.hidden and cell.rate is not None and cell.rate.rate is not None
    ]
    return ResultCharts(
        progress=progress,
        themes=_bars(theme_bars, "Taux de satisfaction par thème"),
        commitments=_bars(commitment_bars, "Taux de satisfaction par engagement"),
        programmes=_bars(
            programme_bars,
            "Taux de satisfaction d'ensemble par programme",
            target=targets.themes.get(Theme.GENERAL.value),
        ),
    )


def _bars(bars: list[Bar], title: str, target: Decimal | None = None) -> SafeString | None:
    return bar_chart(bars, title=title, target=target) if bars else None
