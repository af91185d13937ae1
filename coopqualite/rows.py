"""Statements written once per process from the models' fields, their rows read as the ORM reads
them (database converters, `Model.from_db`).

For the busiest pages only: compiling a `select_related` over several tables costs more CPU
than running it (docs/benchmarks.md). A statement built here holds SQL, not data: nothing in it
goes stale. Each use has a test comparing its instances or values with the ORM's reading of
the same rows. `enquetes.answering.tokens` does the same for the survey link.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection
from django.db.models import Field, ForeignKey, Model


def converters(field: Field, alias: str) -> tuple[Any, tuple[Callable, ...]]:
    """The column of `field` under `alias` and what the ORM applies to a value of it read from
    the database (the backend's converters, then the field's own): none for most fields on
    PostgreSQL. Apply with `convert`."""
    column = field.get_col(alias)
    # Field.get_db_converters is missing from django-stubs.
    own = field.get_db_converters(connection)  # type: ignore[attr-defined]
    return column, tuple(connection.ops.get_db_converters(column) + own)


def convert(value: Any, column: Any, functions: tuple[Callable, ...]) -> Any:
    for function in functions:
        value = function(value, column, connection)
    return value


@dataclass(frozen=True)
class Reader:
    """Reads one model's columns of a row into an instance; None for the columns of an outer
    join that found nothing (a null primary key)."""

    model: type[Model]
    start: int
    attnames: tuple[str, ...]
    pk_index: int
    converters: tuple[tuple[int, object, tuple[Callable, ...]], ...]  # (index, column, funcs)

    def instance(self, row: Sequence) -> Any:  # an instance of self.model, or None
        values = list(row[self.start : self.start + len(self.attnames)])
        if values[self.pk_index] is None:
            return None
        for index, column, functions in self.converters:
            values[index] = convert(values[index], column, functions)
        return self.model.from_db(connection.alias, self.attnames, values)


@dataclass(frozen=True)
class Join:
    """A table of a joined select: `model` as `alias`, reached from the alias `source` through
    its foreign key `name` (None for the first table); `outer` for a nullable key."""

    model: type[Model]
    alias: str
    source: tuple[str, type[Model], str] | None = None  # (alias, model, foreign key name)
    outer: bool = False


def joined_select(joins: Sequence[Join], where: str) -> tuple[str, tuple[Reader, ...]]:
    """`SELECT` every concrete column of each joined model `FROM` them `WHERE` `where` (written
    with the aliases), and a reader per model, in the order of `joins`."""
    quote = connection.ops.quote_name
    columns: list[str] = []
    tables: list[str] = []
    readers: list[Reader] = []
    for join in joins:
        meta = join.model._meta
        fields = meta.concrete_fields
        found = []
        for index, field in enumerate(fields):
            column, functions = converters(field, join.alias)
            if functions:
                found.append((index, column, functions))
        pk_index = [f.attname for f in fields].index(meta.pk.attname)
        attnames = tuple(f.attname for f in fields)
        readers.append(Reader(join.model, len(columns), attnames, pk_index, tuple(found)))
        columns += [f"{join.alias}.{quote(f.column)}" for f in fields]
        table = f"{quote(meta.db_table)} {join.alias}"
        if join.source is None:
            tables.append(table)
            continue
        source, source_model, name = join.source
        foreign_key = quote(cast(ForeignKey, source_model._meta.get_field(name)).column)
        kind = "LEFT JOIN" if join.outer else "JOIN"
        tables.append(
            f"{kind} {table} ON {join.alias}.{quote(meta.pk.column)} = {source}.{foreign_key}"
        )
    sql = f"SELECT {', '.join(columns)} FROM {' '.join(tables)} WHERE {where}"
    return sql, tuple(readers)


def quoted_column(model: type[Model], name: str, alias: str) -> str:
    """`alias."column"` of the field `name` of `model`, quoted for the database."""
    field = model._meta.get_field(name)
    return f"{alias}.{connection.ops.quote_name(cast(Field, field).column)}"


def table(model: type[Model], alias: str) -> str:
    return f"{connection.ops.quote_name(model._meta.db_table)} {alias}"
