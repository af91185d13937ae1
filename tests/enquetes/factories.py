"""Builders of the surveys app: a questionnaire from the shipped template, a launched campaign
over buyers of the cooperative's programme."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from cooperatives.models import Buyer, Cooperative, Programme
from enquetes.models import Campaign, Questionnaire, SurveyKind
from enquetes.services.campaigns import campaign_start
from enquetes.services.questionnaires import (
    questionnaire_from_template as _questionnaire_from_template,
)
from tests import factories


def questionnaire_from_template(
    *, cooperative: Cooperative, template_key: str = "triennale-acquereurs"
) -> Questionnaire:
    return _questionnaire_from_template(cooperative=cooperative, template_key=template_key)


def campaign_create(
    *,
    cooperative: Cooperative,
    questionnaire: Questionnaire | None = None,
    opens_on: dt.date | None = None,
    days_open: int = 30,
    reminder_days: list[int] | None = None,
    **fields,
) -> Campaign:
    """A triennial campaign, open today, closing in `days_open` days, reminders on days 7 and 14."""
    opens_on = opens_on or timezone.localdate()
    return Campaign.objects.create(
        cooperative=cooperative,
        questionnaire=questionnaire or questionnaire_from_template(cooperative=cooperative),
        name=fields.pop("name", "Enquête triennale 2026"),
        kind=fields.pop("kind", SurveyKind.TRIENNIAL),
        opens_on=opens_on,
        closes_on=opens_on + dt.timedelta(days=days_open),
        reminder_days=[7, 14] if reminder_days is None else reminder_days,
        **fields,
    )


def buyers_create(
    *, programme: Programme, count: int, without_email: int = 0, **fields
) -> list[Buyer]:
    """`count` buyers with an e-mail address and `without_email` without, one lot each."""
    buyers = [
        factories.BuyerFactory(lot=factories.LotFactory(programme=programme), **fields)
        for _ in range(count)
    ]
    buyers += [
        factories.BuyerFactory(lot=factories.LotFactory(programme=programme), email="", **fields)
        for _ in range(without_email)
    ]
    return buyers


def campaign_launched(
    *,
    cooperative: Cooperative,
    programme: Programme | None = None,
    buyers: int = 3,
    without_email: int = 0,
    now: dt.datetime | None = None,
    **campaign_fields,
) -> Campaign:
    """Buyers of the cooperative's programme, a campaign over them, launched now."""
    programme = programme or factories.ProgrammeFactory(cooperative=cooperative)
    buyers_create(programme=programme, count=buyers, without_email=without_email)
    now = now or timezone.now()
    campaign = campaign_create(
        cooperative=cooperative, opens_on=timezone.localdate(now), **campaign_fields
    )
    campaign_start(campaign=campaign, now=now)
    return campaign


def campaign_admin_data(campaign: Campaign, **changes) -> dict:
    """What the admin's change form of `campaign` posts, with `changes` (field: posted text)."""
    data = {
        "cooperative": campaign.cooperative_id,
        "questionnaire": campaign.questionnaire_id,
        "name": campaign.name,
        "kind": campaign.kind,
        "key_step": campaign.key_step,
        "days_after_step": campaign.days_after_step,
        "opens_on": campaign.opens_on.isoformat(),
        "closes_on": campaign.closes_on.isoformat(),
        "anonymous": "on" if campaign.anonymous else "",
        "reminder_days": json.dumps(campaign.reminder_days),
        "population": json.dumps(campaign.population),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}
