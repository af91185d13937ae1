"""/healthz: liveness and readiness of the database and the broker, for the load balancer."""

import pytest

from coopqualite.celery import app as celery_app

UNREACHABLE_BROKER_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def unreachable_broker():
    """A broker is configured (tasks leave the process) but nothing listens at its address."""
    previous_url = celery_app.conf.broker_url
    previous_eager = celery_app.conf.task_always_eager
    celery_app.conf.broker_url = UNREACHABLE_BROKER_URL
    celery_app.conf.task_always_eager = False
    try:
        yield UNREACHABLE_BROKER_URL
    finally:
        celery_app.conf.broker_url = previous_url
        celery_app.conf.task_always_eager = previous_eager


@pytest.fixture
def tasks_leave_the_process():
    previous_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous_eager


def test_healthz_answers_ok_with_the_broker_disabled_when_tasks_run_in_process(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "disabled"}


def test_healthz_answers_503_when_the_configured_broker_is_unreachable(
    client, db, unreachable_broker
):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "error"}


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


@pytest.mark.integration
def test_healthz_reports_the_real_broker_ok(client, db, redis_url_or_skip, tasks_leave_the_process):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
