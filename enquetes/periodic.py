"""The surveys app's entries of the beat schedule (settings.CELERY_BEAT_SCHEDULE): no argument,
the same services as the `dispatch_surveys`, `tally_campaigns`, `flush_anonymous_pool`,
`purge_population_imports` and `purge_exports` management commands."""

import dataclasses

from celery import shared_task
from django.utils import timezone

from enquetes.services.dispatch import surveys_dispatch
from enquetes.services.exporting import exports_purge
from enquetes.services.importing import population_imports_purge
from enquetes.services.pool import pool_flush
from enquetes.services.tallies import tallies_store


@shared_task
def surveys_dispatch_task() -> dict:
    return dataclasses.asdict(surveys_dispatch(now=timezone.now()))


@shared_task
def tallies_store_task() -> int:
    """Store the final counts of campaigns closed since, refresh those of running ones."""
    return tallies_store()


@shared_task
def pool_flush_task() -> dict:
    return dataclasses.asdict(pool_flush(now=timezone.now()))


@shared_task
def population_imports_purge_task() -> int:
    return population_imports_purge(now=timezone.now())


@shared_task
def exports_purge_task() -> int:
    return exports_purge(now=timezone.now())
