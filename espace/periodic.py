"""The buyer's space's entries of the beat schedule (settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.utils import timezone

from espace.services.signin import sessions_purge


@shared_task
def buyer_sessions_purge() -> int:
    """Expired sessions and links, requests older than the rate limits' window: the same work
    as `manage.py purge_buyer_sessions`."""
    return sessions_purge(now=timezone.now())
