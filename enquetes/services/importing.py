"""Importing a survey population from a buyer file, in the one format of buyer files
(`cooperatives.buyer_files`: columns, reading, per-row checks, which buyer a row designates).
Parsing writes nothing; it returns the rows and a per-row report in French. Confirming writes
every row (buyers through `cooperatives.services.journey.buyers_upsert`, with their history,
then the invitations) or none, and only when the report has no error."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from cooperatives.buyer_files import ERROR, BuyerFileError, Parsed, buyer_file_read
from cooperatives.models import User
from cooperatives.services.buyer_import import HAS_ERRORS, ImportRejected
from cooperatives.services.journey import StaleImport, buyers_upsert
from enquetes.models import Campaign, Invitation, PopulationImport

ImportFileError = BuyerFileError  # the file as a whole cannot be read (message in French)
__all__ = [
    "ImportFileError", "ImportRejected", "population_import_confirm",
    "population_import_prepare", "population_parse",
]  # fmt: skip


def population_parse(*, campaign: Campaign, data: bytes, filename: str) -> Parsed:
    """Read the file and check every row; nothing is written. A population must be reachable:
    a row without e-mail nor telephone is an error."""
    return buyer_file_read(
        data=data, filename=filename, cooperative_id=campaign.cooperative_id, contact_required=True
    )


def population_import_prepare(
    *, campaign: Campaign, data: bytes, filename: str, user: User
) -> PopulationImport:
    """Parse and keep the result for the preview (personal data stays until confirmed or
    abandoned, then is deleted)."""
    parsed = population_parse(campaign=campaign, data=data, filename=filename)
    PopulationImport.objects.filter(campaign=campaign, created_by=user).delete()
    return PopulationImport.objects.create(
        campaign=campaign, filename=filename[:255], rows=parsed.rows, report=parsed.report,
        created_by=user,
    )  # fmt: skip


@transaction.atomic
def population_import_confirm(*, pending: PopulationImport) -> int:
    """Write every row (buyers added or changed, lots if new, invitations) or none. A second
    call finds the import gone (claimed under a lock, deleted with the writes) and adds 0."""
    claimed = PopulationImport.objects.select_for_update().filter(pk=pending.pk).first()
    if claimed is None:
        return 0
    if any(entry["level"] == ERROR for entry in claimed.report):
        raise ImportRejected(HAS_ERRORS)
    campaign = claimed.campaign
    try:
        with transaction.atomic():
            written = buyers_upsert(
                cooperative_id=campaign.cooperative_id, rows=claimed.rows, user=claimed.created_by
            )
    except (StaleImport, IntegrityError) as exc:
        raise ImportRejected(str(exc)) from None
    invitations = [
        Invitation(
            campaign=campaign,
            buyer=buyer,
            programme_id=row["programme_id"],
            lot_code=buyer.lot.code,
            last_name=buyer.last_name,
            first_name=buyer.first_name,
            email=buyer.email,
            phone=buyer.phone,
            expires_at=campaign.closes_at,
        )
        for row, buyer in zip(claimed.rows, written.buyers, strict=True)
    ]
    before = Invitation.objects.filter(campaign=campaign).count()
    Invitation.objects.bulk_create(invitations, batch_size=500, ignore_conflicts=True)
    claimed.delete()
    return Invitation.objects.filter(campaign=campaign).count() - before
