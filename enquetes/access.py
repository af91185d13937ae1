"""Access helpers of the surveys app: staff objects (404/403 rules of cooperatives.access) and
the buyer's token."""

from __future__ import annotations

import hmac
import time

from django.core.exceptions import PermissionDenied

from cooperatives.access import get_visible_or_404, require_change
from cooperatives.models import User
from enquetes.models import Campaign, Invitation, Questionnaire
from enquetes.models.campaigns import TOKEN_PREFIX_LENGTH

# Campaigns seen by the answering pages, per process, for a minute: a page view then reads one
# table instead of four. A launched campaign does not change (only a cooperative's name could,
# and it shows here at most a minute late).
_CAMPAIGNS: dict[int, tuple[float, Campaign]] = {}
CAMPAIGN_CACHE_SECONDS = 60


def _campaign(campaign_id: int) -> Campaign:
    now = time.monotonic()
    hit = _CAMPAIGNS.get(campaign_id)
    if hit and now - hit[0] < CAMPAIGN_CACHE_SECONDS:
        return hit[1]
    if len(_CAMPAIGNS) > 512:
        _CAMPAIGNS.clear()
    campaign = Campaign.objects.select_related("questionnaire", "cooperative").get(pk=campaign_id)
    _CAMPAIGNS[campaign_id] = (now, campaign)
    return campaign


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation whose token is `token`, compared in constant time, or None.

    The indexed prefix finds the candidate row; the full secret is compared with
    hmac.compare_digest so that response times reveal nothing about it.
    """
    if not token or not TOKEN_PREFIX_LENGTH < len(token) <= 64:
        return None
    candidates = Invitation.objects.filter(token_prefix=token[:TOKEN_PREFIX_LENGTH])
    for invitation in candidates:
        if hmac.compare_digest(invitation.token.encode(), token.encode()):
            invitation.campaign = _campaign(invitation.campaign_id)
            return invitation
    return None


def campaign_for_user(user: User, pk: int, *, change: bool = False) -> Campaign:
    campaign = get_visible_or_404(
        Campaign.objects.select_related("questionnaire", "cooperative"), user, pk=pk
    )
    if change:
        require_change(user, campaign.cooperative_id)
    return campaign


def questionnaire_for_user(user: User, pk: int, *, change: bool = False) -> Questionnaire:
    questionnaire = get_visible_or_404(Questionnaire.objects.all(), user, pk=pk)
    if change:
        require_change(user, questionnaire.cooperative_id)
    return questionnaire


def invitation_for_user(user: User, pk: int, *, change: bool = False) -> Invitation:
    invitation = get_visible_or_404(
        Invitation.objects.select_related("campaign__questionnaire"), user, pk=pk
    )
    if not user.reads_buyers:  # an invitation names a person
        raise PermissionDenied
    if change:
        require_change(user, invitation.campaign.cooperative_id)
    return invitation
