"""The buyer file: the one format of the buyer files cooperatives export (CSV from Excel in
Windows-1252 or in UTF-8, XLSX), read by the import of buyers (`services/buyer_import.py`) and
by the import of a survey population (`enquetes/services/importing.py`).

- `COLUMNS`: each column, its header in the template, the other headers accepted for it, what it
  holds. The format page (`buyer_file_format`) and the templates (`template_csv`,
  `template_xlsx`) are drawn from it.
- `buyer_file_read(...)`: the file, row by row, checked, with a report in French (row, column,
  message, level) and each change it would bring to a buyer already in the portal. Nothing is
  written.
- Update semantics (`BuyerIndex`, stated here once for the preview and the write): a row
  designates the buyer of the same programme and lot with the same e-mail; a row without an
  e-mail, or whose e-mail the portal does not hold, the only buyer of that lot without an e-mail
  with the same name. Otherwise it adds a buyer. An empty cell keeps what the portal holds: a
  file never erases (erasing is done on the buyer's page).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from cooperatives import import_notices
from cooperatives.models import Buyer, Lot, Programme, User, interlocutor_choices
from coopqualite.formats import format_date, format_month, format_number

MAX_ROWS = 20_000


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as written in the template
    aliases: tuple[str, ...]  # other headers read as this column (case and accents aside)
    holds: str  # what the column holds, for the format page
    example: str  # the example row of the template
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("last_name", "Nom", ("nom de famille", "acquereur", "nom acquereur"),
           "Nom de l'acquéreur.", "Girard", required=True),
    Column("first_name", "Prénom", ("prenoms",), "Prénom.", "Amélie"),
    Column("email", "Email", ("e-mail", "mail", "courriel", "adresse e-mail", "adresse mail"),
           "Adresse e-mail : les enquêtes et les lettres y sont envoyées.",
           "amelie.girard@exemple.fr"),
    Column("phone", "Téléphone", ("tel", "telephone portable", "portable", "mobile"),
           "Téléphone.", "06 12 34 56 78"),
    Column("programme", "Programme", ("operation", "residence", "nom du programme"),
           "Nom ou code d'un programme déjà créé dans le portail.", "Les Jardins de l'Ill",
           required=True),
    Column("lot", "Lot", ("numero de lot", "n de lot", "no lot", "logement"),
           "Numéro du lot ; un lot inconnu du programme est créé.", "JDI-043", required=True),
    Column("typology", "Typologie", ("type", "typo"),
           "T1 à T5 (T5 et plus), ou F1 à F5, ou studio.", "T3"),
    Column("reservation_date", "Date de réservation",
           ("reservation", "contrat de reservation", "date du contrat de reservation"),
           "Date du contrat de réservation, jj/mm/aaaa.", "15/01/2025"),
    Column("deed_date", "Date de l'acte",
           ("acte", "acte authentique", "date acte", "signature acte"),
           "Date de l'acte authentique, jj/mm/aaaa.", "20/04/2025"),
    Column("delivery_month_announced", "Mois de livraison annoncé",
           ("mois de livraison", "mois annonce", "mois de livraison confirme"),
           "Mois de livraison confirmé à l'acquéreur : mm/aaaa (ou « juin 2026 »).", "06/2026"),
    Column("delivery_month_announced_on", "Annoncé le",
           ("date de l annonce", "mois annonce le", "date annonce livraison"),
           "Date à laquelle ce mois a été annoncé, jj/mm/aaaa ; obligatoire avec un nouveau mois.",
           "10/02/2026"),
    Column("delivery_date", "Date de livraison", ("livraison", "date livraison", "livre le"),
           "Date de la livraison (remise des clés), jj/mm/aaaa.", ""),
    Column("courtesy_visit_date", "Visite de courtoisie", ("date de la visite de courtoisie",),
           "Date de la visite de courtoisie après l'emménagement, jj/mm/aaaa.", ""),
    Column("perfect_completion_end", "Fin du parfait achèvement",
           ("fin de gpa", "fin gpa", "parfait achevement",
            "fin de la garantie de parfait achevement"),
           "Fin de l'année de parfait achèvement, jj/mm/aaaa.", ""),
    Column("interlocutor", "Interlocuteur", ("interlocuteur unique", "charge de clientele",
           "conseiller", "conseillere"),
           "E-mail ou prénom et nom d'un collaborateur de la coopérative, s'il n'est pas "
           "l'interlocuteur du programme.", "claire.roche@votre-cooperative.fr"),
)  # fmt: skip
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
DATE_KEYS = tuple(key for key in Buyer.JOURNEY_DATES if key != "delivery_month_announced")
# What a row may set on a buyer (the lot's typology aside).
BUYER_FIELDS = ("last_name", "first_name", "email", "phone", "interlocutor_id",
                *Buyer.JOURNEY_DATES)  # fmt: skip


class BuyerFileError(Exception):
    """The file as a whole cannot be read (message in French)."""


class CellError(Exception):
    """One cell cannot be read (message in French)."""


# The levels of a report entry: an error blocks the import; the others inform.
ERROR, WARNING, CHANGE, NOTICE = "error", "warning", "change", "notice"


@dataclass
class Parsed:
    """The rows of a file, checked, and the report in French. Rows and report are JSON: they
    wait in the database for the confirmation. Each row says whether it adds a buyer ("new"),
    changes one ("changed") or leaves one as it is ("same")."""

    rows: list[dict] = field(default_factory=list)
    report: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> list[dict]:
        return [entry for entry in self.report if entry["level"] == ERROR]

    def add(self, row: int | None, column: str, message: str, level: str = ERROR) -> None:
        self.report.append({"row": row, "column": column, "message": message, "level": level})


def import_summary(rows: list[dict], report: list[dict]) -> dict[str, int]:
    """Counts for the preview: buyers added, changed, unchanged; lots added; errors."""
    statuses = [row.get("status", "new") for row in rows]
    return {
        "new": statuses.count("new"),
        "changed": statuses.count("changed"),
        "same": statuses.count("same"),
        "new_lots": len({(r["programme_id"], lot_key(r["lot"])) for r in rows if r.get("new_lot")}),
        "errors": sum(1 for entry in report if entry["level"] == ERROR),
    }


# Reading the table -------------------------------------------------------------------------


def _plain(text: object) -> str:
    """Lower case, no accents, punctuation as spaces: how headers and names are compared."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def lot_key(code: str) -> str:
    """How a lot code is compared: spaces around and capitals aside."""
    return code.strip().casefold()


