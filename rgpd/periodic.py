"""The entries of the beat schedule of the personal-data app: no argument, the same service as
the `apply_retention` management command."""

from celery import shared_task
from django.utils import timezone

from rgpd.services.retention import retention_apply_all


@shared_task
def retention_apply_task() -> dict:
    return retention_apply_all(today=timezone.localdate())
