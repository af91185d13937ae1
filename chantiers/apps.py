from django.apps import AppConfig


class ChantiersConfig(AppConfig):
    name = "chantiers"
    verbose_name = "Chantiers et lettres info chantier"

    def ready(self):
        # Letters leave through the outbox.
        from chantiers.services.publishing import LETTER_MESSAGES
        from coopqualite.outbox import kinds

        kinds.register(LETTER_MESSAGES)
