"""The closed loop: an unhappy answer in a nominative campaign, from a buyer who accepted to be
contacted, opens a call-back in the after-sales inbox.

The threshold is the cooperative's (`ServiceLevel`): an answer "Peu" or "Pas du tout satisfait"
to a satisfaction question (`callback_unhappy`), a recommendation score at or below
`callback_nps_max`, a comment (`callback_comment`). The consent is the answer "oui" to the
yes/no question keyed `CONSENT_KEY` (the last question of the shipped templates, never drawn in
an anonymous campaign). The deadline is `callback_days` working days after the response was
submitted. An anonymous campaign never opens one, whatever its answers: the question is not
asked there, its responses have no invitation, and the query asks for a nominative campaign and
an invitation.

Run by the daily work (`sav.services.daily`), idempotent: one call-back per response (a
one-to-one row).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cooperatives.models import User
from enquetes.models import CONSENT_KEY, Answer, Response
from sav import rules
from sav.models import CallBack, ServiceLevel

UNHAPPY = {"peu_satisfait", "pas_du_tout_satisfait"}
LOOKBACK = dt.timedelta(days=60)


def callback_reasons(response: Response, level: ServiceLevel) -> list[str]:
    """Why this response crosses the cooperative's threshold (empty: it does not)."""
    reasons = []
    for answer in response.answers.all():
        question = answer.question
        if level.callback_unhappy and question.type == "satisfaction" and answer.value in UNHAPPY:
            label = "Pas du tout satisfait" if answer.value.startswith("pas") else "Peu satisfait"
            reasons.append(f"« {label} » : {question.text}")
        elif question.type == "nps" and level.callback_nps_max is not None and answer.value:
            if int(answer.value) <= level.callback_nps_max:
                reasons.append(f"Recommandation {answer.value}/10")
        elif level.callback_comment and question.type == "text" and answer.text.strip():
            reasons.append(f"Commentaire : « {answer.text.strip()[:200]} »")
    return reasons


def callbacks_open(*, now: dt.datetime) -> int:
    """Open the call-backs owed for the responses of the last `LOOKBACK` days. Returns how many."""
    today = timezone.localdate(now)
    consented = Answer.objects.filter(
        response=OuterRef("pk"), question__key=CONSENT_KEY, value="oui"
    )
    responses = (
        Response.objects.filter(
            campaign__anonymous=False,
            invitation__isnull=False,
            submitted_on__gte=today - LOOKBACK,
        )
        .filter(Exists(consented))
        .exclude(pk__in=CallBack.objects.values("response_id"))
        .select_related("campaign", "invitation")
        .prefetch_related("answers__question")
    )
    opened = 0
    levels: dict[int, ServiceLevel] = {}
    for response in responses:
        cooperative_id = response.campaign.cooperative_id
        level = levels.setdefault(cooperative_id, ServiceLevel.of(cooperative_id))
        reasons = callback_reasons(response, level)
        if not reasons:
            continue
        submitted = response.submitted_on or today
        invitation = response.invitation
        with transaction.atomic():
            _, created = CallBack.objects.get_or_create(
                response=response,
                defaults={
                    "cooperative_id": cooperative_id,
                    "buyer_id": invitation.buyer_id if invitation else None,
                    "reasons": " ; ".join(reasons)[:600],
                    "opened_at": now,
                    "due": rules.working_days_add(submitted, level.callback_days),
                },
            )
        opened += created
    return opened


def callback_record(
    *, callback: CallBack, outcome: str, note: str, user: User, now: dt.datetime
) -> bool:
    """Record the outcome of the call (once: a conditional update)."""
    return bool(
        CallBack.objects.filter(pk=callback.pk, outcome="").update(
            outcome=outcome, note=note, outcome_at=now, outcome_by=user
        )
    )
