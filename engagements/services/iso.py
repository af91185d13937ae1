"""The ISO 26000 self-assessment of a year: the director's scores, evidence, strengths and
areas for progress per core subject, written with their history."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cooperatives.models import Cooperative, User
from engagements.models import IsoAssessment, IsoSubject

TEXT_FIELDS = ("evidence", "strengths", "progress_areas")


def iso_assessment_save(
    *, cooperative: Cooperative, year: int, user: User, rows: dict[str, dict]
) -> int:
    """Write the year's assessment: per subject, {"score": 1–4 or None, "evidence": …,
    "strengths": …, "progress_areas": …}. A subject without a score is not assessed (its row
    is removed). Returns the number of subjects assessed."""
    assessed = 0
    with transaction.atomic():
        existing: dict[str, Any] = {
            a.subject: a
            for a in IsoAssessment.objects.for_cooperative(cooperative)
            .select_for_update()
            .filter(year=year)
        }
        for subject in IsoSubject.values:
            row = rows.get(subject) or {}
            current = existing.get(subject)
            if not row.get("score"):
                if current is not None:
                    current._history_user = user
                    current.delete()
                continue
            assessed += 1
            values = {"score": row["score"], **{f: row.get(f, "") for f in TEXT_FIELDS}}
            if current is not None and all(getattr(current, k) == v for k, v in values.items()):
                continue
            target: Any = current or IsoAssessment(
                cooperative=cooperative, year=year, subject=subject
            )
            for name, value in values.items():
                setattr(target, name, value)
            target._history_user = user
            target.save()
    return assessed