HEADERS = {_plain(name): c.key for c in COLUMNS for name in (c.header, c.key, *c.aliases)}


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BuyerFileError("Le fichier n'est ni en UTF-8 ni en Windows-1252 : exportez-le en CSV.")


def _csv_rows(data: bytes) -> list[list[Any]]:
    text = _decode(data)
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise BuyerFileError("Le classeur Excel est illisible ou protégé.") from None
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def table_read(data: bytes, filename: str) -> list[list[Any]]:
    """The cells of the file's first sheet, row by row (CSV in UTF-8 or Windows-1252, with `;`
    or `,`; or XLSX)."""
    is_xlsx = data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx")
    table = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    if not table:
        raise BuyerFileError("Le fichier est vide.")
    return table


# Reading cells -----------------------------------------------------------------------------

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y-%m-%d %H:%M:%S")
MONTHS = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}  # fmt: skip


def read_date(value: object) -> dt.date | None:
    """A date from a cell (a spreadsheet date, or jj/mm/aaaa and the usual variants), None when
    empty; CellError with the French reason otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if len(text) == 10 and text[2] == text[5] == "/" and text.replace("/", "").isdigit():
        try:  # jj/mm/aaaa, the usual case, without strptime
            return dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))
        except ValueError:
            raise CellError(
                f"Date impossible : « {text} » (jour ou mois hors calendrier)."
            ) from None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    parts = text.replace("-", "/").replace(".", "/").split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        raise CellError(f"Date impossible : « {text} » (jour ou mois hors calendrier).")
    raise CellError(f"Date illisible : « {text} » (attendu : jj/mm/aaaa).")


def read_month(value: object) -> dt.date | None:
    """The first day of a month: mm/aaaa, aaaa-mm, « juin 2026 », or any date of the month."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return (value.date() if isinstance(value, dt.datetime) else value).replace(day=1)
    text = str(value).strip()
    words = _plain(text).split()
    if len(words) == 2 and words[0] in MONTHS and words[1].isdigit() and len(words[1]) == 4:
        return dt.date(int(words[1]), MONTHS[words[0]], 1)
    parts = text.replace("-", "/").replace(".", "/").split("/")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        month, year = (parts[1], parts[0]) if len(parts[0]) == 4 else (parts[0], parts[1])
        if len(year) == 4 and 1 <= int(month) <= 12:
            return dt.date(int(year), int(month), 1)
        raise CellError(f"Mois impossible : « {text} » (attendu : mm/aaaa).")
    try:
        day = read_date(text)
    except CellError:
        raise CellError(f"Mois illisible : « {text} » (attendu : mm/aaaa).") from None
    return day.replace(day=1) if day else None


