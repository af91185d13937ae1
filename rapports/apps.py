from django.apps import AppConfig


class RapportsConfig(AppConfig):
    name = "rapports"
    verbose_name = "Rapports annuels"

    def ready(self) -> None:
        from coopqualite.jobs import kinds
        from rapports.services.requests import REPORT_BUILDS

        kinds.register(REPORT_BUILDS)
