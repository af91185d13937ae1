"""Writing the journey: programmes, lots and buyers, one at a time from their pages or many from
a buyer file. Every write keeps its history (django-simple-history: who, when, before → after)
and, for buyers, the log of the delivery month's announcements (`DeliveryAnnouncement`).

The log follows the buyer's `delivery_month_announced(_on)`, its last row: a new row when both
the month and the day of the announcement change; a change of only one of them corrects the
last row (a typing mistake); clearing the month withdraws every row (it was entered by
mistake; the buyer's history still shows it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cooperatives.buyer_files import (
    BUYER_FIELDS,
    AmbiguousMatch,
    BuyerIndex,
    buyer_changes,
    lot_key,
    row_values,
)
from cooperatives.models import Buyer, DeliveryAnnouncement, Lot, Programme, User

BATCH = 500

Announced = tuple[dt.date, dt.date]  # (month, announced_on)


class StaleImport(Exception):
    """The portal changed since the file was checked (message in French): nothing written."""


def programme_save(*, programme: Programme, user: User) -> Programme:
    """Create or change a programme (the form has checked it), its history row by `user`."""
    programme._history_user = user  # type: ignore[attr-defined]
    programme.save()
    return programme


def lot_save(*, lot: Lot, user: User) -> Lot:
    lot._history_user = user  # type: ignore[attr-defined]
    lot.save()
    return lot


def _announced(buyer: Buyer) -> Announced | None:
    month, day = buyer.delivery_month_announced, buyer.delivery_month_announced_on
    return (month, day) if month is not None and day is not None else None


@transaction.atomic
def buyer_save(*, buyer: Buyer, user: User) -> Buyer:
    """Create or change a buyer from its page (the form has checked it): its history row by
    `user`, and its announcement log."""
    before = None
    if buyer.pk is not None:
        stored = Buyer.objects.select_for_update().get(pk=buyer.pk)
        before = _announced(stored)
    if buyer.delivery_month_announced is not None:
        buyer.delivery_month_announced = buyer.delivery_month_announced.replace(day=1)
    buyer._history_user = user  # type: ignore[attr-defined]
    buyer.save()
    announcements_record(
        changes=[AnnouncementChange(buyer.pk, before, _announced(buyer))], user=user
    )
    return buyer


@dataclass(frozen=True)
class AnnouncementChange:
    buyer_id: int
    before: Announced | None
    after: Announced | None


def announcements_record(*, changes: Iterable[AnnouncementChange], user: User | None) -> None:
    """Bring the announcement logs in line with the buyers' announced months (module docstring),
    in a few queries whatever the number of buyers."""
    now = timezone.now()
    appends: list[AnnouncementChange] = []
    corrections: list[AnnouncementChange] = []
    withdrawn: list[int] = []
    for change in changes:
        before, after = change.before, change.after
        if before == after:
            continue
        if after is None:
            withdrawn.append(change.buyer_id)
        elif before is None or (before[0] != after[0] and before[1] != after[1]):
            appends.append(change)
        else:
            corrections.append(change)
    if withdrawn:
        DeliveryAnnouncement.objects.filter(buyer_id__in=withdrawn).delete()
    if corrections:
        stored = {
            (row.buyer_id, row.announced_on): row
            for row in DeliveryAnnouncement.objects.filter(
                buyer_id__in=[c.buyer_id for c in corrections]
            )
        }
        corrected, clashing = [], []
        for change in corrections:
            assert change.before is not None and change.after is not None
            row = stored.get((change.buyer_id, change.before[1]))
            if row is None:  # a log that never held it: start it
                appends.append(change)
                continue
            clash = stored.get((change.buyer_id, change.after[1]))
            if clash is not None and clash.pk != row.pk:
                clashing.append(clash.pk)  # the corrected day is that of an older row
            row.month, row.announced_on = change.after
            row.recorded_by, row.recorded_at = user, now
            corrected.append(row)
        DeliveryAnnouncement.objects.filter(pk__in=clashing).delete()
        DeliveryAnnouncement.objects.bulk_update(
            corrected, ["month", "announced_on", "recorded_by", "recorded_at"], batch_size=BATCH
        )
    DeliveryAnnouncement.objects.bulk_create(
        [
            DeliveryAnnouncement(
                buyer_id=change.buyer_id,
                month=change.after[0],
                announced_on=change.after[1],
                recorded_by=user,
                recorded_at=now,
            )
            for change in appends
            if change.after is not None
        ],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["buyer", "announced_on"],
        update_fields=["month", "recorded_by", "recorded_at"],
    )


@dataclass
class UpsertResult:
    buyers: list[Buyer] = field(default_factory=list)  # the buyer of each row, in order
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    lots_created: int = 0


def buyers_upsert(*, cooperative_id: int, rows: list[dict], user: User | None) -> UpsertResult:
    """Write the rows of a checked buyer file: lots created when new, buyers added or changed as
    the rows designate them (`cooperatives.buyer_files`), in bulk (a few queries per 500 rows),
    with their history and their announcement logs. Call it inside a transaction: it raises
    StaleImport or ValidationError before writing, IntegrityError while writing."""
    values = [row_values(row) for row in rows]
    programme_ids = {v["programme_id"] for v in values}
    own = set(
        Programme.objects.for_cooperative(cooperative_id)
        .filter(pk__in=programme_ids)
        .values_list("pk", flat=True)
    )
    if programme_ids - own:
        raise StaleImport("Un programme du fichier n'existe plus : vérifiez de nouveau le fichier.")
    result = UpsertResult()
    lots = _lots_ensure(values, user, result)
    index = BuyerIndex.for_programmes(programme_ids)
    added: list[Buyer] = []
    changed: list[Buyer] = []
    changed_fields: set[str] = set()
    announcements: list[tuple[Buyer, Announced | None]] = []
    for v in values:
        try:
            buyer = index.match(v)
        except AmbiguousMatch:
            raise StaleImport(
                f"Ligne {v.get('row', '?')} : plusieurs acquéreurs de ce lot portent ce nom. "
                "Vérifiez de nouveau le fichier."
            ) from None
        if buyer is None:
            buyer = Buyer(lot=lots[(v["programme_id"], lot_key(v["lot"]))])
            for name in BUYER_FIELDS:
                setattr(buyer, name, v[name])
            added.append(buyer)
            announcements.append((buyer, None))
        elif changes := buyer_changes(buyer, v):
            announcements.append((buyer, _announced(buyer)))
            for name, (_, after) in changes.items():
                setattr(buyer, name, after)
            changed.append(buyer)
            changed_fields |= changes.keys()
        result.buyers.append(buyer)
    if added:
        bulk_create_with_history(added, Buyer, batch_size=BATCH, default_user=user)
    if changed:
        now = timezone.now()
        for buyer in changed:
            buyer.updated_at = now
        rows_update(changed, sorted(changed_fields | {"updated_at"}))
        Buyer.history.bulk_history_create(changed, update=True, default_user=user, batch_size=BATCH)
    announcements_record(
        changes=[AnnouncementChange(b.pk, before, _announced(b)) for b, before in announcements],
        user=user,
    )
    result.created, result.changed = len(added), len(changed)
    result.unchanged = len(values) - len(added) - len(changed)
    return result


def _lots_ensure(values: list[dict], user: User | None, result: UpsertResult) -> dict:
    """{(programme id, lot key): Lot} for every row, the missing lots created and the
    typologies the rows give brought up to date."""
    lots: dict[tuple[int, str], Lot] = {}
    for lot in Lot.objects.filter(programme_id__in={v["programme_id"] for v in values}):
        lots.setdefault((lot.programme_id, lot_key(lot.code)), lot)
    missing: dict[tuple[int, str], Lot] = {}
    retyped: dict[tuple[int, str], Lot] = {}
    for v in values:
        key = (v["programme_id"], lot_key(v["lot"]))
        lot = lots.get(key)
        if lot is None:
            missing.setdefault(
                key, Lot(programme_id=v["programme_id"], code=v["lot"], typology=v["typology"])
            )
        elif v["typology"] and lot.typology != v["typology"]:
            lot.typology = v["typology"]
            retyped[key] = lot
    if missing:
        bulk_create_with_history(list(missing.values()), Lot, batch_size=BATCH, default_user=user)
    if retyped:
        rows_update(list(retyped.values()), ["typology"])
        Lot.history.bulk_history_create(
            list(retyped.values()), update=True, default_user=user, batch_size=BATCH
        )
    lots |= missing
    result.lots_created = len(missing)
    return lots


def rows_update(objs: Sequence[models.Model], fields: list[str]) -> None:
    """Write `fields` of `objs` (rows of one model), 500 rows per statement. On PostgreSQL one
    `UPDATE … FROM (VALUES …)` each: Django's `bulk_update` builds a CASE per field and row,
    which takes half a minute for 5,000 buyers. Elsewhere (the SQLite demo) `bulk_update`."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, fields, batch_size=BATCH)
        return
    quote = connection.ops.quote_name
    columns = [cast(models.Field, model._meta.get_field(name)) for name in fields]
    assignments = ", ".join(
        f"{quote(f.column)} = CAST(v.{quote(f.column)} AS {f.db_type(connection)})" for f in columns
    )
    names = ", ".join(quote(f.column) for f in columns)
    pk = model._meta.pk
    for start in range(0, len(objs), BATCH):
        batch = objs[start : start + BATCH]
        placeholders = ", ".join(["(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"] * len(batch))
        params = [
            value
            for obj in batch
            for value in (
                obj.pk,
                *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns),
            )
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments} "
                f"FROM (VALUES {placeholders}) AS v(pk, {names}) "
                f"WHERE t.{quote(pk.column)} = CAST(v.pk AS {pk.db_type(connection)})",
                params,
            )