def read_typology(value: object) -> str:
    """T1 to T5 ("" when empty): T3, t3, F3, 3, studio, T5 et plus, T6 (counted as T5)."""
    text = _plain(value or "").replace(" ", "")
    if not text:
        return ""
    if text == "studio":
        return Lot.Typology.T1
    if text in ("t5etplus", "f5etplus"):
        return Lot.Typology.T5
    digits = text[1:] if text[0] in "tf" else text
    if digits.isdigit() and int(digits) >= 1:
        return f"T{min(int(digits), 5)}"
    raise CellError(f"Typologie inconnue : « {value} » (attendu : T1 à T5, F1 à F5 ou studio).")


class Interlocutors:
    """The people a row may name as interlocutor, found by e-mail or by name; and the names of
    everyone of the cooperative, for the interlocutor a buyer has now."""

    def __init__(self, cooperative_id: int):
        self.by_email: dict[str, User] = {}
        self.by_name: dict[str, list[User]] = defaultdict(list)
        self.names = {
            user.pk: user_name(user) for user in User.objects.filter(cooperative_id=cooperative_id)
        }
        for user in interlocutor_choices(cooperative_id):
            if user.email:
                self.by_email[user.email.lower()] = user
            first, last = _plain(user.first_name), _plain(user.last_name)
            for name in {f"{first} {last}".strip(), f"{last} {first}".strip()} - {""}:
                self.by_name[name].append(user)

    def find(self, value: object) -> User | None:
        text = str(value or "").strip()
        if not text:
            return None
        if "@" in text:
            user = self.by_email.get(text.replace(" ", "").lower())
            if user is None:
                raise CellError(
                    f"Interlocuteur inconnu : « {text} » (l'e-mail d'un collaborateur actif "
                    "de la coopérative)."
                )
            return user
        found = self.by_name.get(_plain(text), [])
        if len(found) > 1:
            raise CellError(f"Plusieurs collaborateurs s'appellent « {text} » : donnez son e-mail.")
        if not found:
            raise CellError(
                f"Interlocuteur inconnu : « {text} » (le prénom et le nom, ou l'e-mail, d'un "
                "collaborateur actif de la coopérative)."
            )
        return found[0]


def user_name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


# Matching rows with the buyers of the portal ------------------------------------------------


class AmbiguousMatch(Exception):
    pass


class BuyerIndex:
    """The buyers of some programmes, found as a row designates them (module docstring)."""

    def __init__(self, buyers: Iterable[Buyer]):
        self.by_email: dict[tuple[int, str, str], Buyer] = {}
        self.by_name: dict[tuple[int, str, str], list[Buyer]] = defaultdict(list)
        for buyer in buyers:
            lot = (buyer.lot.programme_id, lot_key(buyer.lot.code))
            if buyer.email:
                self.by_email[(*lot, buyer.email.lower())] = buyer
            else:
                self.by_name[(*lot, _person(buyer.last_name, buyer.first_name))].append(buyer)

    @classmethod
    def for_programmes(cls, programme_ids: Iterable[int]) -> BuyerIndex:
        """One query."""
        buyers = Buyer.objects.filter(lot__programme_id__in=set(programme_ids))
        return cls(buyers.select_related("lot"))

    def match(self, row: dict) -> Buyer | None:
        lot = (row["programme_id"], lot_key(row["lot"]))
        if row["email"] and (found := self.by_email.get((*lot, row["email"]))):
            return found
        named = self.by_name.get((*lot, _person(row["last_name"], row["first_name"])), [])
        if len(named) > 1:
            raise AmbiguousMatch
        return named[0] if named else None


