"""Demo indicators, measurements over three years, an action plan and a few proofs. The
after-sales indicators of commitment 6 are computed from the demo's claims (`demo.sav`)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.files.base import ContentFile

from cooperatives.models import Cooperative, User
from engagements import periods
from engagements.models import Action, Commitment, Evidence, Indicator, IsoSubject, Measurement
from engagements.services.evidence import evidence_add
from engagements.services.measuring import measurement_compute

# (commitment number, name, unit, direction, target, period, source, journey metric / selector)
INDICATORS = [
    (1, "Logements livrés sans réserve majeure", "%", "higher", 90, "quarter", "manual", ""),
    (1, "Prix de vente sous le plafond du dispositif", "%", "higher", 100, "year", "manual", ""),
    (2, "Chantiers signataires de la charte à faibles nuisances", "%", "higher", 100, "year",
     "manual", ""),
    (2, "Logements livrés au-delà du niveau réglementaire d'énergie", "%", "higher", 60, "year",
     "manual", ""),
    (3, "Acquéreurs reçus en rendez-vous de conseil avant l'acte", "%", "higher", 95, "quarter",
     "manual", ""),
    (4, "Lettres de chantier envoyées aux 4 phases clés", "%", "higher", 100, "quarter",
     "journey", "letters_at_phases"),
    (4, "Visites de chantier organisées", "visites", "higher", 2, "quarter", "manual", ""),
    (5, "Mois de livraison confirmé au moins 3 mois avant", "%", "higher", 95, "quarter",
     "journey", "delivery_notice_share"),
    (5, "Délai médian de confirmation du mois de livraison", "jours", "higher", 92, "quarter",
     "journey", "delivery_notice_median_days"),
    (6, "Satisfaction sur le service après-vente", "%", "higher", 80, "year", "survey",
     "theme:sav"),
    (7, "Premières AG de copropriété tenues dans les 6 mois", "%", "higher", 100, "year",
     "manual", ""),
    (8, "Ménages informés des garanties de rachat et de relogement", "%", "higher", 100,
     "quarter", "manual", ""),
]  # fmt: skip

ACTIONS = [
    ("Généraliser la charte chantier à faibles nuisances", 2, IsoSubject.ENVIRONMENT, "done"),
    (
        "Plan de mobilité des salariés : covoiturage et vélos",
        2,
        IsoSubject.ENVIRONMENT,
        "in_progress",
    ),
    ("Former les conseillers commerciaux au financement BRS", 3, IsoSubject.CONSUMERS, "done"),
    (
        "Créer un espace personnel en ligne pour les acquéreurs",
        4,
        IsoSubject.CONSUMERS,
        "in_progress",
    ),
    ("Photos du chantier envoyées à chaque phase clé", 4, IsoSubject.CONSUMERS, "planned"),
    ("Confirmer le mois de livraison par courrier à J-100", 5, IsoSubject.CONSUMERS, "done"),
    (
        "Revoir le calendrier de livraison du Clos des Canuts",
        5,
        IsoSubject.CONSUMERS,
        "in_progress",
    ),
    ("Outil de suivi des réclamations SAV", 6, IsoSubject.CONSUMERS, "in_progress"),
    ("Accusé de réception automatique des réclamations", 6, IsoSubject.CONSUMERS, "planned"),
    (
        "Charte de relations avec les entreprises de travaux",
        6,
        IsoSubject.FAIR_PRACTICES,
        "planned",
    ),
    ("Guide du nouveau copropriétaire", 7, IsoSubject.COMMUNITY, "done"),
    (
        "Accompagner la première AG de la Résidence Belledonne",
        7,
        IsoSubject.COMMUNITY,
        "in_progress",
    ),
    ("Présenter la garantie de rachat à chaque signature", 8, IsoSubject.CONSUMERS, "done"),
    ("Charte anti-corruption et cadeaux", None, IsoSubject.FAIR_PRACTICES, "done"),
    ("Contrôle interne des attributions", None, IsoSubject.GOVERNANCE, "in_progress"),
    (
        "Accompagnement social des locataires en impayé",
        None,
        IsoSubject.HUMAN_RIGHTS,
        "in_progress",
    ),
    ("Accord sur le télétravail", None, IsoSubject.LABOUR, "abandoned"),
    ("Baromètre social interne", None, IsoSubject.LABOUR, "planned"),
    ("Partenariat avec une association d'insertion", None, IsoSubject.COMMUNITY, "planned"),
    ("Bilan carbone de la coopérative", 2, IsoSubject.ENVIRONMENT, "planned"),
]

DEMO_PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R
/Resources << /Font << /F1 5 0 R >> >> >> endobj
4 0 obj << /Length 88 >> stream
BT /F1 18 Tf 72 760 Td (Document de demonstration - Coopqualite) Tj ET
BT /F1 12 Tf 72 730 Td (%s) Tj ET
endstream endobj
5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""


def _walk(rng: random.Random, target: float, direction: str, count: int) -> list[Decimal]:
    """A believable series drifting towards the target, with noise."""
    gap = target * 0.15 if target else 5
    value = target - gap if direction == "higher" else target + gap
    series = []
    for _ in range(count):
        value += (target - value) * 0.15 + rng.uniform(-0.06, 0.06) * max(target, 10)
        if direction == "higher" and target <= 100:
            value = min(value, 100)
        series.append(Decimal(str(max(value, 0))).quantize(Decimal("0.1")))
    return series


def engagements_seed(
    *, cooperative: Cooperative, owners: list[User], reference: dt.date, rng: random.Random
) -> None:
    commitments = {c.number: c for c in Commitment.objects.for_cooperative(cooperative)}
    for position, row in enumerate(INDICATORS):
        number, name, unit, direction, target, period, source, extra = row
        indicator, _ = Indicator.objects.get_or_create(
            commitment=commitments[number],
            name=name,
            defaults={
                "unit": unit,
                "direction": direction,
                "target": Decimal(target),
                "period": period,
                "source": source,
                "journey_metric": extra if source == "journey" else "",
                "survey_selector": extra if source == "survey" else "",
                "survey_feed": "triennial" if source == "survey" else "",
                "position": position,
                "is_public": position % 2 == 0,
            },
        )
        count = {"month": 36, "quarter": 12, "year": 3}[period]
        starts = periods.last_starts(period, count + 1, reference)[:-1]  # complete periods
        series = _walk(rng, float(target), direction, count)
        if source == "journey":
            for start in starts:
                if not Measurement.objects.filter(indicator=indicator, period_start=start).exists():
                    measurement_compute(indicator=indicator, period_start=start)
        elif source == "manual":
            for start, value in zip(starts, series, strict=True):
                Measurement.objects.get_or_create(
                    indicator=indicator,
                    period_start=start,
                    defaults={"value": value, "entered_by": owners[0]},
                )
    _actions_seed(cooperative=cooperative, commitments=commitments, owners=owners,
                  reference=reference, rng=rng)  # fmt: skip


def _actions_seed(*, cooperative, commitments, owners, reference, rng) -> None:
    for index, (title, number, subject, status) in enumerate(ACTIONS):
        offset = rng.randint(-200, 240)
        if status in Action.OPEN_STATUSES and index % 4 == 0:
            offset = -rng.randint(10, 90)  # some open actions are late
        action, created = Action.objects.get_or_create(
            cooperative=cooperative,
            title=title,
            defaults={
                "iso_subject": subject,
                "status": status,
                "owner": owners[index % len(owners)],
                "due_date": reference + dt.timedelta(days=offset),
                "description": "Action du plan qualité et RSE de la coopérative.",
                "progress_note": "Réalisée et évaluée en comité qualité."
                if status == "done"
                else "",
                "completed_on": reference - dt.timedelta(days=30) if status == "done" else None,
            },
        )
        if created and number:
            action.commitments.set([commitments[number]])
        if status == "done" and not action.evidence.exists():
            evidence_add(
                target=action,
                user=owners[0],
                kind=Evidence.Kind.FILE,
                title=f"Compte rendu : {title}",
                fact_date=reference - dt.timedelta(days=30),
                upload=ContentFile(
                    DEMO_PDF.replace(b"%s", title.encode("latin-1", "replace")),
                    name="compte-rendu.pdf",
                ),  # fmt: skip
                content_type="application/pdf",
            )
    charter = commitments[2]
    if not Evidence.objects.filter(commitment=charter).exists():
        evidence_add(
            target=charter,
            user=owners[0],
            kind=Evidence.Kind.NOTE,
            title="Charte chantier signée par toutes les entreprises",
            fact_date=reference - dt.timedelta(days=60),
            note="Les 14 entreprises des trois chantiers en cours ont signé la charte "
            "en 10 points.",
        )
