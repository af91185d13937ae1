"""The after-sales rules, stated once: French working days, the guarantee a claim falls under,
the deadlines of the service level, and the workflow's transitions.

Everything else (services, selectors, pages, indicators, the demo) imports from here.

- **Working days** (jours ouvrés): Monday to Friday, French public holidays excepted, read from
  the maintained `holidays` library (Ascension, Whit Monday and 14 July included), never a
  hand-written list. A deadline of N working days from a day is the N-th working day after it.
- **Guarantees**, counted from the delivery (the day the keys were handed over, which the
  portal records as the reception):
  * a *reserve* listed in the delivery report, or declared by the buyer within the month
    after the delivery (vices apparents);
  * *parfait achèvement*: any disorder reported during the year after the delivery (until the
    buyer's `perfect_completion_end` when staff recorded it);
  * *biennale* (bon fonctionnement): equipment that can be removed without damage (fittings,
    shutters, doors, heating), two years;
  * *décennale*: what affects the solidity or makes the home unfit (structure, water tightness),
    ten years;
  * outside every guarantee: explained in plain French, never silently refused.
- **Service level** (per cooperative, `ServiceLevel`): a follow-up (the claim qualified:
  accepted or refused) within 3 working days of its receipt, an intervention planned (a company
  assigned with a date) within 15 working days of its receipt, a call-back within 5. Time spent
  waiting on the buyer does not count: the deadlines move by the working days of the pause.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coopqualite.formats import format_date

# Working days -------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("FR", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def working_days_add(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (`start` itself when days is 0)."""
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to `end` included (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


# Guarantees ---------------------------------------------------------------------------------------


class Category(models.TextChoices):
    """What the disorder is about; its longest guarantee follows (`CATEGORY_GUARANTEE`)."""

    FINISHES = "finishes", "Finitions (peintures, revêtements, faïence)"
    JOINERY = "joinery", "Menuiseries (portes, fenêtres, volets)"
    PLUMBING = "plumbing", "Plomberie, sanitaires"
    ELECTRICITY = "electricity", "Électricité"
    HEATING = "heating", "Chauffage, ventilation, eau chaude"
    WATERTIGHTNESS = "watertightness", "Étanchéité, infiltrations"
    STRUCTURE = "structure", "Gros œuvre, fissures, structure"
    COMMON_AREAS = "common_areas", "Parties communes, extérieurs"
    OTHER = "other", "Autre"


class Guarantee(models.TextChoices):
    RESERVE = "reserve", "Réserve de livraison"
    PERFECT_COMPLETION = "perfect_completion", "Garantie de parfait achèvement"
    BIENNIAL = "biennial", "Garantie biennale de bon fonctionnement"
    DECENNIAL = "decennial", "Garantie décennale"
    NONE = "none", "Hors garantie"
    NOT_DELIVERED = "not_delivered", "Logement non livré"


RESERVE_DECLARATION = relativedelta(months=1)
PERFECT_COMPLETION = relativedelta(years=1)
BIENNIAL = relativedelta(years=2)
DECENNIAL = relativedelta(years=10)

# The longest guarantee of each category (every disorder is covered by perfect completion first).
CATEGORY_GUARANTEE: dict[str, Guarantee] = {
    Category.FINISHES: Guarantee.PERFECT_COMPLETION,
    Category.JOINERY: Guarantee.BIENNIAL,
    Category.PLUMBING: Guarantee.BIENNIAL,
    Category.ELECTRICITY: Guarantee.BIENNIAL,
    Category.HEATING: Guarantee.BIENNIAL,
    Category.WATERTIGHTNESS: Guarantee.DECENNIAL,
    Category.STRUCTURE: Guarantee.DECENNIAL,
    Category.COMMON_AREAS: Guarantee.BIENNIAL,
    Category.OTHER: Guarantee.PERFECT_COMPLETION,
}


@dataclass(frozen=True)
class Coverage:
    guarantee: Guarantee
    until: dt.date | None  # the last day of that guarantee
    explanation: str  # plain French, shown to the buyer and to staff


def perfect_completion_end(delivery: dt.date, recorded_end: dt.date | None = None) -> dt.date:
    """The end of the year of perfect completion: as staff recorded it, or a year after delivery."""
    return recorded_end or delivery + PERFECT_COMPLETION


def coverage(
    *,
    category: str,
    reported_on: dt.date,
    delivery: dt.date | None,
    perfect_completion_recorded: dt.date | None = None,
    at_delivery: bool = False,
) -> Coverage:
    """The guarantee a disorder of `category` reported on `reported_on` falls under."""
    if delivery is None or reported_on < delivery:
        return Coverage(
            Guarantee.NOT_DELIVERED,
            None,
            "Le logement n'est pas encore livré : signalez ce point lors de la visite de "
            "livraison, il sera inscrit au procès-verbal comme réserve.",
        )
    declaration_end = delivery + RESERVE_DECLARATION
    if at_delivery or reported_on <= declaration_end:
        how = "inscrite au procès-verbal de livraison" if at_delivery else (
            f"signalée dans le mois suivant la livraison (jusqu'au {format_date(declaration_end)})"
        )  # fmt: skip
        completion = perfect_completion_end(delivery, perfect_completion_recorded)
        return Coverage(
            Guarantee.RESERVE,
            completion,
            f"Réserve {how} : elle doit être levée dans le cadre de la garantie de parfait "
            f"achèvement, jusqu'au {format_date(completion)}.",
        )
    completion = perfect_completion_end(delivery, perfect_completion_recorded)
    if reported_on <= completion:
        return Coverage(
            Guarantee.PERFECT_COMPLETION,
            completion,
            f"Relève de la garantie de parfait achèvement jusqu'au {format_date(completion)}.",
        )
    longest = CATEGORY_GUARANTEE[category]
    for guarantee, length in ((Guarantee.BIENNIAL, BIENNIAL), (Guarantee.DECENNIAL, DECENNIAL)):
        end = delivery + length
        covered = longest == guarantee or (
            longest == Guarantee.DECENNIAL and guarantee == Guarantee.BIENNIAL
        )
        if covered and reported_on <= end:
            return Coverage(
                guarantee,
                end,
                f"Relève de la {guarantee.label.lower()} jusqu'au {format_date(end)}.",
            )
    return Coverage(Guarantee.NONE, None, _outside_explanation(longest, delivery, completion))


def _outside_explanation(longest: Guarantee, delivery: dt.date, completion: dt.date) -> str:
    if longest == Guarantee.PERFECT_COMPLETION:
        ended = f"la garantie de parfait achèvement a pris fin le {format_date(completion)}"
    else:
        length = BIENNIAL if longest == Guarantee.BIENNIAL else DECENNIAL
        ended = f"la {longest.label.lower()} a pris fin le {format_date(delivery + length)}"
    return (
        f"Hors garantie : pour ce type de désordre, {ended}. La coopérative étudie tout de "
        "même votre demande et vous répond ; l'entretien courant reste à la charge du "
        "propriétaire ou de la copropriété."
    )


# Service level ------------------------------------------------------------------------------------

FOLLOW_UP_DAYS = 3  # "un suivi dans les 3 jours" (working days)
PLANNING_DAYS = 15  # an intervention planned within 15 working days
CALLBACK_DAYS = 5  # an unhappy respondent called back within 5 working days
AUTO_LIFT_DAYS = 15  # an intervention done is lifted after 15 days without an answer


# Workflow -----------------------------------------------------------------------------------------


class Status(models.TextChoices):
    RECEIVED = "received", "Reçue"
    ACKNOWLEDGED = "acknowledged", "Accusé de réception envoyé"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"
    ASSIGNED = "assigned", "Intervention planifiée"
    DONE = "done", "Intervention réalisée"
    LIFTED = "lifted", "Levée"
    CONTESTED = "contested", "Contestée"
    CLOSED = "closed", "Close"


# Transition name → (the statuses it leaves, the status it reaches). Services update a claim
# only from these statuses (a conditional UPDATE): of two clicks, one wins.
TRANSITIONS: dict[str, tuple[frozenset[str], Status]] = {
    "acknowledge": (frozenset({Status.RECEIVED}), Status.ACKNOWLEDGED),
    "accept": (frozenset({Status.RECEIVED, Status.ACKNOWLEDGED}), Status.ACCEPTED),
    "refuse": (frozenset({Status.RECEIVED, Status.ACKNOWLEDGED}), Status.REFUSED),
    "assign": (
        frozenset({Status.ACCEPTED, Status.ASSIGNED, Status.CONTESTED}),
        Status.ASSIGNED,
    ),
    "done": (frozenset({Status.ASSIGNED}), Status.DONE),
    "lift": (frozenset({Status.DONE, Status.CONTESTED}), Status.LIFTED),
    "contest": (frozenset({Status.DONE}), Status.CONTESTED),
    "close": (frozenset({Status.LIFTED, Status.REFUSED}), Status.CLOSED),
}
OPEN_STATUSES = frozenset(Status) - {Status.CLOSED, Status.REFUSED}
# Statuses where the follow-up is still owed, and where the planning is.
AWAITING_FOLLOW_UP = frozenset({Status.RECEIVED, Status.ACKNOWLEDGED})
AWAITING_PLANNING = AWAITING_FOLLOW_UP | {Status.ACCEPTED, Status.CONTESTED}


def next_due(
    status: str, waiting_since: dt.date | None, follow_up_due: dt.date, planning_due: dt.date
) -> dt.date | None:
    """The deadline a claim owes next (None: none, or paused while waiting on the buyer); past
    it (`< today`) the claim is overdue, as `overdue_q` says in SQL."""
    if waiting_since:
        return None
    if status in AWAITING_FOLLOW_UP:
        return follow_up_due
    if status in AWAITING_PLANNING:
        return planning_due
    return None


def kept(done_at: dt.datetime | None, deadline: dt.date) -> bool:
    """A deadline kept: the step was done (a moment) by the deadline's day, in local time."""
    return done_at is not None and timezone.localdate(done_at) <= deadline


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """Claims past a deadline they still owe, not paused while waiting on the buyer."""
    return Q(**{f"{prefix}waiting_since__isnull": True}) & (
        Q(**{f"{prefix}status__in": AWAITING_FOLLOW_UP, f"{prefix}follow_up_due__lt": today})
        | Q(**{f"{prefix}status__in": AWAITING_PLANNING, f"{prefix}planning_due__lt": today})
    )


def due_today_q(today: dt.date, prefix: str = "") -> Q:
    """Claims whose next deadline is today."""
    return Q(**{f"{prefix}waiting_since__isnull": True}) & (
        Q(**{f"{prefix}status__in": AWAITING_FOLLOW_UP, f"{prefix}follow_up_due": today})
        | Q(**{f"{prefix}status__in": AWAITING_PLANNING, f"{prefix}planning_due": today})
    )


def callback_overdue_q(today: dt.date, prefix: str = "") -> Q:
    """Call-backs still owed (no outcome) past their due day."""
    return Q(**{f"{prefix}outcome": "", f"{prefix}due__lt": today})


def callback_due_today_q(today: dt.date, prefix: str = "") -> Q:
    """Call-backs still owed whose due day is today."""
    return Q(**{f"{prefix}outcome": "", f"{prefix}due": today})
