from django.apps import AppConfig


class CooperativesConfig(AppConfig):
    name = "cooperatives"
    verbose_name = "Coopératives"

    def ready(self):
        # Account invitations leave through the outbox.
        from cooperatives.services.accounts import ACCOUNT_INVITATIONS
        from coopqualite.outbox import kinds

        kinds.register(ACCOUNT_INVITATIONS)
        # Confirmed buyer files are written by a background job (coopqualite.jobs).
        from cooperatives.services.import_jobs import BUYER_IMPORT_JOBS
        from coopqualite.jobs import kinds as job_kinds

        job_kinds.register(BUYER_IMPORT_JOBS)
