"""Everything the portal holds about one buyer, as sections of rows: read by the buyer's
export (JSON and CSV in a zip, and a readable PDF). One place lists where a buyer's data lives;
`rgpd.services.erasure` overwrites the same places."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import models

from chantiers.models import LetterMessage
from cooperatives.models import Buyer, DeliveryAnnouncement
from coopqualite.formats import format_date, format_datetime
from enquetes.models import Answer, Invitation
from sav.models import CallBack, Claim, ClaimEvent


@dataclasses.dataclass(frozen=True)
class Section:
    key: str  # file name in the zip
    title: str
    columns: list[str]
    rows: list[list[str]]

    def as_dicts(self) -> list[dict[str, str]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _text(row: models.Model, name: str) -> str:
    field = row._meta.get_field(name)
    if getattr(field, "choices", None):
        return str(getattr(row, f"get_{name}_display")())
    value = getattr(row, name)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def _section(key: str, title: str, rows, names: list[str], extra=None) -> Section:
    rows = list(rows)
    model = rows[0].__class__ if rows else None
    columns = [
        str(model._meta.get_field(name).verbose_name) if model else name for name in names
    ] + ([label for label, _ in extra] if extra else [])
    return Section(
        key,
        title,
        columns,
        [
            [_text(row, name) for name in names] + ([get(row) for _, get in extra] if extra else [])
            for row in rows
        ],
    )


IDENTITY = ["last_name", "first_name", "email", "phone", *Buyer.JOURNEY_DATES]


def buyer_sections(buyer: Buyer) -> list[Section]:
    """The buyer's data, section by section (the buyer's own rows; aggregates are not theirs)."""
    invitations = Invitation.objects.filter(buyer=buyer).select_related("campaign")
    nominative = [i for i in invitations if not i.campaign.anonymous]
    answers = Answer.objects.filter(response__invitation__in=nominative).select_related(
        "question", "response__campaign"
    )
    return [
        _section(
            "acquereur", "Acquéreur", [buyer], IDENTITY,
            extra=[
                ("lot", lambda b: b.lot.code),
                ("programme", lambda b: b.lot.programme.name),
                ("coopérative", lambda b: b.lot.programme.cooperative.name),
            ],
        ),
        _section(
            "historique", "Historique des modifications",
            Buyer.history.filter(id=buyer.pk).order_by("history_date"),
            ["history_date", *IDENTITY],
        ),
        _section(
            "annonces", "Annonces du mois de livraison",
            DeliveryAnnouncement.objects.filter(buyer=buyer).order_by("announced_on"),
            ["month", "announced_on"],
        ),
        _section(
            "invitations", "Invitations aux enquêtes", invitations,
            ["created_at", "started_at", "answered_at", "unsubscribed_at"],
            extra=[
                ("enquête", lambda i: i.campaign.name),
                ("anonyme", lambda i: "oui" if i.campaign.anonymous else "non"),
            ],
        ),
        Section(
            "reponses", "Vos réponses aux enquêtes nominatives",
            ["enquête", "question", "réponse"],
            [
                [a.response.campaign.name, a.question.text, a.text or a.value]
                for a in answers
            ],
        ),
        _section(
            "reclamations", "Réclamations et réserves",
            Claim.objects.filter(buyer=buyer).order_by("received_at"),
            ["received_at", "channel", "room", "category", "description", "status", "closed_at"],
        ),
        _section(
            "reclamations_etapes", "Étapes des réclamations",
            ClaimEvent.objects.filter(claim__buyer=buyer).order_by("at"),
            ["at", "kind", "comment"],
        ),
        _section(
            "rappels", "Rappels après vos réponses aux enquêtes",
            CallBack.objects.filter(buyer=buyer).order_by("opened_at"),
            ["opened_at", "reasons", "due", "outcome", "outcome_at", "note"],
        ),
        _section(
            "lettres", "Lettres de chantier envoyées",
            LetterMessage.objects.filter(buyer=buyer).select_related("letter"),
            ["sent_at"],
            extra=[("lettre", lambda m: m.letter.title)],
        ),
    ]  # fmt: skip
