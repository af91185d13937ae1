"""The buyer's token: the invitation a survey link points at. Staff pages fetch their objects
through cooperatives.access."""

from __future__ import annotations

import hmac
import time

from enquetes.models import Campaign, Invitation
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
