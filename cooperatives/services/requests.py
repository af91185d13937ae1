"""Requests that a worker carries out once the transaction commits. The one module of the app
that queues tasks: it imports `cooperatives.tasks`, which imports only the services doing the
work."""

from __future__ import annotations

from django.db import transaction

from cooperatives.tasks import password_reset_send_task


def password_reset_request(*, email: str) -> None:
    """Queue the reset mail for this address; nothing is read now, so a known and an unknown
    address take the same path (see services/password_reset.py)."""
    transaction.on_commit(lambda: password_reset_send_task.delay(email))
