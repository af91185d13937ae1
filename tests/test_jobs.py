"""Enqueueing from a web request: a broker that hangs or is dead costs seconds, not the worker.

`enqueue` answers False instead of raising or hanging; the elapsed time is asserted with a
generous bound (a hang that stops is behaviour, not a speed target).
"""

from __future__ import annotations

import threading
import time

import pytest
import redis
from celery import shared_task

from cooperatives.tasks import ping
from coopqualite.jobs import enqueue
from tests.faults import HungServer, broker_at, closed_port

BOUND = 10  # seconds: two 2-second socket timeouts fit, a 30-second hang does not


def timed_enqueue(*args):
    started = time.monotonic()
    queued = enqueue(ping, *args)
    return queued, time.monotonic() - started


def test_enqueue_gives_up_within_seconds_when_the_broker_hangs(db):
    with HungServer() as hung, broker_at(f"redis://127.0.0.1:{hung.port}/0"):
        queued, elapsed = timed_enqueue()

        assert hung.connections >= 1
    assert queued is False
    assert elapsed < BOUND


def test_enqueue_gives_up_at_once_when_nothing_listens_at_the_broker_address(db):
    with broker_at(f"redis://127.0.0.1:{closed_port()}/0"):
        queued, elapsed = timed_enqueue()

    assert queued is False
    assert elapsed < BOUND


def test_enqueue_logs_the_task_name_when_the_broker_cannot_take_it(db, caplog):
    with broker_at(f"redis://127.0.0.1:{closed_port()}/0"):
        enqueue(ping)

    assert "cooperatives.tasks.ping not queued" in caplog.text


def test_without_a_broker_enqueue_runs_the_task_in_process(db):
    assert enqueue(ping) is True


RELEASE = threading.Event()
RAN_IN: list[str] = []


@shared_task(name="tests.test_jobs.held_task")
def held_task():
    """Waits for the test to release it, then says which thread ran it."""
    RELEASE.wait(timeout=5)
    RAN_IN.append(threading.current_thread().name)


def test_without_a_broker_the_demo_runs_the_task_beside_the_request(db, settings):
    settings.TASKS_IN_THREADS = True
    RELEASE.clear()
    RAN_IN.clear()

    assert enqueue(held_task) is True
    assert RAN_IN == []  # enqueue came back while the task was still waiting

    RELEASE.set()
    [thread] = [t for t in threading.enumerate() if t.name == "tests.test_jobs.held_task"]
    thread.join(timeout=5)
    assert RAN_IN == ["tests.test_jobs.held_task"]


@pytest.mark.integration
def test_enqueue_puts_the_task_on_the_real_broker(db, redis_url_or_skip):
    client = redis.Redis.from_url(redis_url_or_skip, socket_timeout=2)
    client.delete("celery")
    try:
        with broker_at(redis_url_or_skip):
            queued = enqueue(ping)

        assert queued is True
        assert client.llen("celery") == 1
    finally:
        client.delete("celery")
