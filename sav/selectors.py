"""The reads of the after-sales pages: the inbox and its filters, a claim's timeline, the
call-backs of the closed loop, the lines of the daily digest, the export rows. Nothing
written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, F, IntegerField, QuerySet, Value

from cooperatives.models import Programme, User, interlocutor_choices
from coopqualite.formats import format_date
from enquetes.models import Campaign, KeyStep, Response, SurveyKind
from enquetes.scales import DONT_KNOW, SATISFACTION
from sav import rules
from sav.models import CallBack, CallBackQuerySet, Claim, ClaimEvent, Company, claim_reference

INBOX_RELATED = ("lot__programme", "buyer", "company", "assignee")


def inbox(claims: QuerySet[Claim], *, filters: dict[str, Any], today: dt.date) -> QuerySet[Claim]:
    """The claims of the inbox, filtered (programme, guarantee, status, overdue, company,
    assignee, open only), oldest deadline first among the open ones, with what a row shows."""
    if filters.get("programme"):
        claims = claims.filter(lot__programme=filters["programme"])
    if filters.get("guarantee"):
        claims = claims.filter(guarantee=filters["guarantee"])
    if filters.get("status"):
        claims = claims.filter(status=filters["status"])
    elif not filters.get("all"):
        claims = claims.filter(status__in=rules.OPEN_STATUSES)
    if filters.get("overdue"):
        claims = claims.filter(rules.overdue_q(today))
    if filters.get("company"):
        claims = claims.filter(company=filters["company"])
    if filters.get("assignee"):
        claims = claims.filter(assignee=filters["assignee"])
    return claims.select_related(*INBOX_RELATED).order_by("-received_at", "-pk")


# The columns an inbox row shows, read as plain values (no model instances: a page of 50 rows
# costs its template's lookups, not 250 objects).
INBOX_COLUMNS = (
    "pk", "category", "room", "lot__programme__name", "lot__code", "buyer_id",
    "buyer__last_name", "buyer__first_name", "guarantee", "status", "waiting_since",
    "follow_up_due", "planning_due", "company__name", "intervention_on",
    "assignee_id", "assignee__first_name", "assignee__last_name", "assignee__username",
)  # fmt: skip
_CATEGORIES = dict(Claim.Category.choices)
_GUARANTEES = dict(rules.Guarantee.choices)
_STATUSES = dict(rules.Status.choices)


def inbox_rows(values: Iterable[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    """The rows of an inbox page from `inbox(...).values(*INBOX_COLUMNS)`: what each cell
    shows, labels and French dates already written, the next deadline and whether it is past."""
    rows = []
    for v in values:
        due = rules.next_due(v["status"], v["waiting_since"], v["follow_up_due"], v["planning_due"])
        assignee = ""
        if v["assignee_id"]:
            full = f"{v['assignee__first_name']} {v['assignee__last_name']}".strip()
            assignee = full or v["assignee__username"]
        buyer = "—"
        if v["buyer_id"]:
            buyer = f"{v['buyer__last_name']} {v['buyer__first_name']}".strip()
        rows.append({
            "pk": v["pk"],
            "reference": claim_reference(v["pk"]),
            "category": _CATEGORIES.get(v["category"], v["category"]),
            "room": v["room"],
            "lot": f"{v['lot__programme__name']}, {v['lot__code']}",
            "buyer": buyer,
            "guarantee": _GUARANTEES.get(v["guarantee"], v["guarantee"]),
            "status": _STATUSES.get(v["status"], v["status"]),
            "waiting": bool(v["waiting_since"]),
            "due": format_date(due) if due else "",
            "overdue": due is not None and due < today,
            "company": v["company__name"] or "—",
            "intervention_on": format_date(v["intervention_on"]) if v["intervention_on"] else "",
            "assignee": assignee,
        })  # fmt: skip
    return rows


@dataclass(frozen=True)
class InboxChoices:
    """What the inbox's two forms offer (value as a string, label), read in one query."""

    programmes: list[tuple[str, str]]
    companies: list[tuple[str, str]]
    assignees: list[tuple[str, str]]


def inbox_choices(cooperative_id: int) -> InboxChoices:
    """The programmes, companies and people the inbox's forms offer, in the order of the forms'
        own querysets (by name; people by last name, first name, username), labelled as they label
    them: one UNION query."""

    def columns(
        queryset: QuerySet[Any], kind: int, k1: str, k2: str | None, k3: str | None
    ) -> QuerySet[Any]:
        empty = Value("", output_field=CharField())
        return (
            queryset.order_by()
            .annotate(
                kind=Value(kind, output_field=IntegerField()),
                k1=F(k1), k2=F(k2) if k2 else empty, k3=F(k3) if k3 else empty,
            )
            .values_list("kind", "pk", "k1", "k2", "k3")
        )  # fmt: skip

    programmes = columns(Programme.objects.for_cooperative(cooperative_id), 0, "name", None, None)
    companies = columns(Company.objects.for_cooperative(cooperative_id), 1, "name", "trade", None)
    people = columns(interlocutor_choices(cooperative_id), 2, "last_name", "first_name", "username")
    lists: tuple[list, list, list] = ([], [], [])
    union = programmes.union(companies, people, all=True).order_by("kind", "k1", "k2", "k3", "pk")
    for kind, pk, k1, k2, k3 in union:
        # People as User.get_full_name (else the username), companies as Company.__str__.
        person = f"{k2} {k1}".strip() or k3
        lists[kind].append((str(pk), person if kind == 2 else f"{k1} ({k2})" if k2 else k1))
    return InboxChoices(*lists)


def claim_timeline(claim: Claim) -> QuerySet[ClaimEvent]:
    return claim.events.select_related("user").order_by("at", "pk")


