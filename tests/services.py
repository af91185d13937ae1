"""Real services for integration tests: Redis and a Celery worker in a subprocess.

Outside CI a missing service skips the tests that need it, saying why; with CI=true it fails.
"""

import os
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
import redis
from django.db import connection

from coopqualite.celery import app as celery_app


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str):
    if in_ci():
        pytest.fail(f"{reason} (CI=true: les services sont obligatoires)")
    pytest.skip(reason)


@pytest.fixture
def redis_url_or_skip() -> str:
    url = celery_app.conf.broker_url
    if not url or not url.startswith("redis"):
        skip_or_fail("Pas de broker Redis configuré (REDIS_URL)")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis injoignable à {url}: {exc}")
    return url


def _database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"] != "django.db.backends.postgresql":
        skip_or_fail("Le worker Celery a besoin d'une base partagée (PostgreSQL, DATABASE_URL)")
    auth = quote(s["USER"] or "")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"])
    host = s["HOST"] or "127.0.0.1"
    port = s["PORT"] or "5432"
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


def worker_start() -> subprocess.Popen:
    """Start a real worker process on the real broker and the test database (the environment
    of this process at this moment); returns once it answers a ping."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": celery_app.conf.broker_url,
        "CELERY_BROKER_URL": celery_app.conf.broker_url,
        "DB_CONN_MAX_AGE": "0",
    }
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "coopqualite", "worker",
            "--pool=solo", "--concurrency=1", "--loglevel=warning",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--hostname", f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
        ],
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not celery_app.control.ping(timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            worker_stop(process)
            pytest.fail("Le worker Celery n'a pas démarré")
    return process


def worker_stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


@pytest.fixture
def celery_worker(redis_url_or_skip, transactional_db):
    """A real worker process on the real broker and the test database; tasks leave the process."""
    _database_url()  # PostgreSQL, or skip
    celery_app.control.purge()
    celery_app.conf.task_always_eager = False
    process = None
    try:
        process = worker_start()
        yield process
    finally:
        celery_app.conf.task_always_eager = True
        if process is not None:
            worker_stop(process)
