"""History of a record, as rows a person can read: who, when, which fields, from what to what.
Shown by templates/components/history.html.

`history_rows` takes a short, newest-first slice of one record's django-simple-history records
and costs a fixed number of queries whatever its length: each record is compared with the next
one of the slice (its predecessor), the last one with its predecessor fetched once, and the
values of foreign keys are named with one query per related model.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from coopqualite.formats import format_date


@dataclass
class Change:
    field: str
    old: object
    new: object


def history_rows(records: Iterable[Any]) -> list:
    """The records, each annotated with `changes` against the one before it."""
    rows = list(records)
    related: dict[type[models.Model], set] = defaultdict(set)
    pending = []
    for index, record in enumerate(rows):
        previous = rows[index + 1] if index + 1 < len(rows) else record.prev_record
        record.changes = []
        if previous is None:
            continue
        model = record.instance_type
        for change in record.diff_against(previous).changes:
            try:
                field = model._meta.get_field(change.field)
            except FieldDoesNotExist:
                field = None
            label = field.verbose_name if field is not None else change.field
            item = Change(str(label), change.old, change.new)
            record.changes.append(item)
            pending.append((field, item))
            if isinstance(field, models.ForeignKey):
                target = cast(type[models.Model], field.related_model)
                related[target] |= {change.old, change.new} - {None}
    names = {
        model: {obj.pk: _name(obj) for obj in model._default_manager.filter(pk__in=pks)}
        for model, pks in related.items()
    }
    for field, item in pending:
        item.old, item.new = _display(field, item.old, names), _display(field, item.new, names)
    return rows


def _name(obj: models.Model) -> str:
    full_name = getattr(obj, "get_full_name", None)
    return (full_name() if full_name else "") or str(obj)


def _display(field: Any, value: object, names: dict) -> object:
    if isinstance(value, list):  # many-to-many: the through rows
        return f"{len(value)} lié{'s' if len(value) > 1 else ''}"
    if value is None:
        return value
    if isinstance(field, models.ForeignKey):
        return names.get(field.related_model, {}).get(value, "(supprimé)")
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return format_date(value)
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    return value
