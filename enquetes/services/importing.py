"""Importing a survey population from the files cooperatives export (CSV from Excel or UTF-8,
XLSX). Parsing writes nothing; it returns the rows and a per-row report in French. Confirming
writes every row or none, and only when the report has no error."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from cooperatives.models import Buyer, Lot, Programme, User
from coopqualite.formats import format_number
from enquetes.models import Campaign, Invitation, PopulationImport

COLUMNS = {
    "nom": "last_name",
    "prenom": "first_name",
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "courriel": "email",
    "telephone": "phone",
    "tel": "phone",
    "programme": "programme",
    "operation": "programme",
    "lot": "lot",
    "date de livraison": "delivery_date",
    "livraison": "delivery_date",
}
LABELS = {
    "last_name": "Nom", "first_name": "Prénom", "email": "Email", "phone": "Téléphone",
    "programme": "Programme", "lot": "Lot", "delivery_date": "Date de livraison",
}  # fmt: skip
REQUIRED_COLUMNS = ("last_name", "programme", "lot")
MAX_ROWS = 20_000


class ImportFileError(Exception):
    """The file as a whole cannot be read (message in French)."""


@dataclass
class Parsed:
    rows: list[dict] = field(default_factory=list)
    report: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> list[dict]:
        return [r for r in self.report if r["level"] == "error"]

    def add(self, row: int, column: str, message: str, level: str = "error") -> None:
        self.report.append({"row": row, "column": column, "message": message, "level": level})


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("_", " ").split())


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("Le fichier n'est ni en UTF-8 ni en Windows-1252 : exportez-le en CSV.")


def _csv_rows(data: bytes) -> list[list[str]]:
    text = _decode(data)
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportFileError("Le classeur Excel est illisible ou protégé.") from None
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _date(value: object) -> dt.date | None | str:
    """A date, None when empty, or the French reason it cannot be read."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    parts = text.replace("-", "/").replace(".", "/").split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"Date impossible : « {text} » (jour ou mois hors calendrier)."
    return f"Date illisible : « {text} » (attendu : jj/mm/aaaa)."


def population_parse(*, campaign: Campaign, data: bytes, filename: str) -> Parsed:
    """Read the file and check every row; nothing is written."""
    is_xlsx = data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx")
    table = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    if not table:
        raise ImportFileError("Le fichier est vide.")
    header = [COLUMNS.get(_plain(cell or "")) for cell in table[0]]
    missing = [LABELS[c] for c in REQUIRED_COLUMNS if c not in header]
    if "email" not in header and "phone" not in header:
        missing.append("Email ou Téléphone")
    if missing:
        raise ImportFileError(
            "Colonnes manquantes : " + ", ".join(missing) + ". La première ligne doit porter "
            "les titres des colonnes (Nom, Prénom, Email, Téléphone, Programme, Lot, "
            "Date de livraison)."
        )
    if len(table) - 1 > MAX_ROWS:
        raise ImportFileError(f"Le fichier dépasse {format_number(MAX_ROWS)} lignes : découpez-le.")
    programmes = {}
    for programme in Programme.objects.for_cooperative(campaign.cooperative_id):
        programmes[_plain(programme.name)] = programme
        programmes[_plain(programme.code)] = programme
    parsed = Parsed()
    seen: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(table[1:], start=2):
        values = {
            key: ("" if cell is None else cell)
            for key, cell in zip(header, raw, strict=False)
            if key
        }
        if all(str(v).strip() == "" for v in values.values()):
            continue  # an empty line
        row = _check_row(parsed, number, values, programmes)
        if row is None:
            continue
        key = (row["email"], f"{row['programme_id']}:{row['lot'].lower()}")
        if row["email"] and key in seen:
            parsed.add(
                number, "Email",
                f"Doublon de la ligne {seen[key]} : même e-mail et même lot.",
            )  # fmt: skip
            continue
        seen[key] = number
        parsed.rows.append(row)
    return parsed


def _check_row(parsed: Parsed, number: int, values: dict, programmes: dict) -> dict | None:
    errors_before = len(parsed.errors)
    text = {k: str(v).strip() for k, v in values.items() if not isinstance(v, dt.date)}
    last_name = text.get("last_name", "")
    if not last_name:
        parsed.add(number, "Nom", "Nom manquant.")
    raw_email = text.get("email", "")
    email = raw_email.replace(" ", "").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            parsed.add(number, "Email", f"Adresse e-mail invalide : « {raw_email} ».")
        else:
            if email != raw_email:
                parsed.add(
                    number, "Email", f"Adresse corrigée : « {raw_email} » → « {email} ».",
                    level="warning",
                )  # fmt: skip
    elif not text.get("phone"):
        parsed.add(number, "Email", "Ni e-mail ni téléphone : impossible de joindre ce ménage.")
    programme_name = text.get("programme", "")
    programme = programmes.get(_plain(programme_name))
    if not programme_name:
        parsed.add(number, "Programme", "Programme manquant.")
    elif programme is None:
        parsed.add(number, "Programme", f"Programme inconnu : « {programme_name} ».")
    lot = text.get("lot", "")
    if not lot:
        parsed.add(number, "Lot", "Lot manquant.")
    delivery = _date(values.get("delivery_date"))
    if isinstance(delivery, str):
        parsed.add(number, "Date de livraison", delivery)
    if len(parsed.errors) > errors_before or programme is None or isinstance(delivery, str):
        return None  # (a missing programme or an unreadable date was reported just above)
    return {
        "row": number,
        "last_name": last_name[:150],
        "first_name": text.get("first_name", "")[:150],
        "email": email,
        "phone": text.get("phone", "")[:30],
        "programme_id": programme.pk,
        "programme": programme.name,
        "lot": lot[:30],
        "delivery_date": delivery.isoformat() if delivery else None,
    }


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


class ImportRejected(Exception):
    """The import still has errors: nothing was written."""


@transaction.atomic
def population_import_confirm(*, pending: PopulationImport) -> int:
    """Write every row (buyers, lots if new, invitations) or none."""
    if any(entry["level"] == "error" for entry in pending.report):
        raise ImportRejected
    campaign = pending.campaign
    own = set(
        Programme.objects.for_cooperative(campaign.cooperative_id).values_list("pk", flat=True)
    )
    if any(row["programme_id"] not in own for row in pending.rows):
        raise ImportRejected  # a programme was deleted since the preview
    invitations = []
    for row in pending.rows:
        lot, _ = Lot.objects.get_or_create(programme_id=row["programme_id"], code=row["lot"])
        buyer = None
        if row["email"]:
            buyer = Buyer.objects.filter(lot=lot, email=row["email"]).first()
        if buyer is None:
            buyer = Buyer.objects.create(
                lot=lot,
                last_name=row["last_name"],
                first_name=row["first_name"],
                email=row["email"],
                phone=row["phone"],
                delivery_date=row["delivery_date"],
            )
        invitations.append(
            Invitation(
                campaign=campaign,
                buyer=buyer,
                programme_id=row["programme_id"],
                lot_code=lot.code,
                last_name=buyer.last_name,
                first_name=buyer.first_name,
                email=buyer.email,
                phone=buyer.phone,
                expires_at=campaign.closes_at,
            )
        )
    before = Invitation.objects.filter(campaign=campaign).count()
    Invitation.objects.bulk_create(invitations, batch_size=500, ignore_conflicts=True)
    pending.delete()
    return Invitation.objects.filter(campaign=campaign).count() - before
