"""The retention job: what each rule makes anonymous today, counted (dry run) or done.

The dry run and the real run read the same querysets (`_due`), so that what the director is
shown is what the job does. Import previews (24 h) are purged by the jobs' own sweep, not here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q, QuerySet

from cooperatives.models import Buyer, Cooperative
from enquetes.models import Invitation
from rgpd.retention import BUYER_IDENTITY, LAST_GUARANTEE_YEARS, SURVEY_INVITATIONS, Rule
from rgpd.selectors import retention_values
from rgpd.services.erasure import ANONYMISED, buyers_anonymise, invitations_anonymise


@dataclasses.dataclass(frozen=True)
class RetentionLine:
    rule: Rule
    value: int
    count: int

    @property
    def delay(self) -> str:
        return self.rule.delay(self.value)


def _not_anonymised() -> Q:
    return ~Q(last_name=ANONYMISED, first_name="", email="", phone="")


def _due(cooperative: Cooperative, values: dict[str, int], today: dt.date) -> dict[str, QuerySet]:
    identity_until = today - relativedelta(years=LAST_GUARANTEE_YEARS + values[BUYER_IDENTITY.key])
    invitations_until = today - relativedelta(months=values[SURVEY_INVITATIONS.key])
    return {
        BUYER_IDENTITY.key: Buyer.objects.for_cooperative(cooperative)
        .filter(delivery_date__lt=identity_until)
        .filter(_not_anonymised()),
        SURVEY_INVITATIONS.key: Invitation.objects.for_cooperative(cooperative)
        .filter(campaign__closes_on__lt=invitations_until)
        .filter(_not_anonymised() | Q(buyer__isnull=False) | ~Q(draft={})),
    }


def retention_apply(
    *, cooperative: Cooperative, today: dt.date, dry_run: bool
) -> list[RetentionLine]:
    """Count (dry run) or anonymise what the cooperative's rules say is due on `today`."""
    values = retention_values(cooperative)
    due = _due(cooperative, values, today)
    # Every rule's rows are read before any is written: anonymising a buyer also anonymises
    # their invitations, and the counts must stay those of the dry run.
    ids = {key: list(rows.values_list("pk", flat=True)) for key, rows in due.items()}
    if not dry_run:
        with transaction.atomic():
            buyers_anonymise(buyer_ids=ids[BUYER_IDENTITY.key])
            invitations_anonymise(invitation_ids=ids[SURVEY_INVITATIONS.key])
    lines = [
        RetentionLine(rule, values[rule.key], len(ids[rule.key]))
        for rule in (BUYER_IDENTITY, SURVEY_INVITATIONS)
    ]
    return lines


def retention_apply_all(*, today: dt.date, dry_run: bool = False) -> dict[str, int]:
    """Every cooperative's rules; {rule key: rows made anonymous (or due, dry run)}."""
    totals = {BUYER_IDENTITY.key: 0, SURVEY_INVITATIONS.key: 0}
    for cooperative in Cooperative.objects.order_by("pk"):
        for line in retention_apply(cooperative=cooperative, today=today, dry_run=dry_run):
            totals[line.rule.key] += line.count
    return totals
