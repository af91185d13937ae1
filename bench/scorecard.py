"""Benchmark: the scorecard page of a large cooperative, under gunicorn, on PostgreSQL.

Loads (once) a cooperative with 8 commitments, 40 indicators with 36 monthly measurements each
and 2,000 actions, then times sequential requests to /tableau-de-bord/ through gunicorn and
prints p50 / p95 latency and the page's query count.

    .venv/bin/python bench/scorecard.py [--requests 300] [--workers 2] [--smoke]

Database: DATABASE_URL's name + "_bench_scorecard" (see bench/common.py), created if missing.
--smoke: 5 requests.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import common  # noqa: E402

PASSWORD = "bench-password-123"
SLUG = "bench-coop"


def load_data() -> None:
    """Create the benchmark cooperative unless it exists (idempotent)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from cooperatives.models import Cooperative, User
    from engagements import periods
    from engagements.models import Action, Commitment, Indicator, IsoSubject, Measurement
    from engagements.services.charter import commitments_create_charter

    if Cooperative.objects.filter(slug=SLUG).exists():
        return
    rng = random.Random(1)
    today = date.today()
    with transaction.atomic():
        coop = Cooperative.objects.create(name="Coopérative de mesure", slug=SLUG)
        commitments_create_charter(cooperative=coop)
        users = [
            User.objects.create_user(
                f"bench{i}", password=PASSWORD, cooperative=coop, role=User.Role.STAFF
            )
            for i in range(10)
        ]
        commitments = list(Commitment.objects.filter(cooperative=coop))
        indicators = Indicator.objects.bulk_create(
            Indicator(
                commitment=commitments[i % 8],
                name=f"Indicateur {i + 1}",
                target=Decimal(90),
                period="month",
                position=i,
            )
            for i in range(40)
        )
        starts = periods.last_starts("month", 37, today)[:-1]
        Measurement.objects.bulk_create(
            Measurement(
                indicator=ind,
                period_start=start,
                value=Decimal(rng.randint(700, 1000)) / 10,
                entered_by=users[0],
            )
            for ind in indicators
            for start in starts
        )
        statuses = [s for s, _ in Action.Status.choices]
        subjects = [s for s, _ in IsoSubject.choices]
        actions = Action.objects.bulk_create(
            Action(
                cooperative=coop,
                title=f"Action {i}",
                status=statuses[i % 4],
                iso_subject=subjects[i % 7],
                owner=users[i % 10],
                due_date=date.fromordinal(today.toordinal() + rng.randint(-400, 400)),
            )
            for i in range(2000)
        )
        Through = Action.commitments.through
        Through.objects.bulk_create(
            Through(action_id=a.pk, commitment_id=commitments[i % 8].pk)
            for i, a in enumerate(actions)
        )


def query_count() -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cooperatives.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench0"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/tableau-de-bord/", HTTP_HOST="localhost")
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    common.smoke_argument(parser)
    args = parser.parse_args()
    if args.smoke:
        args.requests = 5
    env = common.bench_env("scorecard")
    os.environ.update(env)
    common.ensure_database(env["DATABASE_URL"])
    python = sys.executable
    common.collect_static(env)
    t0 = time.perf_counter()
    load_data()
    print(f"data ready in {time.perf_counter() - t0:.1f} s")
    queries = query_count()
    port = common.free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "coopqualite.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        common.wait_http(f"{base}/healthz", process=server)
        opener = common.login(base, "bench0", PASSWORD)
        for _ in range(10):  # warm up every worker's connection and caches
            opener.open(f"{base}/tableau-de-bord/").read()
        timings = []
        for _ in range(args.requests):
            start = time.perf_counter()
            body = opener.open(f"{base}/tableau-de-bord/").read()
            timings.append((time.perf_counter() - start) * 1000)
        assert b"Indicateur 40" in body
    finally:
        common.stop(server)
    timings.sort()
    p95 = common.percentile(timings, 0.95)
    print("scorecard: 8 commitments, 40 indicators x 36 months, 2,000 actions")
    print(f"queries per page: {queries}")
    print(f"page size: {len(body) / 1024:.0f} KB")
    print(
        f"requests: {len(timings)}  p50: {statistics.median(timings):.1f} ms  "
        f"p95: {p95:.1f} ms  max: {timings[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
