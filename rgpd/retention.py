"""How long each kind of personal data is kept: the rules, their defaults and their bounds.

Stated once here; the privacy notice quotes them, the retention job applies them.
"""

from __future__ import annotations

import dataclasses

from coopqualite.formats import format_count

# The last guarantee of a new home: the ten-year guarantee (garantie décennale) from delivery.
LAST_GUARANTEE_YEARS = 10


@dataclasses.dataclass(frozen=True)
class Rule:
    key: str
    data: str  # what is kept, in French
    default: int
    minimum: int
    maximum: int
    unit: tuple[str, str]  # singular, plural
    after: str  # from when, in French

    def delay(self, value: int | None = None) -> str:
        """'5 ans après …' for the value (default if None)."""
        return f"{format_count(self.default if value is None else value, *self.unit)} {self.after}"


BUYER_IDENTITY = Rule(
    key="buyer_identity",
    data=(
        "Votre identité et vos coordonnées (nom, prénom, e-mail, téléphone), votre lot et les "
        "dates de votre parcours d'acquéreur"
    ),
    default=5,
    minimum=1,
    maximum=10,
    unit=("an", "ans"),
    after=(
        f"après la fin de la dernière garantie de votre logement (garantie décennale : "
        f"{LAST_GUARANTEE_YEARS} ans après la livraison)"
    ),
)
SURVEY_INVITATIONS = Rule(
    key="survey_invitations",
    data=(
        "Vos invitations aux enquêtes : liens personnels, dates d'envoi et réponses commencées "
        "mais pas envoyées"
    ),
    default=6,
    minimum=1,
    maximum=24,
    unit=("mois", "mois"),
    after="après la clôture de l'enquête",
)
IMPORT_PREVIEWS = Rule(
    key="import_previews",
    data="Les fichiers d'acquéreurs déposés par la coopérative et pas encore confirmés",
    default=24,
    minimum=24,
    maximum=24,
    unit=("heure", "heures"),
    after="après leur dépôt",
)
RULES = (BUYER_IDENTITY, SURVEY_INVITATIONS, IMPORT_PREVIEWS)

# What is never deleted, because it names no one.
KEPT = (
    "Les réponses des enquêtes anonymes, jamais rattachées à une personne, et les résultats "
    "agrégés (taux, indicateurs, rapports annuels) sont conservés sans limite : ils ne "
    "permettent d'identifier personne."
)
