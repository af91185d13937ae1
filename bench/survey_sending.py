"""Benchmark: sending 10,000 reminders through a real Celery worker to a real SMTP server.

Loads (again at every run) an open campaign of 10,000 invitations with an e-mail address whose
invitations (message number 0) were sent 15 days ago, with reminder_days=[7]: the dispatch plans
10,000 reminders. Starts on 127.0.0.1 an aiosmtpd server (own process) that counts the messages
of each recipient, and a Celery worker (`celery -A coopqualite worker --concurrency 4 --pool
prefork`, docker-compose.yml's default) on a Redis database of its own (purged first). Then
runs in this process, with the same settings (no eager mode),
`enquetes.services.dispatch.surveys_dispatch` (plan + enqueue), every batch being enqueued
twice (a duplicated delivery of each task), and times from the first enqueue until the SMTP
server has received the 10,000 messages, then waits for the queue to drain and checks that
nobody received a message twice.

    .venv/bin/python bench/survey_sending.py [--invitations 10000] [--redis-db 13] [--smoke]

Database: DATABASE_URL's name + "_bench_sending" (see bench/common.py), created if missing,
emptied and loaded again at each run. --smoke: 40 invitations. The worker and the SMTP
server are stopped at the end.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import logging
import multiprocessing
import os
import sys
import threading
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ROOT,
    bench_env,
    free_port,
    machine,
    process_tree_cpu,
    reset_tenants,
    satisfaction_questionnaire,
    setup_django,
    smoke_argument,
    stop,
)

SLUG = "bench-sending"
TARGET_RATE = 400
WAIT_LIMIT = 180  # seconds for the worker to send everything


# SMTP server (own process) ------------------------------------------------------------------
def smtp_serve(port: int, total, last, ready, control) -> None:
    """aiosmtpd on 127.0.0.1:port counting messages per recipient; answers "dump" on `control`
    with {recipient: count}, stops on "stop"."""
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    counts: collections.Counter = collections.Counter()
    lock = threading.Lock()

    class Counting:
        async def handle_DATA(self, server, session, envelope):
            with lock:
                counts.update(envelope.rcpt_tos)
            with total.get_lock():
                total.value += 1
                last.value = time.time()
            return "250 Message accepted for delivery"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        while True:
            command = control.recv()
            if command == "dump":
                with lock:
                    control.send(dict(counts))
            elif command == "stop":
                return
    finally:
        controller.stop()


class SMTPServer:
    def __init__(self):
        context = multiprocessing.get_context("spawn")
        self.port = free_port()
        self.total = context.Value("l", 0)
        self.last = context.Value("d", 0.0)  # time.time() of the last message received
        ready = context.Event()
        self.control, child = context.Pipe()
        self.process = context.Process(
            target=smtp_serve, args=(self.port, self.total, self.last, ready, child), daemon=True
        )
        self.process.start()
        if not ready.wait(20):
            raise RuntimeError("the SMTP server did not start")

    @property
    def received(self) -> int:
        return self.total.value

    def counts(self) -> dict[str, int]:
        self.control.send("dump")
        return self.control.recv()

    def stop(self) -> None:
        if self.process.is_alive():
            self.control.send("stop")
            self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)


# Data --------------------------------------------------------------------------------------
def load_data(invitations: int) -> int:
    """An open campaign whose invitations went out 15 days ago; reminders after 7 days."""
    from django.db import connection, transaction
    from django.utils import timezone

    from cooperatives.models import Cooperative
    from enquetes.models import Campaign, Invitation, Message, SurveyKind

    reset_tenants()
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        coop = Cooperative.objects.create(name="Coopérative des envois", slug=SLUG)
        questionnaire = satisfaction_questionnaire(coop, "triennale", 10)
        campaign = Campaign.objects.create(
            cooperative=coop, questionnaire=questionnaire, name="Enquête triennale 2026",
            kind=SurveyKind.TRIENNIAL, opens_on=today - dt.timedelta(days=20),
            closes_on=today + dt.timedelta(days=30), reminder_days=[7],
            launched_at=now - dt.timedelta(days=20),
        )  # fmt: skip
        rows = Invitation.objects.bulk_create(
            (
                Invitation(
                    campaign=campaign,
                    last_name=f"Acquéreur {i}",
                    first_name="Claude",
                    email=f"acquereur{i}@example.org",
                    lot_code=f"L{i:05d}",
                    expires_at=campaign.closes_at,
                )  # fmt: skip
                for i in range(invitations)
            ),
            batch_size=2000,
        )
        sent = now - dt.timedelta(days=15)
        Message.objects.bulk_create(
            (
                Message(
                    invitation=invitation,
                    number=0,
                    status=Message.Status.SENT,
                    attempts=1,
                    claimed_at=sent,
                    sent_at=sent,
                )  # fmt: skip
                for invitation in rows
            ),
            batch_size=2000,
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return campaign.pk


# Worker ------------------------------------------------------------------------------------
def start_worker(env: dict[str, str], concurrency: int, log: str | None):
    import subprocess

    from coopqualite.celery import app

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "coopqualite", "worker",
         "--concurrency", str(concurrency), "--pool", "prefork",
         "--loglevel", "info" if log else "warning", *(["--logfile", log] if log else []),
         "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--hostname", f"bench-sending-{os.getpid()}@%h"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            stop(worker)
            raise RuntimeError("the Celery worker did not start")
    return worker


class Twice:
    """Stands for outbox_send_task in coopqualite.outbox.tasks: every batch is queued twice, as
    a duplicated delivery would. Remembers when the first batch was queued."""

    def __init__(self, task):
        self.task = task
        self.app = task.app
        self.name = task.name
        self.first_at: float | None = None
        self.batches = 0

    def apply_async(self, args, kwargs=None):
        if self.first_at is None:
            self.first_at = time.time()
        self.task.apply_async(args, kwargs)
        self.task.apply_async(args, kwargs)
        self.batches += 1


def queue_idle(redis_client, app) -> bool:
    """Nothing waiting in the broker, nothing running or reserved in the worker."""
    if redis_client.llen("celery"):
        return False
    inspect = app.control.inspect(timeout=1)
    active = inspect.active() or {}
    reserved = inspect.reserved() or {}
    return not any(active.values()) and not any(reserved.values())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invitations", type=int, default=10_000)
    parser.add_argument("--redis-db", type=int, default=13, help="Redis database of the bench")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--worker-log", help="file for the worker's log at INFO (task reports)")
    smoke_argument(parser)
    args = parser.parse_args()
    if args.smoke:
        args.invitations = 40

    print(f"machine: {machine()}")
    smtp = SMTPServer()
    worker = None
    redis_client = None
    try:
        redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
        env = bench_env(
            "sending", REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url,
            EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp.port), EMAIL_USE_TLS="false",
            EMAIL_USE_SSL="false", EMAIL_TIMEOUT="20",
        )  # fmt: skip
        setup_django(env)
        import redis
        from django.db.models import Count
        from django.utils import timezone

        from coopqualite.celery import app
        from coopqualite.outbox import tasks
        from coopqualite.outbox.models import REQUEUE_AFTER
        from coopqualite.outbox.services import dispatch as outbox_dispatch
        from enquetes.models import Message
        from enquetes.services import dispatch

        assert not app.conf.task_always_eager and app.conf.broker_url == redis_url
        t0 = time.perf_counter()
        load_data(args.invitations)
        print(
            f"data ready in {time.perf_counter() - t0:.1f} s: {args.invitations:,} invitations "
            f"with e-mail, invitations sent 15 days ago, reminder_days=[7]"
        )
        redis_client = redis.Redis.from_url(redis_url)
        redis_client.flushdb()
        worker = start_worker(env, args.concurrency, args.worker_log)

        twice = Twice(tasks.outbox_send_task)
        cpu_before = process_tree_cpu(worker.pid)
        smtp_cpu_before = process_tree_cpu(smtp.process.pid)
        start = time.perf_counter()
        with mock.patch.object(tasks, "outbox_send_task", twice):
            # plan + sweep + enqueue, in this process
            queued = dispatch.surveys_dispatch(now=timezone.now()).queued
        dispatched = time.perf_counter()
        planned = Message.objects.filter(number=1).count()
        assert queued == planned == args.invitations, (queued, planned)

        deadline = time.monotonic() + WAIT_LIMIT
        checked = time.monotonic()
        while smtp.received < planned and time.monotonic() < deadline:
            time.sleep(0.02)
            if time.monotonic() - checked > 3:  # stop waiting if the worker has nothing left
                if queue_idle(redis_client, app):
                    break
                checked = time.monotonic()
        drained = queue_idle(redis_client, app)
        while not drained and time.monotonic() < deadline:
            time.sleep(0.2)
            drained = queue_idle(redis_client, app)
        drained_at = time.time()
        worker_cpu = process_tree_cpu(worker.pid) - cpu_before
        smtp_cpu = process_tree_cpu(smtp.process.pid) - smtp_cpu_before
        time.sleep(1)  # anything sent late by a duplicate would arrive now
        received, last_at = smtp.received, smtp.last.value
        first_counts = smtp.counts()
        statuses = dict(
            Message.objects.filter(number=1)
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        attempts = set(Message.objects.filter(number=1).values_list("attempts", flat=True))
        # Reminders left pending: the periodic dispatch queues them again once their task is
        # presumed lost (REQUEUE_AFTER); run it now as if then, once, to show whether they are
        # late or lost.
        left = statuses.get(Message.Status.PENDING, 0)
        requeued = late = 0
        if left:
            requeued = dispatch.surveys_dispatch(now=timezone.now() + REQUEUE_AFTER).queued
            deadline = time.monotonic() + 60
            while smtp.received < received + left and time.monotonic() < deadline:
                time.sleep(0.05)
            while not queue_idle(redis_client, app) and time.monotonic() < deadline:
                time.sleep(0.2)
            late = smtp.received - received
        counts = smtp.counts()
    finally:
        stop(worker, timeout=30)
        smtp.stop()
        if redis_client is not None:
            redis_client.flushdb()

    elapsed = last_at - twice.first_at
    rate = received / elapsed
    twice_or_more = sum(1 for n in counts.values() if n > 1)  # over both dispatches
    print(
        f"dispatch (plan + enqueue) in this process: {dispatched - start:.2f} s; "
        f"{planned:,} reminders planned, {twice.batches} batches of {outbox_dispatch.BATCH} "
        f"each queued twice ({2 * twice.batches} tasks); worker: prefork, "
        f"concurrency {args.concurrency}"
    )
    verdict = "met" if rate >= TARGET_RATE else "MISSED"
    queue = (
        f"queue drained {drained_at - twice.first_at:.1f} s after the first enqueue"
        if drained
        else f"queue NOT drained when the wait ran out ({WAIT_LIMIT} s)"
    )
    print(
        f"SMTP received {received:,} messages, the last {elapsed:.1f} s after the first enqueue: "
        f"{rate:.0f} e-mails/s (target >= {TARGET_RATE}: {verdict}); {queue}; all "
        f"{planned:,} sent by this dispatch: {'yes' if received == planned else 'NO'}"
    )
    print(
        f"worker CPU (main process and its pool, user + system) from the first enqueue until "
        f"drained: {worker_cpu:.1f} s, {1000 * worker_cpu / max(received, 1):.2f} ms per e-mail "
        f"(load-independent; {args.concurrency} pool processes); the SMTP server's: "
        f"{1000 * smtp_cpu / max(received, 1):.2f} ms per e-mail"
    )
    print(
        f"recipients reached: {len(first_counts):,} of {planned:,}; with more than one message: "
        f"{twice_or_more} (must be 0: {'ok' if twice_or_more == 0 else 'FAILED'}); "
        f"reminder statuses: {statuses}; attempts: {sorted(attempts)}"
    )
    if left:
        print(
            f"LEFT PENDING: {left} reminders not sent when the wait ended (not reached yet, or "
            f"skipped by every claim of their batch); the periodic dispatch (run once more now) "
            f"queued {requeued} and {late} arrived "
            f"({len(counts):,} recipients reached in all)"
        )


if __name__ == "__main__":
    main()
