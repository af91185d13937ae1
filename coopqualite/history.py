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
from coopqualite.pagination import paginate


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
    previous_of = [
        rows[index + 1] if index + 1 < len(rows) else record.prev_record
        for index, record in enumerate(rows)
    ]
    m2m = _m2m_rows(rows + [p for p in previous_of[-1:] if p is not None])
    for record, previous in zip(rows, previous_of, strict=True):
        record.changes = []
        if previous is None:
            continue
        model = record.instance_type
        changes = record.diff_against(previous, excluded_fields=list(m2m)).changes
        for change in changes:
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
        for name, by_history in m2m.items():
            old, new = by_history[previous.history_id], by_history[record.history_id]
            if old != new:
                label = model._meta.get_field(name).verbose_name
                record.changes.append(Change(str(label), _display(None, old, {}),
                                             _display(None, new, {})))  # fmt: skip
    names = {
        model: {obj.pk: _name(obj) for obj in model._default_manager.filter(pk__in=pks)}
        for model, pks in related.items()
    }
    for field, item in pending:
        item.old, item.new = _display(field, item.old, names), _display(field, item.new, names)
    return rows


def _m2m_rows(records: list[Any]) -> dict[str, defaultdict[int, list]]:
    """{many-to-many field: {history id: sorted related ids}} of the records, one query per
    field (simple-history's own diff asks two per record and field)."""
    if not records:
        return {}
    out = {}
    ids = [record.history_id for record in records]
    for field in getattr(records[0], "_history_m2m_fields", []):
        through = getattr(records[0], field.name).model
        target = field.m2m_reverse_field_name()
        by_history: defaultdict[int, list] = defaultdict(list)
        for history_id, pk in (
            through.objects.filter(history_id__in=ids)
            .order_by(target)
            .values_list("history_id", target)
        ):
            by_history[history_id].append(pk)
        out[field.name] = by_history
    return out


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


HISTORY_PER_PAGE = 20


def history_page(records, request, *, param: str = "historique"):
    """The page of a record's history (newest first) that the request asks for, as rows."""
    page = paginate(records, request, param=param, per_page=HISTORY_PER_PAGE)
    page.object_list = history_rows(page.object_list)
    return page
