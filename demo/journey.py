"""The buyers' journey as the demo's staff keep it: an interlocutor for each programme (the
oldest one's buyers got theirs one by one), courtesy visits after delivery, the delivery months
announced (some changed once), and the computed indicators of commitment 3 with three years of
history. Idempotent: every choice follows from the lot's number, and only what is missing is
written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cooperatives.models import Buyer, Cooperative, DeliveryAnnouncement, Programme, User
from cooperatives.services.journey import buyer_save, programme_save
from engagements import periods
from engagements.models import Commitment, Indicator, Measurement
from engagements.services.measuring import measurement_compute

# (commitment number, name, target, journey metric): computed, never typed in.
INDICATORS = [
    (3, "Acquéreurs suivis par un interlocuteur unique nommé", 100, "interlocutor_share"),
    (3, "Visites de courtoisie dans les 2 mois suivant la livraison", 90, "courtesy_visit_share"),
]


def _number(buyer: Buyer) -> int:
    return int(buyer.lot.code.rsplit("-", 1)[-1])


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def journey_seed(*, cooperative: Cooperative, staff: list[User], reference: dt.date) -> None:
    programmes = {p.code: p for p in Programme.objects.for_cooperative(cooperative)}
    for code, person in (("BEL", staff[0]), ("CDC", staff[0])):
        programme = programmes.get(code)
        if programme is not None and programme.interlocutor_id is None:
            programme.interlocutor = person
            programme_save(programme=programme, user=staff[0])
    buyers = Buyer.objects.for_cooperative(cooperative).select_related("lot__programme")
    for buyer in buyers.order_by("lot__code"):
        number, code = _number(buyer), buyer.lot.programme.code
        changed = False
        if code == "JDI" and buyer.interlocutor_id is None and number % 5:
            buyer.interlocutor = staff[number % len(staff)]
            changed = True
        if buyer.courtesy_visit_date is None and (visit := _visit(buyer, number, reference)):
            buyer.courtesy_visit_date = visit
            changed = True
        if changed:
            buyer_save(buyer=buyer, user=staff[0])
        _announcements_seed(buyer, number, reference, staff[0])
    _indicators_seed(cooperative=cooperative, reference=reference)


def _visit(buyer: Buyer, number: int, reference: dt.date) -> dt.date | None:
    """Most households visited within 2 months; a few late; some never (more in the oldest
    programme, before the promise was made)."""
    if buyer.delivery_date is None or buyer.delivery_date > reference:
        return None
    never, late = (4, 1) if buyer.lot.programme.code == "JDI" else (10, 1)
    if number % never == 0:
        return None
    days = 75 if number % never == late else 15 + (number * 7) % 40
    visit = buyer.delivery_date + dt.timedelta(days=days)
    return visit if visit <= reference else None


def _announcements_seed(buyer: Buyer, number: int, reference: dt.date, user: User) -> None:
    """The log of a buyer's announced months. Delivered buyers: the month as announced, and for
    one in four in Belledonne a first month announced 40 days before, then pushed back. Buyers
    of the site under way: one in six has been told a month, changed once since."""
    if DeliveryAnnouncement.objects.filter(buyer=buyer).exists():
        return
    month, announced_on = buyer.delivery_month_announced, buyer.delivery_month_announced_on
    if month is not None and announced_on is not None:
        if buyer.lot.programme.code == "BEL" and number % 4 == 2:
            earlier = _month_start(month - dt.timedelta(days=1))
            DeliveryAnnouncement.objects.create(
                buyer=buyer, month=earlier, announced_on=announced_on - dt.timedelta(days=40),
                recorded_by=user,
            )  # fmt: skip
        DeliveryAnnouncement.objects.create(
            buyer=buyer, month=month, announced_on=announced_on, recorded_by=user
        )
    elif buyer.lot.programme.code == "CDC" and buyer.delivery_date is None and number % 6 == 1:
        expected = _month_start(reference + dt.timedelta(days=240))
        for month, announced_on in (
            (_month_start(expected - dt.timedelta(days=1)), reference - dt.timedelta(days=90)),
            (expected, reference - dt.timedelta(days=30)),
        ):
            buyer.delivery_month_announced, buyer.delivery_month_announced_on = (
                month, announced_on,
            )  # fmt: skip
            buyer_save(buyer=buyer, user=user)


def _indicators_seed(*, cooperative: Cooperative, reference: dt.date) -> None:
    commitments = {c.number: c for c in Commitment.objects.for_cooperative(cooperative)}
    for number, name, target, metric in INDICATORS:
        indicator, _ = Indicator.objects.get_or_create(
            commitment=commitments[number],
            name=name,
            defaults={
                "unit": "%",
                "target": Decimal(target),
                "period": periods.Period.QUARTER,
                "source": Indicator.Source.JOURNEY,
                "journey_metric": metric,
                "position": 20,
                "is_public": True,
            },
        )
        for start in periods.last_starts(indicator.period, 13, reference)[:-1]:
            if not Measurement.objects.filter(indicator=indicator, period_start=start).exists():
                measurement_compute(indicator=indicator, period_start=start)
