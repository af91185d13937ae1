from django.apps import AppConfig


class CooperativesConfig(AppConfig):
    name = "cooperatives"
    verbose_name = "Coopératives"

    def ready(self):
        # Account invitations leave through the outbox.
        from cooperatives.services.accounts import ACCOUNT_INVITATIONS
        from coopqualite.outbox import kinds

        kinds.register(ACCOUNT_INVITATIONS)
