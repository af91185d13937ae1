"""Questionnaires shipped with the portal, written for buyers of social home ownership.

Each template: key, title, kind, key step, introduction, and sections of questions
(key, text, type, theme, charter commitment number or None, required, extra).
`extra` holds the choices of a choice question, or a condition {"if": key, "in": [values]}.
"""

from typing import Any, TypedDict

from enquetes.models.questionnaires import CONSENT_KEY

# (key, text, type, theme, charter commitment number, required, extra)
QuestionSpec = tuple[str, str, str, str, int | None, bool, Any]


class Template(TypedDict):
    key: str
    title: str
    kind: str
    key_step: str
    introduction: str
    sections: list[tuple[str, list[QuestionSpec]]]


# fmt: off
S, YN, NPS, ONE, MANY, TEXT = "satisfaction", "yes_no", "nps", "single", "multiple", "text"

# The last question of every shipped template: the consent the closed loop needs before a call
# back (sav.services.callbacks). Not required (consent is given freely), never drawn in an
# anonymous campaign (enquetes.models.questionnaires.CONSENT_KEY).
CONSENT: QuestionSpec = (
    CONSENT_KEY, "Acceptez-vous que la coopérative vous recontacte au sujet de vos réponses ?",
    YN, "", None, False, None,
)

TRIENNIAL: Template = {
    "key": "triennale-acquereurs",
    "title": "Enquête triennale de satisfaction des acquéreurs",
    "kind": "triennial",
    "key_step": "",
    "introduction": (
        "Tous les trois ans, nous demandons à chaque ménage ce qu'il pense de son logement et de "
        "notre service. Vos réponses nous servent à tenir nos engagements et à nous améliorer. "
        "Comptez une dizaine de minutes ; vous pouvez vous arrêter et reprendre plus tard."
    ),
    "sections": [
        ("Votre avis d'ensemble", [
            ("satisfaction_globale", "Dans l'ensemble, êtes-vous satisfait de votre achat avec "
             "la coopérative ?", S, "general", None, True, None),
        ]),
        ("Votre logement", [
            ("qualite_logement", "La qualité de votre logement (finitions, équipements, "
             "isolation) vous satisfait-elle ?", S, "logement", 1, True, None),
            ("confort_thermique", "Le confort de votre logement en hiver comme en été vous "
             "satisfait-il ?", S, "logement", 2, False, None),
            ("parties_communes", "L'état et l'entretien des parties communes (halls, escaliers, "
             "abords) vous satisfont-ils ?", S, "parties_communes", None, False, None),
        ]),
        ("L'achat et les travaux", [
            ("information_achat", "Les informations reçues pendant l'achat (contrat, "
             "financement, options) vous ont-elles satisfait ?", S, "information", 3, True, None),
            ("information_travaux", "Avez-vous été satisfait des nouvelles reçues pendant les "
             "travaux ?", S, "information", 4, True, None),
            ("visite_chantier", "Avez-vous pu visiter le chantier avant la livraison ?", YN,
             "information", 4, False, None),
            ("respect_delai", "La date de livraison annoncée a-t-elle été respectée ?", YN,
             "livraison", 5, False, None),
        ]),
        ("Le service après-vente", [
            ("sav_sollicite", "Avez-vous signalé un défaut pendant l'année qui a suivi la "
             "livraison ?", YN, "sav", 6, True, None),
            ("sav_traitement", "Le traitement de votre demande vous a-t-il satisfait ?", S,
             "sav", 6, True, {"if": "sav_sollicite", "in": ["oui"]}),
            ("sav_delai", "Le délai d'intervention vous a-t-il satisfait ?", S, "sav", 6, False,
             {"if": "sav_sollicite", "in": ["oui"]}),
        ]),
        ("Prix et recommandation", [
            ("rapport_qualite_prix", "Le rapport entre la qualité du logement et son prix vous "
             "satisfait-il ?", S, "prix", 1, True, None),
            ("recommandation", "Sur une échelle de 0 à 10, recommanderiez-vous la coopérative à "
             "un proche qui veut acheter ?", NPS, "recommandation", None, True, None),
            ("points_forts", "Qu'avez-vous le plus apprécié ? (plusieurs réponses possibles)",
             MANY, "general", None, False, [
                 ("prix", "Le prix"), ("accompagnement", "L'accompagnement"),
                 ("qualite", "La qualité du logement"), ("quartier", "Le quartier"),
                 ("securisation", "Les garanties de l'achat"),
             ]),
        ]),
        ("Vos commentaires", [
            ("commentaire", "Souhaitez-vous ajouter quelque chose ?", TEXT, "commentaires",
             None, False, None),
            CONSENT,
        ]),
    ],
}

