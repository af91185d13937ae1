"""Work queued for a worker once the transaction commits: the one module of the app that
imports `espace.tasks`."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils.crypto import salted_hmac

from coopqualite import jobs
from espace.models import SignInRequest
from espace.services.signin import RATE_WINDOW
from espace.tasks import signin_links_create_task

PER_ADDRESS = 5
PER_IP = 20


def _keyed(kind: str, value: str) -> str:
    """A digest of an address that nobody can reverse by hashing guesses without SECRET_KEY."""
    return salted_hmac(f"espace.ratelimit.{kind}", value, algorithm="sha256").hexdigest()


def signin_request(*, email: str, ip: str | None, now: dt.datetime) -> bool:
    """Record the request and queue the links for this address; False when a limit is reached
    (nothing is queued)."""
    email = email.strip().lower()
    email_key, ip_key = _keyed("email", email), _keyed("ip", ip or "")
    since = now - RATE_WINDOW
    with transaction.atomic():
        recent = SignInRequest.objects.filter(created_at__gt=since)
        if (
            recent.filter(email_digest=email_key).count() >= PER_ADDRESS
            or recent.filter(ip_digest=ip_key).count() >= PER_IP
        ):
            return False
        SignInRequest.objects.create(email_digest=email_key, ip_digest=ip_key, created_at=now)
        transaction.on_commit(partial(jobs.enqueue, signin_links_create_task, email))
    return True
