from django.apps import AppConfig


class SavConfig(AppConfig):
    name = "sav"
    verbose_name = "Service après-vente"

    def ready(self):
        # The buyer's e-mails about their claims leave through the outbox.
        from coopqualite.outbox import kinds
        from sav.services.messages import CLAIM_MESSAGES, DIGEST_MESSAGES

        kinds.register(CLAIM_MESSAGES)
        kinds.register(DIGEST_MESSAGES)
