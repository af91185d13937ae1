"""One buyer's rights: a copy of everything held about them, and erasure on request."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from django.utils import timezone

from cooperatives.models import Buyer, User
from coopqualite.exportlog import personal_data_export_record
from coopqualite.pdf import render_pdf
from coopqualite.spreadsheets import CSV_DELIMITER, csv_value
from rgpd.buyer_data import buyer_sections
from rgpd.services.erasure import buyers_anonymise


def buyer_export(*, buyer: Buyer, user: User) -> bytes:
    """A zip: `donnees.json` (machine-readable), one CSV per section, and `donnees.pdf` (the
    same, to read). The export is recorded."""
    sections = buyer_sections(buyer)
    cooperative = buyer.lot.programme.cooperative
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        data = {section.key: section.as_dicts() for section in sections}
        archive.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2))
        for section in sections:
            text = io.StringIO()
            writer = csv.writer(text, delimiter=CSV_DELIMITER)
            writer.writerow(section.columns)
            writer.writerows([csv_value(cell) for cell in row] for row in section.rows)
            archive.writestr(f"{section.key}.csv", "\ufeff" + text.getvalue())
        pdf = render_pdf(
            "rgpd/buyer_data_pdf.html",
            {"cooperative": cooperative, "sections": sections, "now": timezone.now()},
        )
        archive.writestr("donnees.pdf", pdf.content)
    personal_data_export_record(
        cooperative_id=cooperative.pk, user=user, what=f"Données d'un acquéreur (n° {buyer.pk})"
    )
    return buffer.getvalue()


def buyer_erase(*, buyer: Buyer, user: User) -> None:
    """Erase the buyer on request: their identity overwritten everywhere (history included),
    the figures kept. Recorded without the name."""
    buyers_anonymise(buyer_ids=[buyer.pk])
    personal_data_export_record(
        cooperative_id=buyer.lot.programme.cooperative_id,
        user=user,
        what=f"Effacement d'un acquéreur à sa demande (n° {buyer.pk})",
    )
