"""How many report builds one person may ask for: a build takes a worker for seconds to minutes,
so at most MAX_IN_PROGRESS of theirs waiting or running, and MAX_PER_HOUR requested per hour.

A request older than STALE is no longer counted as in progress (a build lost with its worker
must not block its author for ever). Call `report_request_refusal` inside the transaction that
records the request: it locks the user's row, so two simultaneous requests are counted in turn.
"""

from __future__ import annotations

import datetime as dt
import math

from cooperatives.models import User
from rapports.models import Report

MAX_IN_PROGRESS = 1
MAX_PER_HOUR = 10
WINDOW = dt.timedelta(hours=1)
STALE = dt.timedelta(minutes=30)


def report_request_refusal(*, user: User, now: dt.datetime) -> str | None:
    """Why `user` may not request another build now (a French sentence), or None."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    mine = Report.objects.filter(built_by=user, requested_at__gte=now - WINDOW)
    in_progress = mine.filter(
        status__in=[Report.Status.PENDING, Report.Status.RUNNING], requested_at__gte=now - STALE
    )
    if in_progress.count() >= MAX_IN_PROGRESS:
        return (
            "Un rapport que vous avez demandé est encore en construction : attendez qu'il soit "
            "prêt avant d'en demander un autre."
        )
    recent = list(mine.order_by("requested_at").values_list("requested_at", flat=True))
    if len(recent) >= MAX_PER_HOUR:
        wait = recent[len(recent) - MAX_PER_HOUR] + WINDOW - now
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        return (
            f"Vous avez demandé {len(recent)} rapports au cours de la dernière heure, le plus "
            f"que le portail accepte : réessayez dans {minutes} minute{'s' if minutes > 1 else ''}."
        )
    return None
