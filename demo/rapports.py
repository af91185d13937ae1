"""The demo's annual reports: last year's approved (its PDF built now, so that the demo shows a
download at once, without a worker), and this year's draft."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cooperatives.models import Cooperative, User
from rapports.models import Report, ReportVersion
from rapports.services.building import report_build
from rapports.services.versions import report_version_open


def reports_seed(*, cooperative: Cooperative, director: User, reference: dt.date) -> None:
    year = reference.year - 1
    if ReportVersion.objects.filter(cooperative=cooperative, year=year).exists():
        return
    version = report_version_open(
        cooperative=cooperative, year=year, user=director, today=reference
    )
    approved_at = timezone.make_aware(dt.datetime(reference.year, 1, 20, 18, 0))
    ReportVersion.objects.filter(pk=version.pk).update(
        state=ReportVersion.State.APPROVED, approved_at=approved_at, approved_by=director,
        approved_by_name=director.get_full_name(),
    )  # fmt: skip
    version.refresh_from_db()
    # Built in-process at seed time: the demo has a frozen PDF to download at once.
    report_build(
        report=Report.objects.create(
            cooperative=cooperative, year=year, version=version, final=True, built_by=director
        )
    )
    report_version_open(
        cooperative=cooperative, year=reference.year, user=director, today=reference
    )
