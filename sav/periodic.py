"""The after-sales entry of the beat schedule (settings.CELERY_BEAT_SCHEDULE): no argument, the
same service as the `sav_daily` management command."""

import dataclasses

from celery import shared_task
from django.utils import timezone

from sav.services.daily import sav_daily


@shared_task
def sav_daily_task() -> dict:
    return dataclasses.asdict(sav_daily(now=timezone.now()))
