"""Take-out: everything of one cooperative in one zip file, and nothing of another.

The export walks every model of our apps, so that a new model cannot be forgotten:

- a model with `cooperative_path` is read with `for_cooperative` (the tenancy vocabulary);
- a model without one has a path in `PATHS`, is reference data shared by every cooperative
  (`SHARED`, exported whole), or is left out with its reason (`EXCLUDED`);
- the history of a model (django-simple-history) follows its model's path, and also the history
  of its parents, so that the history of a deleted row is not lost; a many-to-many table follows
  the model that declares it.

A model that fits none of these stops the export (`unclassified_models`, checked by a test too).
Columns that are secrets or would break a promise are never written (`EXCLUDED_COLUMNS`): password
hashes, survey tokens, and answers in progress (in an anonymous campaign they are tied to a person
until submission; submitted responses of an anonymous campaign have no link to anyone, and are
written as they are stored).

The zip holds one CSV per table (`tables/<app>.<model>.csv`: UTF-8 with a byte-order mark,
`;`-separated, cells safe from formulas, a header of column names), the files of the private
storage the rows point to (`fichiers/<app>.<model>/<id>-<name>`: evidence, built reports), their
index (`fichiers.csv`), and a description of everything (`LISEZMOI.txt`, `manifest.json`). Rows
are streamed from the database in chunks and files copied in blocks, straight into the zip
written to a temporary file next to the output, renamed into place at the end: memory does not
grow with the size of the cooperative, and a failed export leaves no half-written file. On
PostgreSQL every table is read from the same snapshot (one repeatable-read transaction).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename
from simple_history.models import HistoricalChanges

from cooperatives.models import Cooperative
from coopqualite.spreadsheets import CSV_DELIMITER, CSV_ENCODING, csv_value

if TYPE_CHECKING:
    from _csv import _writer

OUR_APPS = ("cooperatives", "engagements", "enquetes", "sav", "rapports", "rgpd")

# Models without `cooperative_path`: the lookup from the model to its cooperative.
PATHS = {
    "cooperatives.Cooperative": "pk",
    "cooperatives.Federation": "cooperatives",  # its own federation: a name and a slug
    "enquetes.Choice": "question__questionnaire__cooperative",
    "enquetes.Answer": "response__campaign__cooperative",
    "enquetes.CampaignTally": "campaign__cooperative",
}

# Reference data common to every cooperative, exported whole so that the export reads alone.
SHARED = {
    "engagements.Principle": "Les sept principes coopératifs, communs à toutes les coopératives.",
}

# Models never exported, with the reason (French: it is written into the zip).
EXCLUDED = {
    "cooperatives.User_groups": "Groupes Django, inutilisés : le rôle est porté par l'utilisateur.",
    "cooperatives.User_user_permissions": (
        "Permissions Django, inutilisées : le rôle est porté par l'utilisateur."
    ),
}

# Columns never exported, with the reason.
_TOKEN = "Lien personnel d'enquête : qui le détient peut répondre à la place de la personne."
EXCLUDED_COLUMNS = {
    "cooperatives.User": {"password": "Empreinte du mot de passe : un secret."},
    "enquetes.Invitation": {
        "token": _TOKEN,
        "token_prefix": _TOKEN,
        "draft": (
            "Réponses en cours, pas encore envoyées : dans une enquête anonyme elles sont "
            "encore liées à une personne."
        ),
    },
    "enquetes.SealedResponse": {
        "sealed_at": (
            "Heure d'envoi d'une réponse anonyme pas encore versée aux résultats : elle la "
            "relierait à l'invitation."
        ),
    },
}

CHUNK_ROWS = 250
COPY_BLOCK = 1024 * 1024
FILE_INDEX = "fichiers.csv"


@dataclass(frozen=True)
class Table:
    model: type[models.Model]
    rows: QuerySet
    description: str

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def filename(self) -> str:
        return f"tables/{self.model._meta.label_lower}.csv"

    @property
    def excluded_columns(self) -> dict[str, str]:
        return EXCLUDED_COLUMNS.get(self.label, {})

    @property
    def columns(self) -> list[str]:
        excluded = self.excluded_columns
        return [f.attname for f in self.model._meta.concrete_fields if f.attname not in excluded]


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    tables: int
    rows: int
    files: int
    missing_files: int


# Which rows of each model -------------------------------------------------------------------


def our_models() -> list[type[models.Model]]:
    return [
        model
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    ]


def unclassified_models(
    paths: dict[str, str] = PATHS,
    shared: dict[str, str] = SHARED,
    excluded: dict[str, str] = EXCLUDED,
) -> list[str]:
    """Models of our apps the export does not know what to do with: each needs a rule."""
    probe = Cooperative(pk=0)
    return [
        model._meta.label
        for model in our_models()
        if model._meta.label not in excluded and _rows(model, probe, paths, shared) is None
    ]


def export_tables(cooperative: Cooperative) -> list[Table]:
    unknown = unclassified_models()
    if unknown:
        raise ImproperlyConfigured(
            "No export rule for " + ", ".join(unknown) + ": add it to coopqualite/takeout.py "
            "(PATHS, SHARED or EXCLUDED with a reason)."
        )
    tables = []
    for model in our_models():
        if model._meta.label in EXCLUDED:
            continue
        rows = _rows(model, cooperative, PATHS, SHARED)
        assert rows is not None  # every model is classified (checked above)
        tables.append(Table(model, rows, _description(model)))
    return tables


def _rows(model, cooperative, paths, shared) -> QuerySet | None:
    label = model._meta.label
    if label in shared:
        return model._base_manager.all()
    if label in paths:
        return model._base_manager.filter(**{paths[label]: cooperative.pk})
    if hasattr(model, "cooperative_path"):
        return model.objects.for_cooperative(cooperative)
    if _is_history(model):
        return _history_rows(model, cooperative, paths, shared)
    if model._meta.auto_created:  # a many-to-many table: the rows of the declaring model's
        owner = model._meta.auto_created
        owner_rows = _rows(owner, cooperative, paths, shared)
        if owner_rows is None:
            return None
        link = next(f for f in model._meta.concrete_fields if f.related_model is owner)
        return model._base_manager.filter(**{f"{link.name}__in": owner_rows.values("pk")})
    return None


def _is_history(model) -> bool:
    return issubclass(model, HistoricalChanges)


def _history_model(model):
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, attribute).model if attribute else None


def _history_rows(history, cooperative, paths, shared) -> QuerySet | None:
    instance = history.instance_type
    if instance._meta.auto_created:  # history of a many-to-many table: its owner's history
        owner_history = history._meta.get_field("history").related_model
        owner_rows = _rows(owner_history, cooperative, paths, shared)
        if owner_rows is None:
            return None
        return history._base_manager.filter(history__in=owner_rows.values("pk"))
    condition = _history_condition(instance, cooperative, paths)
    return None if condition is None else history._base_manager.filter(condition)


def _history_condition(instance, cooperative, paths) -> Q | None:
    """Historical rows whose row, or whose parent's history, leads to the cooperative.

    Subqueries, not joins: a historical row may point to a row deleted since, and Django would
    join a non-null foreign key with an INNER JOIN that drops it."""
    path = paths.get(instance._meta.label) or getattr(instance, "cooperative_path", None)
    if path is None:
        return None
    first, _, rest = path.partition("__")
    if not rest:
        return Q(**{path: cooperative.pk})
    parent = instance._meta.get_field(first).related_model
    live = parent._base_manager.filter(**{rest: cooperative.pk}).values("pk")
    condition = Q(**{f"{first}__in": live})
    parent_history = _history_model(parent)
    parent_condition = _history_condition(parent, cooperative, paths)
    if parent_history is not None and parent_condition is not None:
        ids = parent_history._base_manager.filter(parent_condition).values("id")
        condition |= Q(**{f"{first}__in": ids})
    return condition


def _description(model) -> str:
    if _is_history(model):
        return f"Historique des modifications : {_description(model.instance_type)}"
    if model._meta.auto_created:
        owner = model._meta.auto_created
        others = [
            f.related_model
            for f in model._meta.concrete_fields
            if f.related_model not in (None, owner)
        ]
        target = others[0]._meta.verbose_name_plural if others else ""
        return f"Liens entre {owner._meta.verbose_name_plural} et {target}"
    text = str(model._meta.verbose_name_plural).capitalize()
    shared = SHARED.get(model._meta.label)
    return f"{text} — {shared}" if shared else text


# Writing the zip --------------------------------------------------------------------------------


def cooperative_export(
    *, cooperative: Cooperative, output: Path, now: dt.datetime | None = None
) -> ExportSummary:
    """Write the zip of everything of `cooperative` to `output` (replaced if it exists)."""
    now = now or timezone.now()
    tables = export_tables(cooperative)
    output = Path(output)
    handle, temporary = tempfile.mkstemp(
        dir=output.parent, prefix=f".{output.name}.", suffix=".part"
    )
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            with _snapshot():
                counts = {table.label: _write_table(archive, table) for table in tables}
                files, missing = _write_files(archive, tables)
            _write_descriptions(archive, cooperative, now, tables, counts, files, missing)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return ExportSummary(output, len(tables), sum(counts.values()), files, missing)


@contextmanager
def _snapshot():
    """One repeatable-read, read-only transaction on PostgreSQL: every table at the same instant."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _csv_entry(archive: zipfile.ZipFile, name: str) -> io.TextIOWrapper:
    raw = archive.open(name, "w", force_zip64=True)
    return io.TextIOWrapper(raw, encoding=CSV_ENCODING, newline="")


