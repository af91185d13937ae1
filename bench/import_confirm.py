"""Benchmark: confirming a 20,000-row buyer file through the real Celery task.

Loads (again at every run) a cooperative with one programme and a campaign, reads and checks a
generated file of N new buyers (`population_import_prepare`, timed apart: it happens at upload),
then confirms it as the portal does (`population_import_request`: the job is created and queued
on a real Redis) and times until a real worker (`celery worker --pool=solo`, own process) has
written every buyer and invitation and marked the job done. The same for the import of buyers
alone (`buyer_import_request`) on a second programme. Prints the figures of both: the time the
person waits (request → done) and the worker's time (started → finished).

    .venv/bin/python bench/import_confirm.py [--rows 20000] [--redis-db 12]

Database: DATABASE_URL's PostgreSQL server, in a database of its own named after DATABASE_URL's
with "_bench_import" appended (coopqualite_bench_import without DATABASE_URL); created if
missing, emptied and loaded again at each run. Target: < 20 s for 20,000 rows.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_env, database_url, machine, reset_tenants, setup_django, stop  # noqa: E402,I001

TARGET_SECONDS = 20
WAIT_LIMIT = 180


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return database_url("coopqualite_bench_import")
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") or "coopqualite"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}_bench_import"))


def buyer_file(rows: int, programme: str, prefix: str) -> bytes:
    lines = ["Nom;Prénom;Email;Téléphone;Programme;Lot;Date de livraison"]
    lines += [
        f"Nom{i};Prénom{i};{prefix}{i}@exemple.fr;06 12 34 56 78;{programme};"
        f"{prefix.upper()}-{i:05d};18/04/2026"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def wait_done(model, job_id: int) -> None:
    from coopqualite.jobs.models import Job

    deadline = time.monotonic() + WAIT_LIMIT
    while True:
        job = model.objects.get(pk=job_id)
        if job.status in (Job.Status.DONE, Job.Status.FAILED):
            if job.status == Job.Status.FAILED:
                raise SystemExit(f"job failed: {job.error}")
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"job not done after {WAIT_LIMIT} s ({job.status}, {job.progress} %)")
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--redis-db", type=int, default=12)
    args = parser.parse_args()
    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    env = bench_env(
        urllib.parse.urlsplit(bench_database_url()).path.lstrip("/"),
        REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url, DB_CONN_MAX_AGE="0",
    )  # fmt: skip
    print(machine())
    setup_django(env)

    from django.db import connection
    from django.utils import timezone

    from cooperatives.models import BuyerImportJob, Cooperative, Programme, User
    from cooperatives.services.buyer_import import buyer_import_prepare
    from cooperatives.services.import_jobs import buyer_import_request
    from coopqualite.celery import app
    from enquetes.models import Invitation, PopulationImportJob
    from enquetes.services.import_jobs import population_import_request
    from enquetes.services.importing import population_import_prepare
    from tests.enquetes.factories import campaign_create

    reset_tenants()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE cooperatives_buyerimportjob, enquetes_populationimportjob")
    coop = Cooperative.objects.create(name="Coop bench import", slug="bench-import")
    user = User.objects.create(username="bench-import", cooperative=coop, role=User.Role.STAFF)
    Programme.objects.create(cooperative=coop, name="Les Jardins de l'Ill", code="JDI")
    Programme.objects.create(cooperative=coop, name="Le Clos des Canuts", code="CDC")
    campaign = campaign_create(cooperative=coop)
    app.control.purge()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "coopqualite", "worker", "--pool=solo",
         "--loglevel=warning", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not app.control.ping(timeout=0.5):
            if time.monotonic() > deadline:
                raise SystemExit("the worker did not start")
        for label, prepare, request, model, data in [
            (
                "survey population (buyers + invitations)",
                lambda data: population_import_prepare(
                    campaign=campaign, data=data, filename="bench.csv", user=user
                ),
                population_import_request, PopulationImportJob,
                buyer_file(args.rows, "Les Jardins de l'Ill", "jdi"),
            ),
            (
                "buyers",
                lambda data: buyer_import_prepare(
                    cooperative=coop, data=data, filename="bench.csv", user=user
                ),
                buyer_import_request, BuyerImportJob,
                buyer_file(args.rows, "Le Clos des Canuts", "cdc"),
            ),
        ]:  # fmt: skip
            started = time.monotonic()
            pending = prepare(data)
            checked = time.monotonic() - started
            started = time.monotonic()
            job = request(pending=pending, user=user, now=timezone.now())
            wait_done(model, job.pk)
            waited = time.monotonic() - started
            job.refresh_from_db()
            worker_time = (job.finished_at - job.started_at).total_seconds()
            verdict = "met" if waited < TARGET_SECONDS else "NOT met"
            print(
                f"{label}: {args.rows:,} rows checked in {checked:.1f} s (upload); confirmed → "
                f"done in {waited:.1f} s (worker {worker_time:.1f} s); target < "
                f"{TARGET_SECONDS} s: {verdict}"
            )
        print(f"invitations written: {Invitation.objects.filter(campaign=campaign).count():,}")
    finally:
        stop(worker)


if __name__ == "__main__":
    main()
