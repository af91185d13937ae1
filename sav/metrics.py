"""The indicators of commitment 6 computed from the after-sales inbox, registered with the
indicator sources (`engagements.sources.register_journey_metric`, in `SavConfig.ready`).

Each takes (cooperative id, first day, last day of the period) and counts the claims whose
deadline or event falls in the period; a claim still within its deadline is not counted yet.
The rules of deadlines and guarantees are `sav.rules`; reserves of the delivery report are not
acknowledged by e-mail (the report itself is the acknowledgement) and are left out of the
acknowledgement share. The satisfaction after the intervention is read from the answers of the
after-intervention survey (`sav.services.surveys`), by the rule of survey-fed figures.
The closed loop's share counts the call-backs by their due day: a call
recorded by then (whatever its outcome, "unreachable after several tries" included: the calls
were made) is in time; one recorded later, or still owed after its due day, is not.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from engagements.sources import Figure, JourneyMetric, survey_figure
from enquetes.library import AFTER_INTERVENTION_QUESTION
from enquetes.models import KeyStep, SurveyKind
from sav import rules
from sav.models import CallBack, Claim

SAV_COMMITMENT = 6


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _deadlines_kept(rows: Iterable[tuple[dt.date, dt.datetime | None]]) -> Figure | None:
    """Share of the deadlines kept among (deadline, done at) pairs. A deadline counts once it is
    decided: kept, or passed without the step; one still running is not counted yet."""
    today = timezone.localdate()
    due = kept = 0
    for deadline, done_at in rows:
        in_time = rules.kept(done_at, deadline)
        if in_time or deadline < today:
            due += 1
            kept += in_time
    return Figure(_percent(kept, due), due) if due else None


def _local(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def acknowledged_same_day(cooperative_id: int, start: dt.date, end: dt.date) -> Figure | None:
    """Share of the claims received in the period acknowledged the day they arrived."""
    rows = (
        Claim.objects.for_cooperative(cooperative_id)
        .filter(received_at__date__range=(start, end))
        .exclude(channel=Claim.Channel.DELIVERY_REPORT)
        .values_list("received_at", "acknowledged_at")
    )
    total = kept = 0
    for received, acknowledged in rows:
        total += 1
        kept += _local(acknowledged) == _local(received)
    return Figure(_percent(kept, total), total) if total else None


def followed_up_in_time(cooperative_id: int, start: dt.date, end: dt.date) -> Figure | None:
    """Share of the claims whose follow-up (accepted or refused) fell due in the period that
    were qualified by then (deadline in working days, moved by the pauses)."""
    return _deadlines_kept(
        Claim.objects.for_cooperative(cooperative_id)
        .filter(follow_up_due__range=(start, end))
        .values_list("follow_up_due", "qualified_at")
    )


def median_days_to_lift(cooperative_id: int, start: dt.date, end: dt.date) -> Figure | None:
    """Median number of days from receipt to lifting, over the claims lifted in the period."""
    days = [
        (timezone.localdate(lifted) - timezone.localdate(received)).days
        for received, lifted in Claim.objects.for_cooperative(cooperative_id)
        .filter(lifted_at__date__range=(start, end))
        .values_list("received_at", "lifted_at")
    ]
    if not days:
        return None
    return Figure(Decimal(statistics.median(days)).quantize(Decimal("0.1")), len(days))


def lifted_within_perfect_completion(
    cooperative_id: int, start: dt.date, end: dt.date
) -> Figure | None:
    """Share of the reserves and claims of the year of perfect completion whose year ended in
    the period that were lifted by its end (refused ones left out)."""
    return _deadlines_kept(
        Claim.objects.for_cooperative(cooperative_id)
        .filter(
            guarantee__in=[rules.Guarantee.RESERVE, rules.Guarantee.PERFECT_COMPLETION],
            guarantee_until__range=(start, end),
        )
        .exclude(status=rules.Status.REFUSED)
        .values_list("guarantee_until", "lifted_at")
    )


# The answers of the after-intervention campaigns (`sav.services.surveys`) to their one question.
AFTER_INTERVENTION_FEED = f"{SurveyKind.KEY_STEP.value}:{KeyStep.AFTER_INTERVENTION.value}"
AFTER_INTERVENTION_SELECTOR = f"question:{AFTER_INTERVENTION_QUESTION}"


def satisfaction_after_intervention(
    cooperative_id: int, start: dt.date, end: dt.date
) -> Figure | None:
    """Satisfaction rate (%) of the buyers asked after the intervention on their claim
    ("Très" or "Assez satisfait" among those with an opinion: `satisfaction_rate`, the one
    rule), base: the respondents with an opinion. Which answers count is the rule of every
    survey-fed figure (`enquetes.feeds`, read through `engagements.sources.survey_figure`): a
    nominative campaign's by the day they were sent, once the period is complete; an anonymous
    campaign's once it closed, and never under the anonymity threshold."""
    return survey_figure(
        cooperative_id=cooperative_id,
        selector=AFTER_INTERVENTION_SELECTOR,
        feed=AFTER_INTERVENTION_FEED,
        family="",
        start=start,
        end=end,
        today=timezone.localdate(),
    )


def called_back_in_time(cooperative_id: int, start: dt.date, end: dt.date) -> Figure | None:
    """Share of the unhappy respondents whose call-back fell due in the period who were called
    back by its due day (a call-back still within its deadline is not counted yet)."""
    return _deadlines_kept(
        CallBack.objects.for_cooperative(cooperative_id)
        .filter(due__range=(start, end))
        .values_list("due", "outcome_at")
    )


SAV_METRICS: dict[str, JourneyMetric] = {
    "sav_acknowledged_same_day": JourneyMetric(
        "Demandes SAV ayant reçu un accusé de réception le jour même", "%",
        acknowledged_same_day, SAV_COMMITMENT,
    ),
    "sav_followed_up_in_time": JourneyMetric(
        "Demandes SAV suivies (acceptées ou refusées) dans les 3 jours ouvrés", "%",
        followed_up_in_time, SAV_COMMITMENT,
    ),
    "sav_median_days_to_lift": JourneyMetric(
        "Délai médian de levée d'une réserve ou réclamation", "jours",
        median_days_to_lift, SAV_COMMITMENT,
    ),
    "sav_lifted_within_perfect_completion": JourneyMetric(
        "Réserves et réclamations levées dans l'année de parfait achèvement", "%",
        lifted_within_perfect_completion, SAV_COMMITMENT,
    ),
    "sav_satisfaction_after_intervention": JourneyMetric(
        "Acquéreurs satisfaits de l'intervention (enquête après intervention)", "%",
        satisfaction_after_intervention, SAV_COMMITMENT,
    ),
    "sav_called_back_in_time": JourneyMetric(
        "Acquéreurs mécontents rappelés dans le délai", "%",
        called_back_in_time, SAV_COMMITMENT,
    ),
}  # fmt: skip