def _csv_writer(text: io.TextIOWrapper) -> _writer:
    return csv.writer(text, delimiter=CSV_DELIMITER)


def _write_table(archive: zipfile.ZipFile, table: Table) -> int:
    columns = table.columns
    order = [f.attname for f in table.model._meta.pk_fields]
    rows = table.rows.order_by(*order).values_list(*columns).iterator(chunk_size=CHUNK_ROWS)
    count = 0
    with _csv_entry(archive, table.filename) as text:
        writer = _csv_writer(text)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_value(value) for value in row])
            count += 1
    return count


def _stored_files(table: Table) -> Iterator[tuple[models.FileField, int, str, str]]:
    """(field, row id, stored name, display name) of every file a row of the table points to."""
    if _is_history(table.model):  # older versions: their names are in the CSV, not the files
        return
    has_original_name = any(f.name == "original_name" for f in table.model._meta.fields)
    for field in table.model._meta.concrete_fields:
        if not isinstance(field, models.FileField):
            continue
        extra = ["original_name"] if has_original_name else []
        rows = (
            table.rows.exclude(**{field.attname: ""})
            .order_by("pk")
            .values_list("pk", field.attname, *extra)
            .iterator(chunk_size=CHUNK_ROWS)
        )
        for pk, stored, *original in rows:
            display = (original[0] if original else "") or PurePosixPath(stored).name
            yield field, pk, stored, display


