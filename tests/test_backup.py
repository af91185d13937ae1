"""The backup of docs/operations.md works: a pg_dump restored into a fresh database holds the data.

The same commands as the procedure (`pg_dump -Fc`, `pg_restore --no-owner --exit-on-error`),
run with the PostgreSQL client tools of the machine against the test database. The scratch
database is dropped whatever happens.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from cooperatives.models import Buyer, Cooperative
from tests import factories
from tests.services import skip_or_fail


@pytest.fixture
def postgresql_clients():
    if connection.vendor != "postgresql":
        skip_or_fail("La sauvegarde se fait avec pg_dump : il faut une base PostgreSQL")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            skip_or_fail(f"{tool} introuvable (paquet postgresql-client)")


def client_arguments(database: str) -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    arguments = ["--host", s["HOST"] or "127.0.0.1", "--port", str(s["PORT"] or 5432)]
    arguments += ["--username", s["USER"] or "postgres", "--dbname", database]
    return arguments, {**os.environ, "PGPASSWORD": s["PASSWORD"] or ""}


def server(database: str = "postgres") -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"] or "postgres",
        password=s["PASSWORD"] or None,
        dbname=database,
        autocommit=True,
        connect_timeout=5,
    )


@pytest.fixture
def scratch_database():
    name = f"coopqualite_restore_{uuid.uuid4().hex[:12]}"
    with server() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with server() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_dump_restored_into_a_fresh_database_holds_the_cooperatives_and_their_buyers(
    postgresql_clients, scratch_database, tmp_path
):
    coop = factories.CooperativeFactory(name="Coopérative sauvegardée", slug="sauvegardee")
    factories.BuyerFactory(
        lot=factories.LotFactory(programme=factories.ProgrammeFactory(cooperative=coop)),
        last_name="Restauré",
    )
    factories.CooperativeFactory()
    dump = tmp_path / "coopqualite.dump"

    arguments, env = client_arguments(connection.settings_dict["NAME"])
    subprocess.run(["pg_dump", "-Fc", "--file", str(dump), *arguments], env=env, check=True)
    arguments, env = client_arguments(scratch_database)
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", *arguments, str(dump)], env=env, check=True
    )

    with server(scratch_database) as restored:
        cooperatives = restored.execute(
            f"SELECT name FROM {Cooperative._meta.db_table} ORDER BY name"
        ).fetchall()
        buyers = restored.execute(f"SELECT last_name FROM {Buyer._meta.db_table}").fetchall()
        migrations = restored.execute("SELECT count(*) FROM django_migrations").fetchone()
    assert len(cooperatives) == 2
    assert ("Coopérative sauvegardée",) in cooperatives
    assert buyers == [("Restauré",)]
    assert migrations[0] > 0
