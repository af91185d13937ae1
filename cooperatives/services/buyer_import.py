"""Importing buyers from a buyer file (`cooperatives.buyer_files`): the same machinery as the
import of a survey population. Preparing reads and checks the file and keeps it for the preview
(its per-row report in French, each change to a buyer of the portal, what other features will
do with it); confirming writes every row or none.

`buyer_import_confirm(*, pending, user)` is safe to call twice, from a view or a task: it claims
the waiting import under a lock and deletes it with the writes, so a second call finds nothing
and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from cooperatives.buyer_files import ERROR, buyer_file_read
from cooperatives.models import BuyerImport, Cooperative, User
from cooperatives.services.journey import StaleImport, buyers_upsert


class ImportRejected(Exception):
    """Nothing was written (message in French)."""


HAS_ERRORS = "Le fichier contient des erreurs : rien n'a été importé."


def buyer_import_prepare(
    *, cooperative: Cooperative, data: bytes, filename: str, user: User
) -> BuyerImport:
    """Read and check the file (BuyerFileError when it cannot be read) and keep it for the
    preview, in place of the user's previous one. Nothing else is written."""
    parsed = buyer_file_read(data=data, filename=filename, cooperative_id=cooperative.pk)
    with transaction.atomic():
        BuyerImport.objects.filter(cooperative=cooperative, created_by=user).delete()
        return BuyerImport.objects.create(
            cooperative=cooperative,
            filename=filename[:255],
            rows=parsed.rows,
            report=parsed.report,
            created_by=user,
        )


@dataclass(frozen=True)
class BuyerImportResult:
    created: int
    changed: int
    unchanged: int
    lots_created: int


def buyer_import_confirm(*, pending: BuyerImport, user: User) -> BuyerImportResult | None:
    """Write every row of a checked file, or none (ImportRejected). None when the import is no
    longer waiting (already confirmed, or replaced by a newer file): nothing is written."""
    with transaction.atomic():
        claimed = BuyerImport.objects.select_for_update().filter(pk=pending.pk).first()
        if claimed is None:
            return None
        if any(entry["level"] == ERROR for entry in claimed.report):
            raise ImportRejected(HAS_ERRORS)
        try:
            with transaction.atomic():
                result = buyers_upsert(
                    cooperative_id=claimed.cooperative_id, rows=claimed.rows, user=user
                )
        except StaleImport as exc:
            raise ImportRejected(str(exc)) from None
        except IntegrityError:
            raise ImportRejected(
                "Les acquéreurs ont changé depuis la vérification du fichier : rien n'a été "
                "importé. Vérifiez-le de nouveau."
            ) from None
        claimed.delete()  # the personal data does not linger
    return BuyerImportResult(
        created=result.created,
        changed=result.changed,
        unchanged=result.unchanged,
        lots_created=result.lots_created,
    )
