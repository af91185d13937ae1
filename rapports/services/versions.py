"""The life of a report version: a draft is opened (copied from the last version), edited,
approved by a director; an approved version is frozen and its PDF built once.

Every write goes through `save()` on a locked row so that django-simple-history records who
changed what; a version that is no longer a draft is refused with a French message
(`ReportVersionFrozen`), never changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from cooperatives.models import Cooperative, User
from enquetes.models import Campaign
from rapports.models import Report, ReportVersion
from rapports.selectors import closed_campaigns
from rapports.services.requests import report_request

# What a new version copies from the previous one (the people's choices and writing).
COPIED_FIELDS = (
    "quotes", "foreword", "highlights", "priorities", "members", "homes_built", "homes_sold",
    "programmes_delivered", "board_members", "board_meetings", "agm_attendance",
)  # fmt: skip


class ReportVersionFrozen(Exception):
    """The version is approved: it does not change any more."""

    message = "Cette version est approuvée : elle ne change plus. Créez une nouvelle version."


def report_version_open(
    *, cooperative: Cooperative, year: int, user: User | None, today: dt.date
) -> ReportVersion:
    """The year's draft: the existing one, else a copy of the last version (the next number),
    else a first draft presenting the campaigns of the year that are closed. Two people
    opening it at once get the same draft (`one_report_draft_per_year`)."""
    versions = ReportVersion.objects.for_cooperative(cooperative).filter(year=year)
    draft = versions.filter(state=ReportVersion.State.DRAFT).first()
    if draft is not None:
        return draft
    last = versions.order_by("-number").first()
    try:
        with transaction.atomic():
            draft = ReportVersion(
                cooperative=cooperative, year=year, number=last.number + 1 if last else 1
            )
            if last is not None:
                for name in COPIED_FIELDS:
                    setattr(draft, name, getattr(last, name))
            draft._history_user = user  # type: ignore[attr-defined]
            draft.save()
            if last is not None:
                draft.campaigns.set(last.campaigns.all())
            else:
                draft.campaigns.set(closed_campaigns(cooperative, year, today))
    except IntegrityError:  # opened at the same time by someone else
        return versions.get(state=ReportVersion.State.DRAFT)
    return draft


def _locked_draft(version: ReportVersion) -> ReportVersion:
    locked = ReportVersion.objects.select_for_update().get(pk=version.pk)
    if not locked.is_draft:
        raise ReportVersionFrozen(ReportVersionFrozen.message)
    return locked


def report_version_update(
    *,
    version: ReportVersion,
    user: User,
    changes: dict[str, Any],
    campaigns: Iterable[Campaign] | None = None,
) -> ReportVersion:
    """Write the director's changes to a draft (history kept); refused once approved."""
    with transaction.atomic():
        draft = _locked_draft(version)
        for name, value in changes.items():
            setattr(draft, name, value)
        if campaigns is not None:
            campaigns = list(campaigns)
            kept = {c.pk for c in campaigns}
            draft.quotes = [q for q in draft.quotes if q["campaign"] in kept]
        draft._history_user = user  # type: ignore[attr-defined]
        draft.save()
        if campaigns is not None:
            draft.campaigns.set(campaigns)
    return draft


def report_version_approve(*, version: ReportVersion, user: User, now: dt.datetime) -> Report:
    """Approve a draft: dated and signed by the approver's name, frozen from now on; its final
    PDF is built once (queued when the transaction commits)."""
    with transaction.atomic():
        draft = _locked_draft(version)
        draft.state = ReportVersion.State.APPROVED
        draft.approved_at = now
        draft.approved_by = user
        draft.approved_by_name = user.get_full_name() or user.username
        draft._history_user = user  # type: ignore[attr-defined]
        draft.save()
        return report_request(version=draft, user=user, final=True)
