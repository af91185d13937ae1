"""Campaigns: launch, population from the portal's buyers, key-step invitations."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cooperatives.models import Buyer, JourneyStep, journey_step_conditions
from enquetes.models import Campaign, Invitation, KeyStep, SurveyKind
from enquetes.services.questionnaires import questionnaire_freeze


class CampaignError(Exception):
    """A campaign cannot be launched as it is (message in French)."""


def population_buyers(campaign: Campaign, today: dt.date | None = None) -> QuerySet:
    """Buyers matching the campaign's population filter (programmes, journey steps)."""
    today = today or timezone.localdate()
    buyers = Buyer.objects.for_cooperative(campaign.cooperative_id).select_related("lot")
    programmes = campaign.population.get("programmes") or []
    if programmes:
        buyers = buyers.filter(lot__programme_id__in=programmes)
    steps = campaign.population.get("steps") or []
    if steps:
        conditions = journey_step_conditions(today)
        q = conditions[JourneyStep(steps[0])]
        for step in steps[1:]:
            q |= conditions[JourneyStep(step)]
        buyers = buyers.filter(q)
    return buyers


def invitations_from_buyers(*, campaign: Campaign, buyers: QuerySet) -> int:
    """Invite buyers (once each: the database ignores a second invitation)."""
    invitations = [
        Invitation(
            campaign=campaign,
            buyer=buyer,
            programme_id=buyer.lot.programme_id,
            lot_code=buyer.lot.code,
            last_name=buyer.last_name,
            first_name=buyer.first_name,
            email=buyer.email,
            phone=buyer.phone,
            expires_at=campaign.closes_at,
        )
        for buyer in buyers.select_related("lot")
    ]
    before = Invitation.objects.filter(campaign=campaign).count()
    Invitation.objects.bulk_create(invitations, batch_size=500, ignore_conflicts=True)
    return Invitation.objects.filter(campaign=campaign).count() - before


@transaction.atomic
def campaign_launch(*, campaign: Campaign, now: dt.datetime) -> int:
    """Freeze the questionnaire, mark the campaign launched and invite its population (key-step
    campaigns invite buyers as they reach the step). Returns the number of invitations added."""
    if not Campaign.objects.filter(pk=campaign.pk, launched_at=None).update(launched_at=now):
        raise CampaignError("Cette campagne est déjà lancée.")
    campaign.launched_at = now
    questionnaire_freeze(questionnaire=campaign.questionnaire)
    if campaign.kind == SurveyKind.KEY_STEP:
        return key_step_invitations_create(now=now, campaign=campaign)
    if campaign.population.get("source", "buyers") == "buyers":
        return invitations_from_buyers(campaign=campaign, buyers=population_buyers(campaign))
    return 0


def key_step_invitations_create(*, now: dt.datetime, campaign: Campaign | None = None) -> int:
    """Invite each buyer `days_after_step` days after their step date, while the campaign is
    open; buyers whose step came before the campaign opened are not invited."""
    today = timezone.localdate(now)
    campaigns = Campaign.objects.open_on(today).filter(kind=SurveyKind.KEY_STEP)
    if campaign is not None:
        campaigns = campaigns.filter(pk=campaign.pk)
    added = 0
    for campaign in campaigns:
        field = KeyStep(campaign.key_step).buyer_date_field
        delay = dt.timedelta(days=campaign.days_after_step)
        buyers = Buyer.objects.for_cooperative(campaign.cooperative_id).filter(
            **{
                f"{field}__lte": today - delay,
                f"{field}__gte": campaign.opens_on - delay,
            }
        )
        programmes = campaign.population.get("programmes") or []
        if programmes:
            buyers = buyers.filter(lot__programme_id__in=programmes)
        added += invitations_from_buyers(campaign=campaign, buyers=buyers)
    return added
