"""Claims: filing one, and every step of its workflow.

received → acknowledged (an e-mail at once) → accepted | refused (with a reason) → assigned (a
company, a date) → done → lifted (confirmed by the buyer, or after N days without an answer) |
contested (→ assigned again) → closed. The transitions are `sav.rules.TRANSITIONS`; each step is
a conditional UPDATE from the statuses it leaves (of two clicks, one wins and the other changes
nothing), a `ClaimEvent` (when, who, comment), and for the steps that matter to the buyer, an
e-mail through the outbox (`ClaimMessage`, queued once the transaction commits). Closing a
lifted claim invites the buyer to the after-intervention survey (`sav.services.surveys`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from chantiers.content import Photo
from cooperatives.models import Buyer, Lot, User
from coopqualite.outbox.services.dispatch import outbox_enqueue
from sav import rules
from sav.models import (
    MAX_PHOTOS,
    Claim,
    ClaimEvent,
    ClaimMessage,
    ClaimPhoto,
    Company,
    ServiceLevel,
)
from sav.services.surveys import claim_survey_invite

KIND = "sav.claimmessage"

# The steps the buyer is told about by e-mail.
EMAILED = frozenset(
    {
        ClaimEvent.Kind.ACKNOWLEDGED,
        ClaimEvent.Kind.REFUSED,
        ClaimEvent.Kind.ASSIGNED,
        ClaimEvent.Kind.DONE,
        ClaimEvent.Kind.LIFTED,
    }
)


class StepRefused(Exception):
    """The claim is no longer in a status this step leaves (someone else moved it first)."""


def _record(
    claim: Claim,
    kind: str,
    *,
    now: dt.datetime,
    actor: str,
    user: User | None = None,
    comment: str = "",
) -> ClaimEvent:
    event = ClaimEvent.objects.create(
        claim=claim, kind=kind, at=now, actor=actor, user=user, comment=comment
    )
    buyer = claim.buyer
    if kind in EMAILED and buyer is not None and buyer.email:
        message = ClaimMessage.objects.create(event=event)
        outbox_enqueue(kind=KIND, ids=[message.pk], now=now)
    return event


@transaction.atomic
def claim_file(
    *,
    lot: Lot,
    buyer: Buyer | None,
    channel: str,
    category: str,
    description: str,
    room: str = "",
    now: dt.datetime,
    user: User | None = None,
    comment: str = "",
    photos: Sequence[Photo] = (),
) -> Claim:
    """Record a claim (or a reserve of the delivery report: `channel` "delivery_report") with
    its guarantee and deadlines; acknowledge it at once when the buyer has an e-mail address
    (a reserve of the delivery report is acknowledged by the report itself, without e-mail)."""
    today = timezone.localdate(now)
    at_delivery = channel == Claim.Channel.DELIVERY_REPORT
    covered = rules.coverage(
        category=category,
        reported_on=today,
        delivery=buyer.delivery_date if buyer else None,
        perfect_completion_recorded=buyer.perfect_completion_end if buyer else None,
        at_delivery=at_delivery,
    )
    cooperative_id = lot.programme.cooperative_id
    level = ServiceLevel.of(cooperative_id)
    claim = Claim.objects.create(
        cooperative_id=cooperative_id,
        lot=lot,
        buyer=buyer,
        channel=channel,
        room=room,
        category=category,
        description=description,
        guarantee=covered.guarantee,
        guarantee_until=covered.until,
        guarantee_explanation=covered.explanation,
        status=rules.Status.RECEIVED,
        received_at=now,
        follow_up_due=rules.working_days_add(today, level.follow_up_days),
        planning_due=rules.working_days_add(today, level.planning_days),
        assignee=user if user is not None and user.cooperative_id == cooperative_id else None,
    )
    for photo in photos[:MAX_PHOTOS]:
        row = ClaimPhoto(claim=claim, width=photo.width, height=photo.height)
        row.image.save(f"{claim.pk}.jpg", ContentFile(photo.content), save=True)
    actor = ClaimEvent.Actor.STAFF if user else ClaimEvent.Actor.BUYER
    _record(claim, ClaimEvent.Kind.RECEIVED, now=now, actor=actor, user=user, comment=comment)
    if at_delivery:
        _step(claim, "acknowledge", now=now, actor=ClaimEvent.Actor.STAFF, user=user,
              comment="Inscrite au procès-verbal de livraison.", email=False)  # fmt: skip
    elif buyer is not None and buyer.email:
        _step(claim, "acknowledge", now=now, actor=ClaimEvent.Actor.SYSTEM)
    return claim


def _step(
    claim: Claim,
    name: str,
    *,
    now: dt.datetime,
    actor: str,
    user: User | None = None,
    comment: str = "",
    values: dict[str, Any] | None = None,
    email: bool = True,
) -> ClaimEvent:
    """Move the claim by the transition `name` if it is still in a status it leaves."""
    leaves, reaches = rules.TRANSITIONS[name]
    stamp = {
        "acknowledge": "acknowledged_at", "accept": "qualified_at", "refuse": "qualified_at",
        "assign": "assigned_at", "done": "done_at", "lift": "lifted_at", "close": "closed_at",
    }.get(name)  # fmt: skip
    changes: dict[str, Any] = {"status": reaches, **(values or {})}
    if stamp:
        changes[stamp] = now
    with transaction.atomic():
        won = Claim.objects.filter(pk=claim.pk, status__in=leaves).update(**changes)
        if not won:
            raise StepRefused(
                f"Cette réclamation est désormais « {claim.get_status_display()} » : "
                "rechargez la page."
            )
        for field, value in changes.items():
            setattr(claim, field, value)
        kind = ClaimEvent.Kind(reaches.value)
        if email:
            return _record(claim, kind, now=now, actor=actor, user=user, comment=comment)
        return ClaimEvent.objects.create(
            claim=claim, kind=kind, at=now, actor=actor, user=user, comment=comment
        )


def claim_acknowledge(*, claim: Claim, user: User, now: dt.datetime, comment: str = "") -> None:
    """Staff acknowledged a claim without e-mail address (by phone, by letter)."""
    _step(claim, "acknowledge", now=now, actor=ClaimEvent.Actor.STAFF, user=user,
          comment=comment, email=False)  # fmt: skip


def claim_accept(*, claim: Claim, user: User, now: dt.datetime, comment: str = "") -> None:
    values = {} if claim.acknowledged_at else {"acknowledged_at": now}
    _step(claim, "accept", now=now, actor=ClaimEvent.Actor.STAFF, user=user, comment=comment,
          values=values)  # fmt: skip


def claim_refuse(*, claim: Claim, user: User, now: dt.datetime, reason: str) -> None:
    values = {"refusal_reason": reason, "closed_at": now}
    if not claim.acknowledged_at:
        values["acknowledged_at"] = now
    _step(claim, "refuse", now=now, actor=ClaimEvent.Actor.STAFF, user=user, comment=reason,
          values=values)  # fmt: skip


def claim_assign(
    *,
    claim: Claim,
    company: Company,
    intervention_on: dt.date,
    user: User,
    now: dt.datetime,
    assignee: User | None = None,
    comment: str = "",
) -> None:
    """Give the claim to a company with an intervention date (again after a contest)."""
    if company.cooperative_id != claim.cooperative_id:
        raise ValueError("company of another cooperative")
    values: dict[str, Any] = {"company": company, "intervention_on": intervention_on}
    if assignee is not None:
        values["assignee"] = assignee
    note = comment or f"{company.name}, intervention prévue le {intervention_on:%d/%m/%Y}."
    _step(claim, "assign", now=now, actor=ClaimEvent.Actor.STAFF, user=user, comment=note,
          values=values)  # fmt: skip


def claims_assign(
    *,
    claims: list[Claim],
    user: User,
    now: dt.datetime,
    assignee: User | None = None,
    company: Company | None = None,
    intervention_on: dt.date | None = None,
) -> int:
    """Bulk assignment from the inbox: a person responsible for each claim, and when given, a
    company and a date for those waiting for one. Returns how many claims changed."""
    changed = 0
    with transaction.atomic():
        for claim in claims:
            if assignee is not None and claim.assignee_id != assignee.pk:
                Claim.objects.filter(pk=claim.pk).update(assignee=assignee)
                claim.assignee = assignee
                changed += 1
            leaves, _ = rules.TRANSITIONS["assign"]
            if company is not None and intervention_on is not None and claim.status in leaves:
                claim_assign(claim=claim, company=company, intervention_on=intervention_on,
                             user=user, now=now)  # fmt: skip
                changed += 1
    return changed


def claim_mark_done(
    *, claim: Claim, now: dt.datetime, user: User | None = None, comment: str = ""
) -> None:
    """The intervention took place (staff, or the company through its link: user None)."""
    actor = ClaimEvent.Actor.STAFF if user else ClaimEvent.Actor.COMPANY
    _step(claim, "done", now=now, actor=actor, user=user, comment=comment)


def claim_lift(*, claim: Claim, now: dt.datetime, user: User | None = None,
               comment: str = "") -> None:  # fmt: skip
    """The buyer (user None) or staff for them confirms the disorder is fixed."""
    actor = ClaimEvent.Actor.STAFF if user else ClaimEvent.Actor.BUYER
    _step(claim, "lift", now=now, actor=actor, user=user, comment=comment, email=False)


def claim_contest(*, claim: Claim, now: dt.datetime, user: User | None = None,
                  comment: str = "") -> None:  # fmt: skip
    """The disorder is still there: the intervention is to plan again, with a new deadline."""
    level = ServiceLevel.of(claim.cooperative_id)
    due = rules.working_days_add(timezone.localdate(now), level.planning_days)
    actor = ClaimEvent.Actor.STAFF if user else ClaimEvent.Actor.BUYER
    _step(claim, "contest", now=now, actor=actor, user=user, comment=comment,
          values={"planning_due": due, "done_at": None}, email=False)  # fmt: skip


def claim_close(*, claim: Claim, user: User, now: dt.datetime, comment: str = "") -> None:
    """Close a lifted (or refused) claim. Closing a lifted one invites its buyer to the
    after-intervention survey when a campaign of it runs (`sav.services.surveys`)."""
    with transaction.atomic():
        _step(claim, "close", now=now, actor=ClaimEvent.Actor.STAFF, user=user, comment=comment,
              email=False)  # fmt: skip
        claim_survey_invite(claim=claim, now=now)


def claims_lift_unanswered(*, now: dt.datetime) -> int:
    """Lift the claims whose intervention was done more than the cooperative's
    `auto_lift_days` ago without an answer from the buyer (the e-mail of the intervention said
    so). Returns how many were lifted."""
    lifted = 0
    done = Claim.objects.filter(status=rules.Status.DONE)
    # order_by(): the model's ordering would make DISTINCT return one row per claim.
    cooperatives = done.order_by().values_list("cooperative_id", flat=True).distinct()
    for cooperative_id in cooperatives:
        days = ServiceLevel.of(cooperative_id).auto_lift_days
        late = done.filter(cooperative_id=cooperative_id, done_at__lte=now - dt.timedelta(days))
        for claim in late.select_related("buyer"):
            try:
                _step(claim, "lift", now=now, actor=ClaimEvent.Actor.SYSTEM,
                      values={"lifted_automatically": True},
                      comment=f"Levée sans réponse de l'acquéreur après {days} jours.")  # fmt: skip
            except StepRefused:
                continue
            lifted += 1
    return lifted


def claim_wait(*, claim: Claim, user: User, now: dt.datetime, comment: str) -> bool:
    """Pause the deadlines: the claim waits on the buyer (access, photos, an answer)."""
    today = timezone.localdate(now)
    with transaction.atomic():
        won = Claim.objects.filter(
            pk=claim.pk, waiting_since=None, status__in=rules.OPEN_STATUSES
        ).update(waiting_since=today)
        if won:
            claim.waiting_since = today
            _record(claim, ClaimEvent.Kind.WAITING, now=now, actor=ClaimEvent.Actor.STAFF,
                    user=user, comment=comment)  # fmt: skip
    return bool(won)


def claim_resume(*, claim: Claim, now: dt.datetime, user: User | None = None,
                 comment: str = "") -> bool:  # fmt: skip
    """End the pause: the deadlines move by the working days spent waiting."""
    today = timezone.localdate(now)
    with transaction.atomic():
        row = Claim.objects.select_for_update().filter(pk=claim.pk).exclude(waiting_since=None)
        found = row.values_list("waiting_since", "follow_up_due", "planning_due").first()
        if found is None:
            return False
        since, follow_up, planning = found
        paused = rules.working_days_between(since, today)
        values = {
            "waiting_since": None,
            "follow_up_due": rules.working_days_add(follow_up, paused),
            "planning_due": rules.working_days_add(planning, paused),
        }
        Claim.objects.filter(pk=claim.pk).update(**values)
        for field, value in values.items():
            setattr(claim, field, value)
        actor = ClaimEvent.Actor.STAFF if user else ClaimEvent.Actor.BUYER
        _record(claim, ClaimEvent.Kind.RESUMED, now=now, actor=actor, user=user,
                comment=comment or f"Délais reportés de {paused} jour(s) ouvré(s).")  # fmt: skip
    return True
