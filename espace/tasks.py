"""Celery tasks of the buyer's space: the address in, one service call."""

from celery import shared_task
from django.utils import timezone

from espace.services.signin import signin_links_create


@shared_task
def signin_links_create_task(email: str) -> int:
    return signin_links_create(email=email, now=timezone.now())
