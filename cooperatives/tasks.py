"""Housekeeping tasks and the worker's own health probe."""

from celery import shared_task
from django.core import management

from cooperatives.models import Cooperative


@shared_task(ignore_result=False)
def ping() -> dict:
    """Answer from a worker with what it sees of the database: proves both are reachable."""
    return {"pong": True, "cooperatives": Cooperative.objects.count()}


@shared_task
def sessions_clear() -> None:
    """Delete expired sessions: the same work as `manage.py clearsessions`, for beat."""
    management.call_command("clearsessions")
