"""The tenancy app's entries of the beat schedule (settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.core import management
from django.utils import timezone

from cooperatives.services.buyer_import import buyer_imports_purge


@shared_task
def sessions_clear() -> None:
    """Delete expired sessions: the same work as `manage.py clearsessions`, for beat."""
    management.call_command("clearsessions")


@shared_task
def buyer_imports_purge_task() -> int:
    """Delete checked buyer files left unconfirmed for a day: as `manage.py purge_buyer_imports`."""
    return buyer_imports_purge(now=timezone.now())
