from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background jobs a person waits for (see the package's docstring)."""

    name = "coopqualite.jobs"
    label = "jobs"
    verbose_name = "Traitements en arrière-plan"
