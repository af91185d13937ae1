from django.apps import AppConfig


class EspaceConfig(AppConfig):
    name = "espace"
    verbose_name = "Espace acquéreur"

    def ready(self):
        # Sign-in links leave through the outbox.
        from coopqualite.outbox import kinds
        from espace.services.signin import SIGNIN_MESSAGES

        kinds.register(SIGNIN_MESSAGES)