def _person(last_name: str, first_name: str) -> str:
    return _plain(f"{last_name} {first_name}")


def _phone(text: str) -> str:
    return "".join(c for c in text if c.isdigit() or c == "+")


def _same_name(before: str, after: str) -> bool:
    return _plain(before) == _plain(after)


def _same_phone(before: str, after: str) -> bool:
    return _phone(before) == _phone(after)


# Values that differ only in writing are the same: names in capitals or without accents, phone
# numbers with other spaces.
SAME = {"last_name": _same_name, "first_name": _same_name, "phone": _same_phone}


def buyer_changes(buyer: Buyer, row: dict) -> dict[str, tuple[Any, Any]]:
    """{field: (before, after)} for what `row` (typed values) would change on `buyer`: only
    non-empty cells, and not a name or a phone number written another way."""
    changes = {}
    for name in BUYER_FIELDS:
        after = row.get(name)
        if after is None or after == "":
            continue
        before = getattr(buyer, name)
        if before == after or (name in SAME and SAME[name](before, after)):
            continue
        changes[name] = (before, after)
    return changes


# Reading a file ----------------------------------------------------------------------------


def _header(cells: list[Any], parsed: Parsed) -> list[str | None]:
    header: list[str | None] = []
    for number, cell in enumerate(cells, start=1):
        key = HEADERS.get(_plain(cell or ""))
        if key is not None and key in header:
            first = header.index(key) + 1
            raise BuyerFileError(
                f"Deux colonnes « {COLUMN_BY_KEY[key].header} » (colonnes {first} et {number}) : "
                "gardez-en une."
            )
        if key is None and str(cell or "").strip():
            parsed.add(1, str(cell).strip(), "Colonne inconnue : ignorée.", WARNING)
        header.append(key)
    return header


def buyer_file_read(
    *,
    data: bytes,
    filename: str,
    cooperative_id: int,
    contact_required: bool = False,
    today: dt.date | None = None,
) -> Parsed:
    """Read and check every row of a buyer file of the cooperative; nothing is written.

    `contact_required`: a row without e-mail nor telephone is an error (a survey population
    must be reachable), else a warning. Raises BuyerFileError when the file as a whole cannot
    be read.
    """
    parsed = Parsed()
    table = table_read(data, filename)
    header = _header(table[0], parsed)
    missing = [c.header for c in COLUMNS if c.required and c.key not in header]
    if contact_required and "email" not in header and "phone" not in header:
        missing.append("Email ou Téléphone")
    if missing:
        raise BuyerFileError(
            "Colonnes manquantes : " + ", ".join(missing) + ". La première ligne doit porter "
            "les titres des colonnes (voir le modèle de fichier d'acquéreurs)."
        )
    if len(table) - 1 > MAX_ROWS:
        raise BuyerFileError(f"Le fichier dépasse {format_number(MAX_ROWS)} lignes : découpez-le.")
    programmes: dict[str, Programme] = {}
    for programme in Programme.objects.for_cooperative(cooperative_id):
        programmes[_plain(programme.name)] = programme
        programmes[_plain(programme.code)] = programme
    interlocutors = Interlocutors(cooperative_id)
    checked = []
    for number, raw in enumerate(table[1:], start=2):
        values = {
            key: ("" if cell is None else cell)
            for key, cell in zip(header, raw, strict=False)
            if key
        }
        if all(str(v).strip() == "" for v in values.values()):
            continue  # an empty line
        row = _check_row(parsed, number, values, programmes, interlocutors, contact_required)
        if row is not None:
            checked.append(row)
    _compare(parsed, checked, interlocutors)
    for message in import_notices.collect(
        cooperative_id=cooperative_id, rows=parsed.rows, today=today
    ):
        parsed.add(None, "", message, NOTICE)
    return parsed


