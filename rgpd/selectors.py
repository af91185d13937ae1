"""Reads of the personal-data pages."""

from __future__ import annotations

from cooperatives.models import Cooperative
from rgpd.models import RetentionSettings
from rgpd.retention import RULES


def retention_values(cooperative: Cooperative) -> dict[str, int]:
    """The cooperative's durations, the defaults where it set none."""
    stored = RetentionSettings.objects.filter(cooperative=cooperative).first()
    defaults = {rule.key: rule.default for rule in RULES}
    return {**defaults, **(stored.values() if stored else {})}
