"""The tenancy app's entries of the beat schedule (settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.core import management


@shared_task
def sessions_clear() -> None:
    """Delete expired sessions: the same work as `manage.py clearsessions`, for beat."""
    management.call_command("clearsessions")
