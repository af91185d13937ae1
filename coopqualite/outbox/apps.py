from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """The e-mail outbox shared by every feature that sends (see the package's docstring)."""

    name = "coopqualite.outbox"
    label = "outbox"
    verbose_name = "Envoi des e-mails"
