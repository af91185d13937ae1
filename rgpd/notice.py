"""The privacy notice of a cooperative: its sections, as the director wrote them or by default
from what the portal knows of the cooperative."""

from __future__ import annotations

import dataclasses

from cooperatives.models import Cooperative
from rgpd.models import PrivacyNotice
from rgpd.retention import KEPT, RULES

# The sections the director writes, in the order of the notice (the retention section, generated
# from the rules, comes after the recipients).
EDITABLE = ("controller", "purposes", "legal_basis", "recipients", "rights", "contact")


@dataclasses.dataclass(frozen=True)
class Section:
    key: str
    title: str
    text: str


def default_sections(cooperative: Cooperative) -> dict[str, str]:
    """The default text of each editable section, from the cooperative's data."""
    name = cooperative.name
    seat = f", dont le siège est à {cooperative.city}," if cooperative.city else ""
    federation = (
        f" La fédération {cooperative.federation.name} lit les mêmes résultats agrégés."
        if cooperative.federation_id
        else ""
    )
    return {
        "controller": (
            f"{name}{seat} est responsable du traitement de vos données personnelles. Le "
            f"portail Coopqualité est l'outil qu'elle utilise : il les traite pour son compte, "
            f"selon ses instructions."
        ),
        "purposes": (
            "Vos données servent à :\n"
            "- suivre votre parcours d'acquéreur (réservation, acte, livraison, visite de "
            "courtoisie, année de parfait achèvement) et vous informer de l'avancement de votre "
            "logement ;\n"
            "- vous demander votre avis par des enquêtes de satisfaction et mesurer la qualité "
            f"du service de {name} au regard de ses engagements ;\n"
            "- répondre à vos demandes et à vos réclamations ;\n"
            "- publier un rapport annuel et des résultats toujours agrégés, où personne n'est "
            "nommé."
        ),
        "legal_basis": (
            "L'exécution de votre contrat (suivi du parcours, information sur le chantier, "
            "réclamations et garanties) et les obligations légales de la coopérative. Les "
            f"enquêtes de satisfaction reposent sur l'intérêt légitime de {name} à mesurer et "
            "améliorer son service : vous pouvez vous y opposer à tout moment, par le lien de "
            "désinscription de chaque e-mail d'enquête ou en nous écrivant."
        ),
        "recipients": (
            f"Les collaborateurs et la direction de {name}, chacun pour ce qui le concerne. Le "
            "conseil d'administration ne voit que des résultats agrégés, jamais votre nom, vos "
            f"coordonnées ni vos réponses.{federation} Vos données ne sont ni vendues ni cédées."
        ),
        "rights": (
            "Vous pouvez accéder à vos données et en recevoir une copie (lisible, et dans un "
            "format réutilisable), les faire rectifier, les faire effacer, limiter leur "
            "traitement et vous opposer aux enquêtes. Dans une enquête anonyme, vos réponses ne "
            "sont jamais rattachées à votre nom : personne ne peut les retrouver, pas même nous. "
            "Si vous estimez, après nous avoir écrit, que vos droits ne sont pas respectés, vous "
            "pouvez adresser une réclamation à la CNIL (www.cnil.fr)."
        ),
        "contact": (
            f"Pour exercer vos droits ou pour toute question, écrivez à {name}, à l'attention "
            "de sa direction, ou adressez-vous à votre interlocuteur à la coopérative. Nous "
            "vous répondons dans un délai d'un mois."
        ),
    }


TITLES = {
    "controller": "Qui traite vos données",
    "purposes": "Pourquoi",
    "legal_basis": "Sur quelle base légale",
    "recipients": "Qui les voit",
    "retention": "Combien de temps",
    "rights": "Vos droits",
    "contact": "Nous contacter",
}


def retention_text(values: dict[str, int] | None = None) -> str:
    """The retention section: each rule with the cooperative's value (default if absent)."""
    values = values or {}
    lines = [f"- {rule.data} : {rule.delay(values.get(rule.key))} ;" for rule in RULES]
    lines[-1] = lines[-1].removesuffix(" ;") + "."
    return "\n".join(["Nous conservons :", *lines, KEPT])


def notice_sections(
    cooperative: Cooperative, notice: PrivacyNotice | None, retention: dict[str, int] | None = None
) -> list[Section]:
    """The notice as shown: each section as written, or its default when left empty."""
    defaults = default_sections(cooperative)
    written = {key: getattr(notice, key) if notice else "" for key in EDITABLE}
    order = [*EDITABLE[:4], "retention", *EDITABLE[4:]]
    return [
        Section(
            key,
            TITLES[key],
            retention_text(retention)
            if key == "retention"
            else (written[key].strip() or defaults[key]),
        )
        for key in order
    ]
