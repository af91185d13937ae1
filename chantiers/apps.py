from django.apps import AppConfig


class ChantiersConfig(AppConfig):
    name = "chantiers"
    verbose_name = "Chantiers et lettres info chantier"

    def ready(self):
        # Letters leave through the outbox.
        from chantiers.metrics import LETTERS_AT_PHASES
        from chantiers.services.publishing import LETTER_MESSAGES
        from coopqualite.outbox import kinds
        from engagements.sources import register_journey_metric

        kinds.register(LETTER_MESSAGES)
        # Commitment 4's indicator is computed from the letters sent.
        register_journey_metric("letters_at_phases", LETTERS_AT_PHASES)
