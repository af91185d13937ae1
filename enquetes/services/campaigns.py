"""Campaigns: create, start (freeze, mark launched, invite the population), key-step invitations."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cooperatives.models import Buyer, Cooperative
from enquetes.models import Campaign, Invitation, KeyStep, SurveyKind
from enquetes.services.questionnaires import questionnaire_freeze, questionnaire_from_template


class CampaignError(Exception):
    """A campaign cannot be launched as it is (message in French)."""


CAMPAIGN_FIELDS = [
    "name", "kind", "key_step", "days_after_step", "opens_on", "closes_on", "anonymous",
]  # fmt: skip


@transaction.atomic
def campaign_create(*, cooperative: Cooperative, fields: dict) -> Campaign:
    """A draft campaign, on the chosen questionnaire or on a new one made from a shipped
    template. `fields`: the campaign's own fields, and "questionnaire" or "template",
    "reminders" (days), "source", "programmes", "steps" (its population)."""
    questionnaire = fields["questionnaire"] or questionnaire_from_template(
        cooperative=cooperative, template_key=fields["template"]
    )
    return Campaign.objects.create(
        cooperative=cooperative,
        questionnaire=questionnaire,
        reminder_days=fields["reminders"],
        population={
            "source": fields["source"],
            "programmes": [p.pk for p in fields["programmes"]],
            "steps": list(fields["steps"]),
        },
        **{name: fields[name] for name in CAMPAIGN_FIELDS},
    )


def invitation_of(campaign: Campaign, buyer: Buyer, subject: str = "") -> Invitation:
    """The (unsaved) invitation of a buyer of the portal: their name and addresses as they
    stand, expiring when the campaign closes."""
    return Invitation(
        campaign=campaign,
        buyer=buyer,
        programme_id=buyer.lot.programme_id,
        lot_code=buyer.lot.code,
        last_name=buyer.last_name,
        first_name=buyer.first_name,
        email=buyer.email,
        phone=buyer.phone,
        subject=subject,
        expires_at=campaign.closes_at,
    )


def invitations_from_buyers(*, campaign: Campaign, buyers: QuerySet) -> int:
    """Invite buyers (once each: the database ignores a second invitation)."""
    invitations = [invitation_of(campaign, buyer) for buyer in buyers.select_related("lot")]
    before = Invitation.objects.filter(campaign=campaign).count()
    Invitation.objects.bulk_create(invitations, batch_size=500, ignore_conflicts=True)
    return Invitation.objects.filter(campaign=campaign).count() - before


@transaction.atomic
def campaign_start(*, campaign: Campaign, now: dt.datetime) -> int:
    """Freeze the questionnaire, mark the campaign launched and write the invitations of its
    population (key-step campaigns invite buyers as they reach the step). Sends nothing:
    `enquetes.services.dispatch.campaign_launch` does this, then plans and queues the e-mails.
    Returns the number of invitations added."""
    if not Campaign.objects.filter(pk=campaign.pk, launched_at=None).update(launched_at=now):
        raise CampaignError("Cette campagne est déjà lancée.")
    campaign.launched_at = now
    questionnaire_freeze(questionnaire=campaign.questionnaire)
    if campaign.kind == SurveyKind.KEY_STEP:
        return key_step_invitations_create(now=now, campaign=campaign)
    if campaign.population.get("source", "buyers") == "buyers":
        return invitations_from_buyers(campaign=campaign, buyers=campaign.population_buyers())
    return 0


def key_step_invitations_create(*, now: dt.datetime, campaign: Campaign | None = None) -> int:
    """Invite each buyer `days_after_step` days after their step date, while the campaign is
    open; buyers whose step came before the campaign opened are not invited. A step that is not
    a date of the buyer (after an intervention) invites nobody here: the after-sales app
    invites per claim (`invitation_add`)."""
    today = timezone.localdate(now)
    campaigns = Campaign.objects.open_on(today).filter(
        kind=SurveyKind.KEY_STEP, key_step__in=KeyStep.dated()
    )
    if campaign is not None:
        campaigns = campaigns.filter(pk=campaign.pk)
    added = 0
    for campaign in campaigns:
        field = KeyStep(campaign.key_step).buyer_date_field
        buyers = Buyer.objects.for_cooperative(campaign.cooperative_id).filter(
            **{f"{field}__range": campaign.key_step_dates(today)}
        )
        programmes = campaign.population.get("programmes") or []
        if programmes:
            buyers = buyers.filter(lot__programme_id__in=programmes)
        added += invitations_from_buyers(campaign=campaign, buyers=buyers)
    return added
