"""The surveys app's entries of the beat schedule (settings.CELERY_BEAT_SCHEDULE): no argument,
the same service as the `dispatch_surveys` management command."""

import dataclasses

from celery import shared_task
from django.utils import timezone

from enquetes.services.dispatch import surveys_dispatch


@shared_task
def surveys_dispatch_task() -> dict:
    return dataclasses.asdict(surveys_dispatch(now=timezone.now()))