AFTER_RESERVATION: Template = {
    "key": "apres-reservation",
    "title": "Votre réservation avec la coopérative",
    "kind": "key_step",
    "key_step": "reservation",
    "introduction": (
        "Vous venez de signer votre contrat de réservation. Quelques questions pour savoir si "
        "nous vous avons bien accompagné. Comptez trois minutes."
    ),
    "sections": [
        ("Votre réservation", [
            ("accueil_conseil", "L'accueil et les conseils de votre interlocuteur vous ont-ils "
             "satisfait ?", S, "accompagnement", 3, True, None),
            ("clarte_contrat", "Les explications sur le contrat et le financement étaient-elles "
             "claires ?", S, "information", 3, True, None),
            ("garanties_expliquees", "Vous a-t-on présenté les garanties de rachat et de "
             "relogement ?", YN, "information", 8, True, None),
            ("canal_prefere", "Comment préférez-vous recevoir les nouvelles du chantier ?",
             ONE, "information", 4, False, [
                 ("email", "Par e-mail"), ("courrier", "Par courrier"),
                 ("espace_en_ligne", "Dans mon espace en ligne"), ("telephone", "Par téléphone"),
             ]),
            ("commentaire", "Une remarque ?", TEXT, "commentaires", None, False, None),
            CONSENT,
        ]),
    ],
}

AFTER_DELIVERY: Template = {
    "key": "apres-livraison",
    "title": "Votre livraison, un mois après",
    "kind": "key_step",
    "key_step": "delivery",
    "introduction": (
        "Vous avez reçu les clés il y a un mois. Dites-nous comment s'est passée la livraison. "
        "Comptez cinq minutes."
    ),
    "sections": [
        ("La livraison", [
            ("satisfaction_livraison", "Êtes-vous satisfait du déroulement de la livraison ?",
             S, "livraison", 5, True, None),
            ("mois_confirme", "Le mois de livraison vous a-t-il été confirmé au moins trois mois "
             "à l'avance ?", YN, "livraison", 5, True, None),
            ("conformite", "Le logement livré est-il conforme à ce qui était prévu au contrat ?",
             S, "logement", 5, True, None),
            ("reserves", "Avez-vous noté des réserves à la livraison ?", YN, "livraison", 6,
             True, None),
            ("reserves_suivi", "Le suivi de vos réserves vous satisfait-il jusqu'ici ?", S,
             "sav", 6, False, {"if": "reserves", "in": ["oui"]}),
        ]),
        ("La copropriété", [
            ("copropriete", "L'aide apportée pour la mise en place de la copropriété vous "
             "satisfait-elle ?", S, "accompagnement", 7, False, None),
            ("commentaire", "Une remarque ?", TEXT, "commentaires", None, False, None),
            CONSENT,
        ]),
    ],
}

END_OF_PERFECT_COMPLETION: Template = {
    "key": "fin-parfait-achevement",
    "title": "Un an après la livraison",
    "kind": "key_step",
    "key_step": "perfect_completion",
    "introduction": (
        "L'année de parfait achèvement de votre logement se termine. Votre avis sur le service "
        "après-vente nous aide à faire mieux. Comptez cinq minutes."
    ),
    "sections": [
        ("Le service après-vente", [
            ("sav_sollicite", "Avez-vous signalé un défaut pendant cette année ?", YN, "sav", 6,
             True, None),
            ("sav_traitement", "Le traitement de vos demandes vous a-t-il satisfait ?", S, "sav",
             6, True, {"if": "sav_sollicite", "in": ["oui"]}),
            ("sav_delai", "Les délais d'intervention vous ont-ils satisfait ?", S, "sav", 6,
             True, {"if": "sav_sollicite", "in": ["oui"]}),
            ("satisfaction_globale", "Aujourd'hui, êtes-vous satisfait de votre logement ?", S,
             "general", None, True, None),
            ("recommandation", "Sur une échelle de 0 à 10, recommanderiez-vous la coopérative à "
             "un proche ?", NPS, "recommandation", None, True, None),
            ("commentaire", "Une remarque ?", TEXT, "commentaires", None, False, None),
            CONSENT,
        ]),
    ],
}

# The one question asked once an after-sales claim is closed (commitment 6, "votre satisfaction
# vérifiée après l'intervention"); the indicator of that promise reads it by this key
# (`sav.metrics.satisfaction_after_intervention`).
AFTER_INTERVENTION_QUESTION = "satisfaction_intervention"

AFTER_INTERVENTION: Template = {
    "key": "apres-intervention",
    "title": "Satisfaction après intervention",
    "kind": "key_step",
    "key_step": "after_intervention",
    "introduction": (
        "Votre demande au service après-vente vient d'être close. Une seule question, pour "
        "vérifier que l'intervention vous a donné satisfaction."
    ),
    "sections": [
        ("Votre avis sur l'intervention", [
            (AFTER_INTERVENTION_QUESTION, "Êtes-vous satisfait de l'intervention réalisée pour "
             "votre demande ?", S, "sav", 6, True, None),
        ]),
    ],
}

# fmt: on

TEMPLATES: dict[str, Template] = {
    t["key"]: t
    for t in (
        TRIENNIAL,
        AFTER_RESERVATION,
        AFTER_DELIVERY,
        END_OF_PERFECT_COMPLETION,
        AFTER_INTERVENTION,
    )
}