def _check_row(
    parsed: Parsed,
    number: int,
    values: dict[str, Any],
    programmes: dict[str, Programme],
    interlocutors: Interlocutors,
    contact_required: bool,
) -> dict | None:
    """The row's typed values, or None when one of its cells is wrong (each one reported)."""
    errors_before = len(parsed.errors)
    text = {k: str(v).strip() for k, v in values.items() if not isinstance(v, dt.date)}
    row: dict[str, Any] = {"row": number}
    row["last_name"] = text.get("last_name", "")[:150]
    if not row["last_name"]:
        parsed.add(number, "Nom", "Nom manquant.")
    row["first_name"] = text.get("first_name", "")[:150]
    raw_email = text.get("email", "")
    row["email"] = raw_email.replace(" ", "").lower()
    if row["email"]:
        try:
            validate_email(row["email"])
        except ValidationError:
            parsed.add(number, "Email", f"Adresse e-mail invalide : « {raw_email} ».")
        else:
            if row["email"] != raw_email:
                parsed.add(
                    number, "Email", f"Adresse corrigée : « {raw_email} » → « {row['email']} ».",
                    WARNING,
                )  # fmt: skip
    row["phone"] = text.get("phone", "")[:30]
    if not row["email"] and not row["phone"]:
        if contact_required:
            parsed.add(number, "Email", "Ni e-mail ni téléphone : impossible de joindre ce ménage.")
        else:
            parsed.add(
                number, "Email", "Ni e-mail ni téléphone : ce ménage ne pourra pas être invité "
                "aux enquêtes.", WARNING,
            )  # fmt: skip
    programme_name = text.get("programme", "")
    programme = programmes.get(_plain(programme_name))
    if not programme_name:
        parsed.add(number, "Programme", "Programme manquant.")
    elif programme is None:
        parsed.add(number, "Programme", f"Programme inconnu : « {programme_name} ».")
    else:
        row["programme_id"], row["programme"] = programme.pk, programme.name
    row["lot"] = text.get("lot", "")[:30]
    if not row["lot"]:
        parsed.add(number, "Lot", "Lot manquant.")
    readers = {
        "typology": read_typology,
        "delivery_month_announced": read_month,
        "interlocutor": interlocutors.find,
        **dict.fromkeys(DATE_KEYS, read_date),
    }
    for key, read in readers.items():
        try:
            row[key] = read(values.get(key))
        except CellError as exc:
            parsed.add(number, COLUMN_BY_KEY[key].header, str(exc))
    if len(parsed.errors) > errors_before:
        return None
    interlocutor = row.pop("interlocutor")
    row["interlocutor_id"] = interlocutor.pk if interlocutor else None
    row["interlocutor"] = user_name(interlocutor)
    return row


def _compare(parsed: Parsed, checked: list[dict], interlocutors: Interlocutors) -> None:
    """Match each checked row with the portal's buyers (and the file's other rows), check its
    dates once merged with what the portal holds, report each change, keep the valid rows."""
    index = BuyerIndex.for_programmes(row["programme_id"] for row in checked)
    lots = {
        (programme_id, lot_key(code)): typology
        for programme_id, code, typology in Lot.objects.filter(
            programme_id__in={row["programme_id"] for row in checked}
        ).values_list("programme_id", "code", "typology")
    }
    seen_keys: dict[tuple, int] = {}
    seen_buyers: dict[int, int] = {}
    for row in checked:
        number = row["row"]
        lot = (row["programme_id"], lot_key(row["lot"]))
        key = (*lot, row["email"] or _person(row["last_name"], row["first_name"]))
        if key in seen_keys:
            same = "même e-mail" if row["email"] else "même nom, sans e-mail,"
            parsed.add(
                number, "Email", f"Doublon de la ligne {seen_keys[key]} : {same} et même lot."
            )
            continue
        seen_keys[key] = number
        try:
            buyer = index.match(row)
        except AmbiguousMatch:
            parsed.add(
                number, "Nom", "Plusieurs acquéreurs de ce lot portent ce nom, sans e-mail : "
                "ajoutez l'e-mail au fichier ou corrigez-les dans le portail.",
            )  # fmt: skip
            continue
        if buyer is not None and buyer.pk in seen_buyers:
            parsed.add(
                number, "Email",
                f"Désigne le même acquéreur que la ligne {seen_buyers[buyer.pk]}.",
            )  # fmt: skip
            continue
        if not _dates_fit(parsed, row, buyer):
            continue
        row["new_lot"] = lot not in lots
        if row["typology"] and not row["new_lot"] and lots[lot] != row["typology"]:
            parsed.add(
                number, "Typologie",
                f"Lot {row['lot']} : {lots[lot] or '—'} → {row['typology']}.", CHANGE,
            )  # fmt: skip
        if buyer is None:
            row["status"], row["buyer_id"] = "new", None
            row["dates_set"] = [name for name in Buyer.JOURNEY_DATES if row[name]]
        else:
            seen_buyers[buyer.pk] = number
            changes = buyer_changes(buyer, row)
            row["status"] = "changed" if changes else "same"
            row["buyer_id"] = buyer.pk
            row["dates_set"] = [name for name in Buyer.JOURNEY_DATES if name in changes]
            for name, (before, after) in changes.items():
                text = _change_text(name, before, after, interlocutors.names, row)
                parsed.add(number, _label(name), text, CHANGE)
        parsed.rows.append(_json(row))


