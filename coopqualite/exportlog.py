"""Recording an export of buyers' personal data (stated once, called by every such export)."""

from __future__ import annotations

from django.utils import timezone

from coopqualite.models import PersonalDataExport


def personal_data_export_record(*, cooperative_id: int, user, what: str) -> None:
    """Who exported what, now. `user` None: a command run by an operator."""
    PersonalDataExport.objects.create(
        cooperative_id=cooperative_id,
        user=user if getattr(user, "is_authenticated", False) else None,
        what=what[:300],
        at=timezone.now(),
    )
