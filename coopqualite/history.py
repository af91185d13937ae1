"""History of a record, as rows a person can read: who, when, which fields, from what to what."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Change:
    field: str
    old: object
    new: object


def history_rows(records) -> list:
    """Annotate django-simple-history records with their changes against the previous one.

    `records` is a short, newest-first slice; each record costs one query for its predecessor.
    """
    rows = list(records)
    for record in rows:
        previous = record.prev_record
        record.changes = []
        if previous is None:
            continue
        model = record.instance_type
        for change in record.diff_against(previous).changes:
            try:
                label = model._meta.get_field(change.field).verbose_name
            except Exception:
                label = change.field
            record.changes.append(Change(str(label), _display(change.old), _display(change.new)))
    return rows


def _display(value) -> object:
    if isinstance(value, list):  # many-to-many: the through rows
        return f"{len(value)} lié{'s' if len(value) > 1 else ''}"
    return value
