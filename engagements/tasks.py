from celery import shared_task

from engagements.services.measuring import indicators_refresh


@shared_task
def indicators_refresh_task() -> int:
    """Recompute the computed indicators (journey dates, surveys) for recent periods."""
    return indicators_refresh()
