"""Reads of the personal-data pages."""

from __future__ import annotations

import dataclasses

from chantiers.models import LetterMessage
from cooperatives.models import Buyer, Cooperative, User
from coopqualite.formats import format_count
from enquetes.models import Invitation
from rgpd.models import RetentionSettings
from rgpd.retention import BUYER_IDENTITY, RULES, SURVEY_INVITATIONS
from sav.models import Claim


def retention_values(cooperative: Cooperative) -> dict[str, int]:
    """The cooperative's durations, the defaults where it set none."""
    stored = RetentionSettings.objects.filter(cooperative=cooperative).first()
    defaults = {rule.key: rule.default for rule in RULES}
    return {**defaults, **(stored.values() if stored else {})}


@dataclasses.dataclass(frozen=True)
class Processing:
    name: str
    purpose: str
    people: str
    data: str
    legal_basis: str
    recipients: str
    retention: str
    held: str  # what the portal holds now, counted


def processing_register(cooperative: Cooperative) -> list[Processing]:
    """The register of processing (registre des traitements) of the cooperative, generated
    from what the portal holds and from its retention rules."""
    values = retention_values(cooperative)
    identity = BUYER_IDENTITY.delay(values[BUYER_IDENTITY.key])
    invitations = SURVEY_INVITATIONS.delay(values[SURVEY_INVITATIONS.key])
    buyers = Buyer.objects.for_cooperative(cooperative)
    staff = "Collaborateurs et direction de la coopérative"
    return [
        Processing(
            "Suivi des acquéreurs",
            "Suivre le parcours de chaque ménage, de la réservation à la fin des garanties.",
            "Acquéreurs (ménages accédants)",
            "Identité, coordonnées, lot, dates du parcours, annonces du mois de livraison",
            "Exécution du contrat de vente",
            staff,
            identity,
            format_count(buyers.count(), "acquéreur", "acquéreurs"),
        ),
        Processing(
            "Enquêtes de satisfaction",
            "Mesurer la qualité du service au regard des engagements de la charte.",
            "Acquéreurs invités",
            "Identité et coordonnées (copie), lien personnel, réponses (nominatives ou anonymes)",
            "Intérêt légitime (opposition par le lien de désinscription)",
            f"{staff} ; résultats agrégés seulement pour le conseil et la fédération",
            f"Invitations : {invitations} ; réponses anonymes et résultats : sans limite",
            format_count(
                Invitation.objects.for_cooperative(cooperative).count(),
                "invitation",
                "invitations",
            ),
        ),
        Processing(
            "Service après-vente",
            "Recevoir, qualifier et suivre les réclamations et réserves jusqu'à leur levée.",
            "Acquéreurs ; entreprises intervenantes (contacts)",
            "Lot, description du désordre, étapes, échanges par e-mail",
            "Exécution du contrat ; obligations légales (garanties du constructeur)",
            f"{staff} ; l'entreprise chargée de l'intervention",
            identity,
            format_count(
                Claim.objects.for_cooperative(cooperative).count(),
                "réclamation",
                "réclamations",
            ),
        ),
        Processing(
            "Information sur le chantier",
            "Informer les acquéreurs de l'avancement de leur programme.",
            "Acquéreurs du programme",
            "Adresse e-mail, lettres envoyées",
            "Exécution du contrat",
            staff,
            identity,
            format_count(
                LetterMessage.objects.filter(buyer__in=buyers).count(),
                "lettre envoyée",
                "lettres envoyées",
            ),
        ),
        Processing(
            "Comptes des utilisateurs",
            "Donner accès au portail aux personnes de la coopérative.",
            "Collaborateurs, direction, administrateurs",
            "Nom, e-mail, rôle, dernière connexion, historique des changements",
            "Intérêt légitime (sécurité et organisation du travail)",
            "Direction de la coopérative ; opérateurs du portail",
            "Le temps de la fonction ; le compte est désactivé, jamais supprimé",
            format_count(
                User.objects.filter(cooperative=cooperative).count(),
                "compte",
                "comptes",
            ),
        ),
    ]
