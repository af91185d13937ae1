"""Satisfaction checked after the intervention (commitment 6, *votre satisfaction vérifiée après
l'intervention*): closing a claim whose disorder was lifted invites its buyer to the
one-question survey of the cooperative's running "after an intervention" campaign.

- **When**: at the close (`claim_close`), not at the lifting. The close is the cooperative's
  last word on a claim: the buyer confirmed the lifting, or did not answer for
  `auto_lift_days` and the claim was lifted for them (they are asked too, which is when their
  opinion matters most), and staff checked nothing is left. A claim closed after a refusal had
  no intervention: nobody is asked.
- **Where**: a key-step campaign of the survey engine (`KeyStep.AFTER_INTERVENTION`, shipped
  questionnaire "Satisfaction après intervention", `enquetes.library.AFTER_INTERVENTION`),
  launched, open on the day, of the claim's cooperative, whose programmes include the claim's
  (or all of them); the one opened last when several are. Its invitation names the claim
  (`Invitation.subject`) and leaves by e-mail through the outbox at once
  (`enquetes.services.dispatch.invitation_add`); the buyer also finds it in their space.
- **Once**: the close itself happens once (a conditional update); the claim then holds its
  invitation (`Claim.survey_invitation`, one-to-one: one invitation per claim, one claim per
  invitation), and the database keeps one invitation per campaign, buyer and subject.
- **No running campaign**: nobody is invited, and the claim's page says so to staff, before the
  close (a lifted claim) and after it (`sav.selectors.claim_survey`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from enquetes.models import Invitation
from enquetes.services.dispatch import invitation_add
from sav.models import Claim
from sav.selectors import after_intervention_campaign


def survey_subject(claim: Claim) -> str:
    """What the invitation is about, as the buyer reads it in the e-mail and their space."""
    room = f" ({claim.room})" if claim.room else ""
    return f"votre demande {claim.reference} : {claim.get_category_display()}{room}"[:200]


def claim_survey_invite(*, claim: Claim, now: dt.datetime) -> Invitation | None:
    """Invite the buyer of a closed, lifted claim to the running after-intervention campaign.
    None when there is nothing to do: no buyer, never lifted (refused), already invited, or no
    campaign running."""
    row = (
        Claim.objects.filter(
            pk=claim.pk,
            buyer__isnull=False,
            lifted_at__isnull=False,
            survey_invitation__isnull=True,
        )
        .select_related("buyer__lot")
        .first()
    )
    if row is None or row.buyer is None:
        return None
    campaign = after_intervention_campaign(
        row.cooperative_id, row.buyer.lot.programme_id, timezone.localdate(now)
    )
    if campaign is None:
        return None
    with transaction.atomic():
        # Made again for the same claim, the invitation is the one already there (unique per
        # campaign, buyer and subject), and nothing is sent twice.
        invitation = invitation_add(
            campaign=campaign, buyer=row.buyer, subject=survey_subject(row), now=now
        )
        Claim.objects.filter(pk=claim.pk, survey_invitation=None).update(
            survey_invitation=invitation
        )
    claim.survey_invitation = invitation
    return invitation
