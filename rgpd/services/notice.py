"""Writes of the personal-data features."""

from __future__ import annotations

from cooperatives.models import Cooperative, User
from rgpd.models import PrivacyNotice
from rgpd.notice import EDITABLE, default_sections


def privacy_notice_save(*, cooperative: Cooperative, values: dict[str, str], user: User) -> None:
    """Store the director's sections. A section left as its default text is stored empty, so
    that it follows the default (and the cooperative's data) from then on."""
    defaults = default_sections(cooperative)
    fields = {
        name: "" if values[name].strip() == defaults[name] else values[name].strip()
        for name in EDITABLE
    }
    PrivacyNotice.objects.update_or_create(
        cooperative=cooperative, defaults={**fields, "updated_by": user}
    )
