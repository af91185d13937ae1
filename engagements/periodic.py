"""The engagements app's entries of the beat schedule (settings.CELERY_BEAT_SCHEDULE): no
argument, the same service as the `refresh_indicators` management command."""

from celery import shared_task

from engagements.services.measuring import indicators_refresh


@shared_task
def indicators_refresh_task() -> int:
    """Recompute the computed indicators (journey dates, surveys) for recent periods."""
    return indicators_refresh()
