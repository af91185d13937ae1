"""Every network wait of the portal is bounded: database, broker, SMTP, gunicorn workers.

The settings are read here as a fresh process would read them from its environment (the module is
run again with `runpy`, Django's own settings are untouched).
"""

from __future__ import annotations

import copy
import runpy
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.db.utils import load_backend

from tests.services import skip_or_fail

ROOT = Path(__file__).resolve().parents[1]
READ_BY_SETTINGS = [
    "DATABASE_URL",
    "DB_CONNECT_TIMEOUT",
    "DB_STATEMENT_TIMEOUT_MS",
    "EMAIL_HOST",
    "EMAIL_TIMEOUT",
    "REDIS_URL",
    "REDIS_TIMEOUT",
    "WEB_CONCURRENCY",
    "GUNICORN_TIMEOUT",
    "GUNICORN_GRACEFUL_TIMEOUT",
]


@pytest.fixture
def environment(monkeypatch):
    """A clean environment for the variables under test; returns a setter."""
    for name in READ_BY_SETTINGS:
        monkeypatch.delenv(name, raising=False)

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


def read_settings() -> dict:
    return runpy.run_path(str(ROOT / "coopqualite" / "settings.py"))


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        skip_or_fail("Une base PostgreSQL est nécessaire (DATABASE_URL)")


# Database ---------------------------------------------------------------------------------------


def test_postgresql_connections_give_up_after_5_seconds_and_statements_after_30(environment):
    environment(DATABASE_URL="postgres://coopqualite:secret@db:5432/coopqualite")

    options = read_settings()["DATABASES"]["default"]["OPTIONS"]

    assert options["connect_timeout"] == 5
    assert options["options"] == "-c statement_timeout=30000"


def test_the_worker_sets_its_own_statement_timeout_through_the_environment(environment):
    environment(
        DATABASE_URL="postgres://coopqualite:secret@db:5432/coopqualite",
        DB_STATEMENT_TIMEOUT_MS="900000",
        DB_CONNECT_TIMEOUT="3",
    )

    options = read_settings()["DATABASES"]["default"]["OPTIONS"]

    assert options["options"] == "-c statement_timeout=900000"
    assert options["connect_timeout"] == 3


def test_options_given_in_the_database_url_are_kept_next_to_the_statement_timeout(environment):
    environment(
        DATABASE_URL="postgres://coopqualite:secret@db:5432/coopqualite?sslmode=require"
        "&options=-c%20search_path%3Dportal"
    )

    options = read_settings()["DATABASES"]["default"]["OPTIONS"]

    assert options["sslmode"] == "require"
    assert options["options"] == "-c search_path=portal -c statement_timeout=30000"


def test_the_web_connection_of_the_test_run_carries_the_30_second_statement_timeout(db, postgresql):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (value,) = cursor.fetchone()

    assert value == "30s"


def test_postgresql_cancels_a_statement_slower_than_the_statement_timeout(db, postgresql):
    params = copy.deepcopy(connection.settings_dict)
    params["OPTIONS"]["options"] = "-c statement_timeout=100"
    own = load_backend(params["ENGINE"]).DatabaseWrapper(params, "statement-timeout")
    try:
        with own.cursor() as cursor, pytest.raises(OperationalError) as cancelled:
            cursor.execute("SELECT pg_sleep(5)")
    finally:
        own.close()

    assert "statement timeout" in str(cancelled.value)


# Broker ----------------------------------------------------------------------------------------


def test_broker_and_result_store_connections_time_out_after_2_seconds(environment):
    environment(REDIS_URL="redis://redis:6379/0")

    values = read_settings()

    for options in (
        values["CELERY_BROKER_TRANSPORT_OPTIONS"],
        values["CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS"],
    ):
        assert options["socket_timeout"] == 2
        assert options["socket_connect_timeout"] == 2
    assert values["CELERY_REDIS_SOCKET_TIMEOUT"] == 2
    assert values["CELERY_REDIS_SOCKET_CONNECT_TIMEOUT"] == 2
    assert values["CELERY_BROKER_CONNECTION_TIMEOUT"] == 2
    assert values["CELERY_TASK_PUBLISH_RETRY_POLICY"]["max_retries"] == 1


# SMTP ------------------------------------------------------------------------------------------


def test_an_smtp_timeout_of_20_seconds_is_set_with_an_smtp_server(environment):
    environment(EMAIL_HOST="smtp.example.org")

    values = read_settings()

    assert values["EMAIL_BACKEND"] == "coopqualite.outbox.smtp.EmailBackend"
    assert values["EMAIL_TIMEOUT"] == 20


def test_an_smtp_timeout_is_set_even_when_mails_go_to_files(environment):
    values = read_settings()

    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["EMAIL_TIMEOUT"] == 20


# gunicorn --------------------------------------------------------------------------------------


def test_gunicorn_kills_a_silent_worker_after_60_seconds_and_gives_30_to_finish_on_restart(
    environment,
):
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    assert config["timeout"] == 60
    assert config["graceful_timeout"] == 30
    assert config["workers"] == 3


def test_gunicorn_runs_web_concurrency_workers(environment):
    environment(WEB_CONCURRENCY="5")

    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    assert config["workers"] == 5


def test_the_web_statement_timeout_ends_a_query_before_gunicorn_kills_its_worker(environment):
    environment(DATABASE_URL="postgres://coopqualite:secret@db:5432/coopqualite")

    statement_timeout_s = read_settings()["DB_STATEMENT_TIMEOUT_MS"] / 1000
    gunicorn_timeout_s = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["timeout"]

    assert statement_timeout_s < gunicorn_timeout_s
