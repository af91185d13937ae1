from django.apps import AppConfig


class CoopqualiteConfig(AppConfig):
    """The project package, installed for its template filters (French typography)."""

    name = "coopqualite"
    verbose_name = "Coopqualité"