def _dates_fit(parsed: Parsed, row: dict, buyer: Buyer | None) -> bool:
    """The row's dates, merged with the buyer's (an empty cell keeps the portal's), follow the
    rules of the journey; a new announced month comes with the day of its announcement."""
    merged = {
        name: row[name] if row.get(name) is not None else getattr(buyer, name, None)
        for name in Buyer.JOURNEY_DATES
    }
    errors = Buyer.journey_date_errors(merged)
    month, announced_on = row["delivery_month_announced"], row["delivery_month_announced_on"]
    before = buyer.delivery_month_announced if buyer is not None else None
    if before is not None and month and not announced_on and month != before:
        errors.append(
            (
                "delivery_month_announced_on",
                "Nouveau mois de livraison annoncé : indiquez le jour de l'annonce.",
            )
        )
    for name, message in errors:
        parsed.add(row["row"], _label(name), message)
    return not errors


def _label(name: str) -> str:
    return COLUMN_BY_KEY["interlocutor" if name == "interlocutor_id" else name].header


def _change_text(name: str, before: Any, after: Any, names: dict[int, str], row: dict) -> str:
    """What a row changes on a buyer, in French: "18 avril 2026 → 25 avril 2026"."""
    if name == "interlocutor_id":
        return f"{names.get(before, '—')} → {row['interlocutor']}"
    show = format_month if name == "delivery_month_announced" else format_date
    if isinstance(after, dt.date):
        return f"{show(before) if before else '—'} → {show(after)}"
    return f"{before or '—'} → {after}"


def _json(row: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}


def row_values(row: dict) -> dict[str, Any]:
    """A stored row with its dates back as dates (ValidationError on a date that is not one);
    the cells a row may lack take their empty value."""
    empty = {"first_name": "", "email": "", "phone": "", "typology": "", "interlocutor_id": None}
    values = empty | row
    for name in Buyer.JOURNEY_DATES:
        if values.get(name):
            values[name] = cast(models.Field, Buyer._meta.get_field(name)).to_python(values[name])
        else:
            values[name] = None
    return values


# The template -------------------------------------------------------------------------------


def template_csv() -> bytes:
    """The template as Excel reads a CSV: UTF-8 with a byte-order mark, `;` between cells."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    writer.writerow([c.example for c in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """The template as a workbook: the header row, then the example row with real dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Acquéreurs"
    sheet.append([c.header for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    example: list[Any] = []
    for column in COLUMNS:
        if column.key in DATE_KEYS and column.example:
            example.append(read_date(column.example))
        elif column.key == "delivery_month_announced":
            example.append(read_month(column.example))
        else:
            example.append(column.example)
    sheet.append(example)
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=2, column=index)
        if isinstance(cell.value, dt.date | dt.datetime):
            cell.number_format = (
                "MM/YYYY" if column.key == "delivery_month_announced" else ("DD/MM/YYYY")
            )
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(len(column.header), len(column.example)) + 4
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
