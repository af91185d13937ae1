"""The two statements of the space's busiest path, written once per process (`coopqualite.rows`):
the buyer behind a session cookie, on every page of the space, and everything the home page
shows, in one `UNION ALL`.

The rules they state in SQL are the ORM's, tested side by side (tests/espace/test_statements.py):
a session is active until `expires_at` (`BuyerSession.objects.active`); the home's letters are
the published ones of the programme (`space_letters`), its documents those of the household
(`space_documents`), its surveys the invitations of the buyer not answered nor expired in a
campaign open today (`Campaign.objects.open_on`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, cast

from django.db import connection
from django.db.models import DateField, DateTimeField, Field, IntegerField, Model, TextField
from django.utils import timezone

from chantiers.models import Letter, Phase
from cooperatives.models import Buyer, Cooperative, DeliveryAnnouncement, Lot, Programme, User
from coopqualite.rows import Join, convert, converters, joined_select, quoted_column, table
from enquetes.models import Campaign, Invitation, Questionnaire
from espace.models import BuyerSession, SharedDocument


def _prepared(model, name: str, value: Any) -> Any:
    """`value` as the ORM sends it for the field `name` of `model` (an aware datetime becomes
    naive UTC on SQLite, for example)."""
    field = model._meta.get_field(name)
    return field.get_db_prep_value(value, connection, prepared=False)


# -- the session ---------------------------------------------------------------------------------


@functools.cache
def _session_statement():
    joins = (
        Join(BuyerSession, "s"),
        Join(Buyer, "b", ("s", BuyerSession, "buyer")),
        Join(Lot, "l", ("b", Buyer, "lot")),
        Join(Programme, "p", ("l", Lot, "programme")),
        Join(Cooperative, "o", ("p", Programme, "cooperative")),
        Join(User, "pi", ("p", Programme, "interlocutor"), outer=True),
        Join(User, "bi", ("b", Buyer, "interlocutor"), outer=True),
    )
    where = (
        f"{quoted_column(BuyerSession, 'key_digest', 's')} = %s "
        f"AND {quoted_column(BuyerSession, 'expires_at', 's')} > %s"
    )
    return joined_select(joins, where)


def session_buyer(key_digest: str, now: dt.datetime) -> Buyer | None:
    """The buyer of the active session whose key has this digest, with `lot`,
    `lot.programme`, its `cooperative` and `interlocutor`, and the buyer's `interlocutor`
    loaded (one statement), or None."""
    sql, readers = _session_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [key_digest, _prepared(BuyerSession, "expires_at", now)])
        row = cursor.fetchone()
    if row is None:
        return None
    _, buyer, lot, programme, cooperative, programme_interlocutor, buyer_interlocutor = (
        reader.instance(row) for reader in readers
    )
    programme.cooperative = cooperative
    programme.interlocutor = programme_interlocutor
    lot.programme = programme
    buyer.lot = lot
    buyer.interlocutor = buyer_interlocutor
    return buyer


# -- the home page -------------------------------------------------------------------------------

# The kinds of rows of the home statement, in its first column.
PHASE, LETTER, ANNOUNCEMENT, SURVEY, DOCUMENTS = range(5)


class HomeRow(NamedTuple):
    kind: int
    n1: int | None  # the row's id (documents: their count)
    n2: int | None  # a phase's position
    t1: str | None  # a phase's name, a letter's title, a survey's token
    t2: str | None  # a survey's title
    d1: dt.date | None  # a phase's planned date, an announced month, a survey's closing day
    d2: dt.date | None  # a phase's actual date, an announcement's day
    ts: dt.datetime | None  # a letter's publication


# The type of each column and a field whose database values it holds (for the converters).
_COLUMNS: tuple[tuple[str, Field, tuple[type[Model], str]], ...] = (
    ("kind", IntegerField(), (Phase, "position")),
    ("n1", IntegerField(), (Phase, "position")),
    ("n2", IntegerField(), (Phase, "position")),
    ("t1", TextField(), (Phase, "name")),
    ("t2", TextField(), (Questionnaire, "title")),
    ("d1", DateField(), (Phase, "planned_date")),
    ("d2", DateField(), (Phase, "actual_date")),
    ("ts", DateTimeField(), (Letter, "published_at")),
)


def _branch(kind: int, values: dict[str, str], rest: str) -> str:
    """One SELECT of the union: the named columns from `values`, a typed NULL for the others."""
    cells = [str(kind)]
    for name, field, _ in _COLUMNS[1:]:
        # Field.cast_db_type is missing from django-stubs.
        kind_of = field.cast_db_type(connection)  # type: ignore[attr-defined]
        cells.append(values.get(name) or f"CAST(NULL AS {kind_of})")
    return f"SELECT {', '.join(cells)} {rest}"


@functools.cache
def _home_statement() -> tuple[str, tuple[tuple[int, Any, tuple[Callable, ...]], ...]]:
    def c(model, name: str, alias: str) -> str:
        return quoted_column(model, name, alias)

    branches = [
        _branch(
            PHASE,
            {
                "n1": c(Phase, "id", "ph"),
                "n2": c(Phase, "position", "ph"),
                "t1": c(Phase, "name", "ph"),
                "d1": c(Phase, "planned_date", "ph"),
                "d2": c(Phase, "actual_date", "ph"),
            },  # fmt: skip
            f"FROM {table(Phase, 'ph')} WHERE {c(Phase, 'programme', 'ph')} = %s",
        ),
        _branch(
            LETTER,
            {
                "n1": c(Letter, "id", "le"),
                "t1": c(Letter, "title", "le"),
                "ts": c(Letter, "published_at", "le"),
            },  # fmt: skip
            f"FROM {table(Letter, 'le')} JOIN {table(Phase, 'lp')} "
            f"ON {c(Phase, 'id', 'lp')} = {c(Letter, 'phase', 'le')} "
            f"WHERE {c(Phase, 'programme', 'lp')} = %s "
            f"AND {c(Letter, 'published_at', 'le')} IS NOT NULL",
        ),
        _branch(
            ANNOUNCEMENT,
            {
                "n1": c(DeliveryAnnouncement, "id", "da"),
                "d1": c(DeliveryAnnouncement, "month", "da"),
                "d2": c(DeliveryAnnouncement, "announced_on", "da"),
            },
            f"FROM {table(DeliveryAnnouncement, 'da')} "
            f"WHERE {c(DeliveryAnnouncement, 'buyer', 'da')} = %s",
        ),
        _branch(
            SURVEY,
            {
                "n1": c(Invitation, "id", "iv"),
                "t1": c(Invitation, "token", "iv"),
                "t2": c(Questionnaire, "title", "qu"),
                "d1": c(Campaign, "closes_on", "ca"),
            },  # fmt: skip
            f"FROM {table(Invitation, 'iv')} "
            f"JOIN {table(Campaign, 'ca')} ON {c(Campaign, 'id', 'ca')} = "
            f"{c(Invitation, 'campaign', 'iv')} "
            f"JOIN {table(Questionnaire, 'qu')} ON {c(Questionnaire, 'id', 'qu')} = "
            f"{c(Campaign, 'questionnaire', 'ca')} "
            f"WHERE {c(Invitation, 'buyer', 'iv')} = %s "
            f"AND {c(Invitation, 'answered_at', 'iv')} IS NULL "
            f"AND {c(Invitation, 'expires_at', 'iv')} > %s "
            f"AND {c(Campaign, 'launched_at', 'ca')} IS NOT NULL "
            f"AND {c(Campaign, 'opens_on', 'ca')} <= %s AND {c(Campaign, 'closes_on', 'ca')} >= %s",
        ),
        _branch(
            DOCUMENTS,
            {"n1": "COUNT(*)"},
            f"FROM {table(SharedDocument, 'sd')} JOIN {table(Buyer, 'sb')} "
            f"ON {c(Buyer, 'id', 'sb')} = {c(SharedDocument, 'buyer', 'sd')} "
            f"WHERE {c(Buyer, 'lot', 'sb')} = %s",
        ),
    ]
    reading = []
    for index, (_, _, (model, name)) in enumerate(_COLUMNS):
        column, functions = converters(cast(Field, model._meta.get_field(name)), "x")
        if functions:
            reading.append((index, column, functions))
    return " UNION ALL ".join(branches), tuple(reading)


def home_rows(buyer: Buyer, now: dt.datetime) -> list[HomeRow]:
    """The rows of the home page of `buyer` (its lot and programme known), in no order."""
    sql, reading = _home_statement()
    today = _prepared(Campaign, "opens_on", timezone.localdate(now))
    programme_id = buyer.lot.programme_id
    params: Sequence[Any] = (
        programme_id, programme_id, buyer.pk,
        buyer.pk, _prepared(Invitation, "expires_at", now), today, today,
        buyer.lot_id,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if reading:
        rows = [list(row) for row in rows]
        for row in rows:
            for index, column, functions in reading:
                row[index] = convert(row[index], column, functions)
    return [HomeRow(*row) for row in rows]
