"""Reference texts: the seven cooperative principles and the eight commitments of the Coop'HLM
charter. Official names and titles as the movement writes them; descriptions in our own words."""

PRINCIPLES: list[tuple[str, str, str]] = [
    (
        "solidarite",
        "Solidarité",
        "Les coopératives s'épaulent entre elles et mettent en commun moyens et savoir-faire.",
    ),
    (
        "service",
        "Service",
        "Chaque coopérateur reçoit un service pensé pour sa situation et son projet de vie.",
    ),
    (
        "perennite",
        "Pérennité",
        "Ce que la coopérative construit et investit sert les habitants d'aujourd'hui comme ceux "
        "de demain.",
    ),
    (
        "transparence",
        "Transparence",
        "Les coopérateurs sont tenus informés et formés pour comprendre et juger ce qui est fait.",
    ),
    (
        "proximite",
        "Proximité",
        "La coopérative est ancrée dans son territoire et proche de ceux qui y vivent.",
    ),
    (
        "responsabilite",
        "Responsabilité",
        "Chaque coopérateur est acteur et comptable de la bonne marche de la coopérative.",
    ),
    (
        "democratie",
        "Démocratie",
        "Les coopérateurs votent et élisent ceux qui dirigent : une personne, une voix.",
    ),
]

# (number, official title, our description, codes of the principles it embodies)
COMMITMENTS: list[tuple[int, str, str, list[str]]] = [
    (
        1,
        "Des logements de qualité à des prix maîtrisés",
        "Des logements bien conçus et durables, vendus à un prix encadré qui reste à la portée "
        "des ménages aux revenus modestes.",
        ["service", "perennite"],
    ),
    (
        2,
        "Une démarche environnementale",
        "Des bâtiments sobres en énergie, des chantiers à faibles nuisances et des choix de "
        "matériaux qui ménagent l'environnement.",
        ["perennite", "responsabilite"],
    ),
    (
        3,
        "Un accompagnement et un conseil personnalisés",
        "Un interlocuteur qui aide chaque ménage à monter son projet, son financement et ses "
        "choix, de la première visite à la remise des clés.",
        ["service", "proximite"],
    ),
    (
        4,
        "Une information régulière tout au long de la construction",
        "Des nouvelles du chantier à chaque étape clé et des visites organisées pour que "
        "l'acquéreur suive la naissance de son logement.",
        ["transparence", "proximite"],
    ),
    (
        5,
        "Le respect du contrat",
        "Le logement livré est celui qui a été promis, à la date prévue ; le mois de livraison "
        "est confirmé au moins trois mois à l'avance.",
        ["transparence", "responsabilite"],
    ),
    (
        6,
        "La réactivité dans le service après-vente",
        "Les désordres signalés pendant l'année de parfait achèvement sont pris en compte sans "
        "délai et réparés dans des délais annoncés.",
        ["service", "responsabilite"],
    ),
    (
        7,
        "Un accompagnement dans la mise en place de la copropriété",
        "La coopérative aide les nouveaux copropriétaires à organiser leur copropriété : "
        "première assemblée générale, choix du syndic, premiers budgets.",
        ["democratie", "solidarite"],
    ),
    (
        8,
        "Une acquisition en toute sécurité",
        "Des garanties de rachat et de relogement protègent le ménage si un accident de la vie "
        "l'empêche de rester dans son logement.",
        ["solidarite", "perennite"],
    ),
]
