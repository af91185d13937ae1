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
one-to-one row). The call-back goes to the buyer's interlocutor in charge (their daily digest
lists it when due or overdue). Its outcome is recorded once (`callback_record`: the row locked,
then a conditional UPDATE), with who and when; a call that turned into a claim files it
(`sav.services.claims.claim_file`, channel "phone"), one that turned into an action of the plan
creates it (`engagements.services.actions.action_create`), in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cooperatives.models import Buyer, User
from engagements.models import Action, Commitment
from engagements.services.actions import action_create
from enquetes.models import CONSENT_KEY, Answer, Response
from sav import rules
from sav.models import CallBack, Claim, ServiceLevel
from sav.services.claims import claim_file

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
            reasons.append(f"Commentaire : « {' '.join(answer.text.split())[:200]} »")
    return reasons


def callbacks_open(*, now: dt.datetime) -> int:
    """Open the call-backs owed for the responses of the last `LOOKBACK` days up to `now` (a
    clock set in the past, as the demo's, opens nothing for a response submitted later).
    Returns how many."""
    today = timezone.localdate(now)
    consented = Answer.objects.filter(
        response=OuterRef("pk"), question__key=CONSENT_KEY, value="oui"
    )
    responses = (
        Response.objects.filter(
            campaign__anonymous=False,
            invitation__isnull=False,
            submitted_on__range=(today - LOOKBACK, today),
        )
        .filter(Exists(consented))
        .exclude(pk__in=CallBack.objects.values("response_id"))
        .select_related(
            "campaign", "invitation__buyer__interlocutor",
            "invitation__buyer__lot__programme__interlocutor",
        )
        .prefetch_related("answers__question")
        .order_by("submitted_on", "invitation_id")  # call-backs numbered in the answers' order
    )  # fmt: skip
    opened = 0
    levels: dict[int, ServiceLevel] = {}
    for response in responses:
        cooperative_id = response.campaign.cooperative_id
        level = levels.setdefault(cooperative_id, ServiceLevel.of(cooperative_id))
        reasons = callback_reasons(response, level)
        if not reasons:
            continue
        submitted = response.submitted_on or today
        buyer = response.invitation.buyer if response.invitation else None
        with transaction.atomic():
            _, created = CallBack.objects.get_or_create(
                response=response,
                defaults={
                    "cooperative_id": cooperative_id,
                    "buyer": buyer,
                    "assignee": buyer.interlocutor_in_charge if buyer else None,
                    "reasons": "\n".join(reasons)[:600],
                    "opened_at": now,
                    "due": rules.working_days_add(submitted, level.callback_days),
                },
            )
        opened += created
    return opened


class OutcomeRefused(Exception):
    """The outcome cannot be recorded as asked (said in French)."""


def callback_record(
    *,
    callback: CallBack,
    outcome: str,
    note: str,
    user: User,
    now: dt.datetime,
    claim_fields: dict | None = None,
    action_fields: dict | None = None,
) -> bool:
    """Record the outcome of the call, once: False when an outcome was recorded already (by
    someone else meanwhile), and nothing is written then.

    `claim_fields` (category, room, description) file the claim of the outcome "claim";
    `action_fields` (title, description, due_date, commitment) create the action of "action".
    """
    with transaction.atomic():
        pending = (
            CallBack.objects.select_for_update(of=("self",))
            .filter(pk=callback.pk, outcome="")
            .select_related("buyer__lot__programme")
            .first()
        )
        if pending is None:
            return False
        changes: dict = {"outcome": outcome, "note": note, "outcome_at": now, "outcome_by": user}
        if outcome == CallBack.Outcome.CLAIM:
            changes["claim"] = _claim_from(pending, claim_fields or {}, note, user, now)
        elif outcome == CallBack.Outcome.ACTION:
            changes["action"] = _action_from(pending, action_fields or {})
        CallBack.objects.filter(pk=pending.pk, outcome="").update(**changes)
    for field, value in changes.items():
        setattr(callback, field, value)
    return True


def _claim_from(callback: CallBack, fields: dict, note: str, user: User, now: dt.datetime) -> Claim:
    buyer: Buyer | None = callback.buyer
    if buyer is None:
        raise OutcomeRefused(
            "L'acquéreur n'est plus dans le portail : aucune réclamation possible."
        )
    return claim_file(
        lot=buyer.lot, buyer=buyer, channel="phone", category=fields["category"],
        room=fields.get("room", ""), description=fields["description"], now=now, user=user,
        comment=f"Suite au rappel {callback.reference}. {note}".strip(),
    )  # fmt: skip


def _action_from(callback: CallBack, fields: dict) -> Action:
    commitment: Commitment | None = fields.get("commitment")
    return action_create(
        cooperative=callback.cooperative,
        fields={
            "title": fields["title"],
            "description": f"Ouverte à la suite du rappel {callback.reference}.",
            "iso_subject": "", "owner": None, "due_date": fields.get("due_date"),
            "status": Action.Status.PLANNED, "progress_note": "",
        },
        commitments=[commitment] if commitment else [],
    )  # fmt: skip
