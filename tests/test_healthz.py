"""/healthz: readiness of the database, the broker and the SMTP server, for the load balancer.

Every part is checked with its own timeout and the whole answer is bounded: a service that hangs
(accepts connections and never answers, `HungServer`) or is dead (`closed_port`) gives a JSON 503
naming the failing part within seconds. Elapsed times are asserted with a generous bound: a hang
that stops is behaviour, not a speed target.
"""

import threading
import time

import pytest
from django.db import connection, connections

from coopqualite import health
from coopqualite.celery import app as celery_app
from tests.faults import HungServer, broker_at, closed_port
from tests.services import skip_or_fail
from tests.smtp import smtp_server  # noqa: F401  (fixture)

BOUND = 5  # seconds: far above the 2.5 s deadline, far below the 30 s of a hang


@pytest.fixture
def hung():
    with HungServer() as server:
        yield server


@pytest.fixture
def tasks_leave_the_process():
    previous_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous_eager


@pytest.fixture
def database_at(monkeypatch):
    """Points the health check's new database connections at another address (PostgreSQL)."""
    if connection.vendor != "postgresql":
        skip_or_fail("Une base PostgreSQL est nécessaire (DATABASE_URL)")

    def point(port: int) -> None:
        params = {**connections.settings["default"], "HOST": "127.0.0.1", "PORT": str(port)}
        monkeypatch.setitem(connections.settings, "default", params)

    return point


def smtp_at(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False


def timed_get(client, url="/healthz"):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


# A healthy portal -----------------------------------------------------------------------------


def test_healthz_answers_ok_with_broker_and_smtp_disabled_when_tasks_run_in_process_and_mails_go_to_files(  # noqa: E501
    client, db
):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "disabled",
        "smtp": "disabled",
    }


def test_healthz_reports_a_real_smtp_server_ok(client, db, smtp_server):  # noqa: F811
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["smtp"] == "ok"
    assert smtp_server.messages == []


@pytest.mark.integration
def test_healthz_reports_the_real_broker_ok(client, db, redis_url_or_skip, tasks_leave_the_process):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "smtp": "disabled"}


def test_healthz_is_reachable_without_login(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_healthz_is_never_cached(client, db):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]


def test_healthz_refuses_a_post(client, db):
    response = client.post("/healthz")

    assert response.status_code == 405


# A broker that hangs or is dead -----------------------------------------------------------------


def test_healthz_answers_503_naming_the_broker_when_it_hangs(client, db, hung):
    with broker_at(f"redis://127.0.0.1:{hung.port}/0"):
        response, elapsed = timed_get(client)

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "broker": "error",
        "smtp": "disabled",
    }
    assert hung.connections >= 1
    assert elapsed < BOUND


def test_healthz_answers_503_naming_the_broker_when_nothing_listens(client, db):
    with broker_at(f"redis://127.0.0.1:{closed_port()}/0"):
        response, elapsed = timed_get(client)

    assert response.status_code == 503
    assert response.json()["broker"] == "error"
    assert response.json()["database"] == "ok"
    assert elapsed < BOUND


# A database that hangs or is dead ---------------------------------------------------------------


def test_healthz_answers_503_naming_the_database_when_it_hangs(client, db, hung, database_at):
    database_at(hung.port)

    response, elapsed = timed_get(client)

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "error",
        "broker": "disabled",
        "smtp": "disabled",
    }
    assert hung.connections >= 1
    assert elapsed < BOUND


def test_healthz_answers_503_naming_the_database_when_nothing_listens(client, db, database_at):
    database_at(closed_port())

    response, elapsed = timed_get(client)

    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert elapsed < BOUND


# An SMTP server that hangs or is dead -----------------------------------------------------------


def test_healthz_answers_503_naming_smtp_when_the_server_never_greets(client, db, hung, settings):
    smtp_at(settings, hung.port)

    response, elapsed = timed_get(client)

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "broker": "disabled",
        "smtp": "error",
    }
    assert hung.connections == 1
    assert elapsed < BOUND


def test_healthz_answers_503_naming_smtp_when_nothing_listens(client, db, settings):
    smtp_at(settings, closed_port())

    response, elapsed = timed_get(client)

    assert response.status_code == 503
    assert response.json()["smtp"] == "error"
    assert elapsed < BOUND


# Everything hangs at once -----------------------------------------------------------------------


def test_healthz_checks_the_parts_together_so_three_hangs_cost_one_deadline(
    client, db, settings, database_at
):
    with HungServer() as hung_database, HungServer() as hung_broker, HungServer() as hung_smtp:
        database_at(hung_database.port)
        smtp_at(settings, hung_smtp.port)
        with broker_at(f"redis://127.0.0.1:{hung_broker.port}/0"):
            response, elapsed = timed_get(client)

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "error",
        "broker": "error",
        "smtp": "error",
    }
    # One after the other, three 2-second timeouts would take 6 s.
    assert elapsed < BOUND


# The checks themselves ------------------------------------------------------------------------


def test_a_check_that_raises_is_reported_as_an_error_of_its_part():
    def broken() -> str:
        raise RuntimeError("boom")

    assert health.statuses({"broken": broken, "fine": lambda: "ok"}) == {
        "broken": "error",
        "fine": "ok",
    }


def test_a_check_still_waiting_from_the_previous_probe_is_reported_at_once_without_a_new_thread():
    release = threading.Event()
    calls = []

    def stuck() -> str:
        calls.append(1)
        release.wait(10)
        return "ok"

    try:
        first = health.statuses({"stuck": stuck}, deadline=0.1)
        second = health.statuses({"stuck": stuck}, deadline=0.1)
    finally:
        release.set()

    assert first == {"stuck": "error"}
    assert second == {"stuck": "error"}
    assert len(calls) == 1
