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
        # Commitment 6's indicators computed from the inbox.
        from engagements.sources import register_journey_metric
        from sav.metrics import SAV_METRICS

        for key, metric in SAV_METRICS.items():
            register_journey_metric(key, metric)