def _write_files(archive: zipfile.ZipFile, tables: list[Table]) -> tuple[int, int]:
    """Copy each file into the zip; its index is kept aside (one zip entry is written at a
    time) and added at the end."""
    written = missing = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
        index = _csv_writer(spool)
        index.writerow(["table", "id", "colonne", "fichier", "nom_enregistre", "octets", "etat"])
        for table in tables:
            for field, pk, stored, display in _stored_files(table):
                name = f"fichiers/{table.model._meta.label_lower}/{pk}-{_safe_name(display)}"
                try:
                    source = field.storage.open(stored, "rb")
                except FileNotFoundError:
                    index.writerow([table.label, pk, field.name, "", stored, "", "absent"])
                    missing += 1
                    continue
                with source, archive.open(name, "w", force_zip64=True) as target:
                    shutil.copyfileobj(source, target, COPY_BLOCK)
                size = archive.getinfo(name).file_size
                index.writerow([table.label, pk, field.name, name, stored, size, "présent"])
                written += 1
        spool.seek(0)
        with _csv_entry(archive, FILE_INDEX) as text:
            shutil.copyfileobj(spool, text, COPY_BLOCK)
    return written, missing


def _safe_name(name: str) -> str:
    """A file name without directories or odd characters (it comes from the user's upload)."""
    return get_valid_filename(PurePosixPath(name.replace("\\", "/")).name) or "fichier"


def _write_descriptions(archive, cooperative, now, tables, counts, files, missing) -> None:
    exported_at = timezone.localtime(now).isoformat(timespec="seconds")
    manifest = {
        "cooperative": {"id": cooperative.pk, "slug": cooperative.slug, "name": cooperative.name},
        "exported_at": exported_at,
        "csv": {"encoding": "UTF-8 (BOM)", "delimiter": CSV_DELIMITER},
        "tables": [
            {
                "file": table.filename,
                "model": table.label,
                "description": table.description,
                "rows": counts[table.label],
                "columns": table.columns,
                "excluded_columns": table.excluded_columns,
            }
            for table in tables
        ],
        "excluded_models": EXCLUDED,
        "files": {"index": FILE_INDEX, "written": files, "missing": missing},
    }
    archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    archive.writestr(
        "LISEZMOI.txt", _readme(cooperative, exported_at, tables, counts, files, missing)
    )


def _readme(cooperative, exported_at, tables, counts, files, missing) -> str:
    lines = [
        f"Export des données de la coopérative « {cooperative.name} » ({cooperative.slug})",
        f"Exporté le {exported_at}",
        "",
        "Contenu",
        "-------",
        "tables/       une table par fichier CSV : UTF-8 avec BOM, séparateur « ; », une ligne "
        "d'en-tête (noms des colonnes).",
        "              Nombres décimaux avec une virgule, dates au format AAAA-MM-JJ, dates et "
        "heures ISO 8601 (heure de Paris),",
        "              oui/non, données structurées en JSON. Une cellule qui commencerait par "
        "= + - @ est précédée d'une apostrophe.",
        "              Les colonnes *_id renvoient à la colonne id (ou history_id) d'une autre "
        "table.",
        f"fichiers/     les fichiers des preuves et des rapports construits ({files} fichiers"
        + (f", {missing} absents du stockage" if missing else "")
        + ").",
        f"{FILE_INDEX}  l'index des fichiers : table, ligne, nom dans l'archive, taille.",
        "manifest.json la même description, lisible par un programme.",
        "",
        "Tables",
        "------",
    ]
    for table in tables:
        lines.append(f"{table.filename} ({counts[table.label]} lignes) : {table.description}")
        for column, reason in table.excluded_columns.items():
            lines.append(f"    colonne « {column} » non exportée : {reason}")
    lines += ["", "Non exporté", "-----------"]
    lines += [f"{label} : {reason}" for label, reason in EXCLUDED.items()]
    lines += [
        "Les réponses d'une enquête anonyme n'ont aucun lien avec une personne : elles sont "
        "exportées telles quelles.",
        "",
    ]
    return "\n".join(lines)
