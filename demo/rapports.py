"""The demo's annual reports: last year's, approved, with what a director writes (foreword,
highlights, priorities, profile and governance figures, three comments chosen from the
triennial wave) and the year behind it (actions done and late, ISO 26000 self-assessment of
that year and the year before); its PDF is built now, in-process, so that the demo offers a
frozen PDF at once without a worker. This year's report is a draft."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cooperatives.models import Cooperative, User
from engagements.models import Action, Commitment, IsoAssessment, IsoSubject
from enquetes.models import Campaign
from enquetes.selectors import comments
from rapports.models import Report, ReportVersion
from rapports.services.building import report_build
from rapports.services.versions import report_version_open

# Last year's action plan: (title, commitment, ISO subject, status, due (month, day), done on).
YEAR_ACTIONS = [
    ("Réunion d'information avant chaque livraison", 5, IsoSubject.CONSUMERS, "done",
     (3, 31), (3, 12)),
    ("Bilan carbone des chantiers livrés", 2, IsoSubject.ENVIRONMENT, "done", (6, 30), (6, 18)),
    ("Comité de sociétaires sur les charges de copropriété", 7, IsoSubject.COMMUNITY, "done",
     (9, 30), (10, 7)),
    ("Formation des équipes à l'accueil des personnes handicapées", None,
     IsoSubject.HUMAN_RIGHTS, "done", (11, 30), (11, 20)),
    ("Publier les délais d'intervention du service après-vente", 6, IsoSubject.CONSUMERS,
     "in_progress", (10, 31), None),
    ("Clauses d'insertion dans les marchés de travaux", None, IsoSubject.FAIR_PRACTICES,
     "planned", (12, 15), None),
]  # fmt: skip

# ISO 26000 self-assessment: subject → (score the year before, score last year, evidence,
# strengths, areas for progress).
ISO = {
    IsoSubject.GOVERNANCE: (3, 3, "Rapport de gestion, comptes rendus du conseil",
        "Conseil d'administration ouvert aux sociétaires acquéreurs",
        "Former les administrateurs à la RSE"),
    IsoSubject.HUMAN_RIGHTS: (2, 3, "Plan de formation, registre d'accessibilité",
        "Accueil des personnes handicapées formalisé", "Accessibilité numérique des documents"),
    IsoSubject.LABOUR: (3, 3, "Accord d'entreprise, entretiens annuels",
        "Dialogue social régulier", "Prévention des risques psychosociaux"),
    IsoSubject.ENVIRONMENT: (2, 3, "Bilan carbone des chantiers, charte chantier",
        "Chantiers à faibles nuisances généralisés", "Mobilité des salariés"),
    IsoSubject.FAIR_PRACTICES: (2, 2, "Charte achats (projet)",
        "Paiement des entreprises à 30 jours", "Clauses sociales dans les marchés"),
    IsoSubject.CONSUMERS: (3, 3, "Enquête triennale, suivi des réclamations",
        "Information à chaque étape du parcours", "Délais du service après-vente"),
    IsoSubject.COMMUNITY: (2, 3, "Comptes rendus des comités de sociétaires",
        "Implication des sociétaires dans la vie des résidences", "Partenariats associatifs"),
}  # fmt: skip

FOREWORD = (
    "L'année {year} a été celle de l'écoute : plus de deux mille ménages ont répondu à notre "
    "enquête triennale, et leurs réponses ont nourri notre plan d'actions.\n\n"
    "Nous tenons nos engagements quand nous les mesurons. Ce rapport dit où nous avons "
    "progressé, où nous avons pris du retard, et ce que nous ferons en {next_year}."
)
HIGHLIGHTS = (
    "Enquête triennale auprès de 3 200 ménages, deux tiers de réponses.\n"
    "Bilan carbone de nos chantiers et généralisation de la charte chantier à faibles nuisances.\n"
    "Une réunion d'information avant chaque livraison."
)
PRIORITIES = (
    "Réduire les délais du service après-vente et les publier.\n"
    "Introduire des clauses d'insertion dans nos marchés de travaux.\n"
    "Ouvrir un espace personnel en ligne à chaque acquéreur."
)


def _year_actions(cooperative: Cooperative, owners: list[User], year: int) -> None:
    commitments = {c.number: c for c in Commitment.objects.for_cooperative(cooperative)}
    for index, (title, number, subject, status, due, done) in enumerate(YEAR_ACTIONS):
        action, created = Action.objects.get_or_create(
            cooperative=cooperative, title=title,
            defaults={
                "iso_subject": subject, "status": status, "owner": owners[index % len(owners)],
                "due_date": dt.date(year, *due),
                "completed_on": dt.date(year, *done) if done else None,
                "description": "Action du plan qualité et RSE de la coopérative.",
            },
        )  # fmt: skip
        if created:
            Action.objects.filter(pk=action.pk).update(
                created_at=timezone.make_aware(dt.datetime(year, 1, 15, 9))
            )
            if number:
                action.commitments.set([commitments[number]])


def _iso(cooperative: Cooperative, year: int) -> None:
    for subject, (before, now, evidence, strengths, progress) in ISO.items():
        for score, on in ((before, year - 1), (now, year)):
            IsoAssessment.objects.get_or_create(
                cooperative=cooperative, year=on, subject=subject,
                defaults={"score": score, "evidence": evidence, "strengths": strengths,
                          "progress_areas": progress},
            )  # fmt: skip


def reports_seed(
    *, cooperative: Cooperative, director: User, owners: list[User], reference: dt.date
) -> None:
    year = reference.year - 1
    _year_actions(cooperative, owners, year)
    _iso(cooperative, year)
    if ReportVersion.objects.filter(cooperative=cooperative, year=year).exists():
        return
    version = report_version_open(
        cooperative=cooperative, year=year, user=director, today=reference
    )
    wave = Campaign.objects.for_cooperative(cooperative).filter(
        kind="triennial", closes_on__year=year
    )
    chosen = [
        {"campaign": campaign.pk, "text": text}
        for campaign in wave
        for text in list(comments(campaign).values_list("text", flat=True).distinct())[:3]
    ]
    approved_at = min(
        timezone.make_aware(dt.datetime(reference.year, 4, 15, 18)),
        timezone.now() - dt.timedelta(days=1),
    )
    ReportVersion.objects.filter(pk=version.pk).update(
        foreword=FOREWORD.format(year=year, next_year=year + 1), highlights=HIGHLIGHTS,
        priorities=PRIORITIES, quotes=chosen, members=1870, homes_built=96, homes_sold=112,
        programmes_delivered=3, board_members=12, board_meetings=6,
        agm_attendance=Decimal("38.5"), state=ReportVersion.State.APPROVED,
        approved_at=approved_at, approved_by=director, approved_by_name=director.get_full_name(),
    )  # fmt: skip
    version.refresh_from_db()
    # Built here, at seed time: the demo has the frozen PDF to download at once.
    report_build(
        report=Report.objects.create(
            cooperative=cooperative, year=year, version=version, final=True, built_by=director
        )
    )
    draft = report_version_open(
        cooperative=cooperative, year=reference.year, user=director, today=reference
    )
    ReportVersion.objects.filter(pk=draft.pk).update(
        foreword=f"(Brouillon) L'année {reference.year} en quelques mots…"
    )
