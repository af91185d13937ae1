"""The invitation behind a survey link, and what the link allows now.

The invitation is read with its campaign, the campaign's questionnaire and its cooperative in
one statement, on every request: what the admin may change on a launched campaign (its name, a
closing date brought forward) shows at the next page.

The statement is written once per process from the models' fields rather than compiled by the
ORM on each request: compiling a select over four tables costs more than running it (about a
millisecond, a third of the page; see docs/benchmarks.md). It holds SQL, not data: nothing in
it goes stale. Its rows become model instances the way the ORM makes them (database converters,
`Model.from_db`); a test compares them with the ORM's reading of the same rows.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection
from django.db.models import ForeignKey, Model
from django.utils import timezone

from cooperatives.models import Cooperative
from enquetes.models import Campaign, Invitation, Questionnaire
from enquetes.models.campaigns import TOKEN_PREFIX_LENGTH


class LinkState(enum.StrEnum):
    """What a survey link allows now."""

    OPEN = "open"  # the buyer may answer
    UNKNOWN = "unknown"
    ANSWERED = "answered"
    NOT_OPEN = "not_open"  # the campaign opens later (or is not launched)
    CLOSED = "closed"
    EXPIRED = "expired"


def link_state(invitation: Invitation | None, now: dt.datetime) -> LinkState:
    if invitation is None:
        return LinkState.UNKNOWN
    if invitation.answered_at:
        return LinkState.ANSWERED
    status = invitation.campaign.status(timezone.localdate(now))
    if status == Campaign.Status.CLOSED:
        return LinkState.CLOSED
    if status != Campaign.Status.OPEN:
        return LinkState.NOT_OPEN
    if invitation.is_expired(now):
        return LinkState.EXPIRED
    return LinkState.OPEN


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation whose token is `token`, with `campaign`, `campaign.questionnaire` and
    `campaign.cooperative` loaded (one query), or None.

    The indexed prefix finds the candidate rows; the full secret is compared with
    hmac.compare_digest so that response times reveal nothing about it.
    """
    if not token or not TOKEN_PREFIX_LENGTH < len(token) <= 64:
        return None
    sql, readers = _lookup()
    with connection.cursor() as cursor:
        cursor.execute(sql, [token[:TOKEN_PREFIX_LENGTH]])
        rows = cursor.fetchall()
    for row in rows:
        invitation, campaign, questionnaire, cooperative = (r.instance(row) for r in readers)
        if hmac.compare_digest(invitation.token.encode(), token.encode()):
            campaign.questionnaire = questionnaire
            campaign.cooperative = cooperative
            invitation.campaign = campaign
            return invitation
    return None


@dataclass(frozen=True)
class _Reader:
    """Reads one model's columns of a row into an instance, as the ORM does."""

    model: type[Model]
    start: int
    attnames: tuple[str, ...]
    converters: tuple[tuple[int, object, tuple[Callable, ...]], ...]  # (index, column, funcs)

    def instance(self, row: tuple) -> Any:  # an instance of self.model
        values = list(row[self.start : self.start + len(self.attnames)])
        for index, column, functions in self.converters:
            for function in functions:
                values[index] = function(values[index], column, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


# (model, alias, the alias and foreign key that reach it)
_JOINED = (
    (Invitation, "i", None),
    (Campaign, "c", ("i", Invitation, "campaign")),
    (Questionnaire, "q", ("c", Campaign, "questionnaire")),
    (Cooperative, "o", ("c", Campaign, "cooperative")),
)


@functools.cache
def _lookup() -> tuple[str, tuple[_Reader, ...]]:
    """The lookup's SQL and the readers of its rows (built once per process)."""
    quote = connection.ops.quote_name
    columns: list[str] = []
    tables: list[str] = []
    readers: list[_Reader] = []
    for model, alias, via in _JOINED:
        meta = model._meta
        fields = meta.concrete_fields
        converters = []
        for index, field in enumerate(fields):
            column = field.get_col(alias)
            # Field.get_db_converters is missing from django-stubs.
            own = field.get_db_converters(connection)  # type: ignore[attr-defined]
            functions = connection.ops.get_db_converters(column) + own
            if functions:
                converters.append((index, column, tuple(functions)))
        readers.append(
            _Reader(model, len(columns), tuple(f.attname for f in fields), tuple(converters))
        )
        columns += [f"{alias}.{quote(f.column)}" for f in fields]
        if via is None:
            tables.append(f"{quote(meta.db_table)} {alias}")
        else:
            source, source_model, name = via
            foreign_key = quote(cast(ForeignKey, source_model._meta.get_field(name)).column)
            tables.append(
                f"JOIN {quote(meta.db_table)} {alias} "
                f"ON {alias}.{quote(meta.pk.column)} = {source}.{foreign_key}"
            )
    prefix = quote(Invitation._meta.get_field("token_prefix").column)
    sql = f"SELECT {', '.join(columns)} FROM {' '.join(tables)} WHERE i.{prefix} = %s"
    return sql, tuple(readers)
