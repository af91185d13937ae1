"""The fixed answer scales, as the HLM movement words them."""

SATISFACTION = [
    ("tres_satisfait", "Très satisfait"),
    ("assez_satisfait", "Assez satisfait"),
    ("peu_satisfait", "Peu satisfait"),
    ("pas_du_tout_satisfait", "Pas du tout satisfait"),
]
DONT_KNOW = ("nsp", "Ne sait pas")
SATISFIED = {"tres_satisfait", "assez_satisfait"}
OPINIONS = {value for value, _ in SATISFACTION}

YES_NO = [("oui", "Oui"), ("non", "Non")]

NPS = [(str(n), str(n)) for n in range(11)]
NPS_PROMOTERS = {"9", "10"}
NPS_DETRACTORS = {str(n) for n in range(7)}


def options_for(question) -> list[tuple[str, str]]:
    """The (value, label) pairs a question offers, in display order."""
    kind = question.type
    if kind == "satisfaction":
        return [*SATISFACTION, DONT_KNOW]
    if kind == "yes_no":
        return YES_NO
    if kind == "nps":
        return NPS
    if kind in ("single", "multiple"):
        return [(c.value, c.label) for c in question.choices.all()]
    return []
