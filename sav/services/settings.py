"""The cooperative's after-sales deadlines."""

from __future__ import annotations

from sav.models import ServiceLevel


def service_level_save(*, cooperative_id: int, values: dict) -> ServiceLevel:
    """Store the deadlines and the call-back threshold; they apply to claims filed and answers
    read from now on (deadlines already computed stay as they were announced)."""
    level, _ = ServiceLevel.objects.update_or_create(cooperative_id=cooperative_id, defaults=values)
    return level
