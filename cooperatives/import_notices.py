"""What the apps built on the tenancy have to say about a buyer file before it is imported.

An import may set journey dates that other features act on (a running key-step survey
campaign invites the buyers who reach its step). This app knows no feature: it defines the
interface, the features register a provider at start-up (`AppConfig.ready`), and the preview of
every buyer file shows what they answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from django.utils import timezone


@dataclass(frozen=True)
class JourneyChange:
    """A buyer the import adds (`buyer_id` None) or changes, with the journey dates it sets or
    changes (field of `Buyer` → new date)."""

    buyer_id: int | None
    programme_id: int
    dates: dict[str, dt.date]


class ImportNoticeProvider(Protocol):
    def buyer_import_notices(
        self, *, cooperative_id: int, changes: list[JourneyChange], today: dt.date
    ) -> list[str]:
        """French sentences for the preview (empty: nothing to say)."""


_providers: list[ImportNoticeProvider] = []


def register(provider: ImportNoticeProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def collect(*, cooperative_id: int, rows: list[dict], today: dt.date | None = None) -> list[str]:
    """What every provider says about the rows of a buyer file (as `buyer_file_read` keeps
    them: dates in ISO, `dates_set` naming those the import sets or changes)."""
    changes = [
        JourneyChange(
            buyer_id=row.get("buyer_id"),
            programme_id=row["programme_id"],
            dates={name: dt.date.fromisoformat(row[name]) for name in row.get("dates_set", [])},
        )
        for row in rows
        if row.get("dates_set")
    ]
    if not changes:
        return []
    today = today or timezone.localdate()
    return [
        notice
        for provider in _providers
        for notice in provider.buyer_import_notices(
            cooperative_id=cooperative_id, changes=changes, today=today
        )
    ]