def after_intervention_campaign(
    cooperative_id: int, programme_id: int, today: dt.date
) -> Campaign | None:
    """The running campaign a closed claim of this programme invites its buyer to: launched,
    open today, of the step "after an intervention", for every programme or this one; the one
    opened last when several are (`sav.services.surveys`)."""
    campaigns = (
        Campaign.objects.open_on(today)
        .filter(
            cooperative_id=cooperative_id,
            kind=SurveyKind.KEY_STEP,
            key_step=KeyStep.AFTER_INTERVENTION,
        )
        .order_by("-opens_on", "-pk")
    )
    for campaign in campaigns:
        programmes = campaign.population.get("programmes") or []
        if not programmes or programme_id in programmes:
            return campaign
    return None


@dataclass(frozen=True)
class ClaimSurvey:
    """What the staff page of a claim says about the after-intervention survey."""

    campaign: Campaign | None  # the invitation's, or else the one the close would use
    invited_at: dt.datetime | None
    answered_at: dt.datetime | None  # nominative campaigns only: an anonymous one never says
    answer: str  # the label of the answer, nominative campaigns only
    to_come: bool  # a lifted claim: the close will invite (or not, without a campaign)


def claim_survey(claim: Claim, today: dt.date) -> ClaimSurvey | None:
    """The after-intervention survey of a claim as staff may see it; None when it has none to
    say (no buyer, no intervention lifted)."""
    invitation = claim.survey_invitation
    if invitation is not None:
        campaign = invitation.campaign
        answered_at, answer = None, ""
        if not campaign.anonymous:
            answered_at = invitation.answered_at
            found = (
                Response.objects.filter(invitation=invitation, completed=True)
                .filter(answers__question__type="satisfaction")
                .values_list("answers__value", flat=True)
                .first()
            )
            answer = dict([*SATISFACTION, DONT_KNOW]).get(found or "", "")
        return ClaimSurvey(campaign, invitation.created_at, answered_at, answer, False)
    if claim.buyer_id is None or claim.lifted_at is None:
        return None
    if claim.status == rules.Status.CLOSED:  # closed while no campaign ran
        return ClaimSurvey(None, None, None, "", False)
    running = after_intervention_campaign(claim.cooperative_id, claim.lot.programme_id, today)
    return ClaimSurvey(running, None, None, "", True)


@dataclass(frozen=True)
class DigestLine:
    claim: Claim
    due: dt.date | None
    overdue: bool


def digest_lines(user: User, today: dt.date) -> list[DigestLine]:
    """The open claims a person is responsible for that are overdue or due today, oldest first:
    what their daily digest lists (empty: no digest)."""
    claims = (
        Claim.objects.filter(assignee=user, cooperative_id=user.cooperative_id or 0)
        .filter(rules.overdue_q(today) | rules.due_today_q(today))
        .select_related(*INBOX_RELATED)
        .order_by("received_at", "pk")
    )
    lines = []
    for claim in claims:
        due = claim.next_due()
        lines.append(DigestLine(claim, due, due is not None and due < today))
    return lines


CALLBACK_RELATED = ("buyer__lot__programme", "assignee", "outcome_by")


def callback_list(callbacks: CallBackQuerySet, *, show: str, today: dt.date) -> QuerySet[CallBack]:
    """The call-backs of the inbox's "Rappels" tab: `show` "pending" (no outcome yet, the
    default), "overdue" (pending past their due day) or "all"; the oldest deadline first, with
    what a row shows."""
    if show == "overdue":
        callbacks = callbacks.overdue(today)
    elif show != "all":
        callbacks = callbacks.pending()
    return callbacks.select_related(*CALLBACK_RELATED).order_by("due", "pk")


def digest_callbacks(user: User, today: dt.date) -> list[CallBack]:
    """The call-backs a person is responsible for that are overdue or due today, oldest first:
    what their daily digest lists with their claims."""
    return list(
        CallBack.objects.filter(assignee=user, cooperative_id=user.cooperative_id or 0)
        .filter(rules.callback_overdue_q(today) | rules.callback_due_today_q(today))
        .select_related(*CALLBACK_RELATED)
        .order_by("due", "pk")
    )


EXPORT_HEADER = [
    "Référence", "Programme", "Lot", "Acquéreur", "Canal", "Pièce", "Catégorie", "Description",
    "Garantie", "Garantie jusqu'au", "État", "Reçue le", "Suivi dû le", "Planification due le",
    "En retard", "Entreprise", "Intervention prévue le", "Réalisée le", "Levée le",
    "Responsable",
]  # fmt: skip


def export_rows(claims: QuerySet[Claim], today: dt.date) -> Iterator[list[Any]]:
    """The inbox as rows of a spreadsheet (cells made safe by the caller), header first."""
    yield EXPORT_HEADER
    for claim in claims.iterator(chunk_size=2000):
        yield [
            claim.reference,
            claim.lot.programme.name,
            claim.lot.code,
            str(claim.buyer) if claim.buyer else "",
            claim.get_channel_display(),
            claim.room,
            claim.get_category_display(),
            claim.description,
            claim.get_guarantee_display(),
            format_date(claim.guarantee_until) if claim.guarantee_until else "",
            claim.get_status_display(),
            format_date(claim.received_at),
            format_date(claim.follow_up_due),
            format_date(claim.planning_due),
            "oui" if claim.is_overdue(today) else "non",
            claim.company.name if claim.company else "",
            format_date(claim.intervention_on) if claim.intervention_on else "",
            format_date(claim.done_at) if claim.done_at else "",
            format_date(claim.lifted_at) if claim.lifted_at else "",
            (claim.assignee.get_full_name() or claim.assignee.username) if claim.assignee else "",
        ]
