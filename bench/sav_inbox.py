"""Benchmark: the after-sales inbox of a cooperative with 50,000 claims, under gunicorn, on
PostgreSQL.

Loads (again at every run) a cooperative with 25 programmes, 2,500 delivered households, 8
companies, 5 staff members, and 50,000 claims over three years written with COPY: most closed
or refused, the last weeks' spread over every open status (some overdue, some waiting on the
buyer), a fifth of them assigned to the measured staff member. Starts gunicorn (gunicorn.conf.py,
2 sync workers, DEBUG=false, persistent database connections), signs in, and for each page:

- times sequential requests from one client (p50 / p95: the latency a person sees);
- runs wrk on loopback (2 threads, 4 connections) for its requests per second.

Pages: the inbox with its default filter (the open claims), two filters (overdue; a programme's
closed claims), and "Mes dossiers". The number of queries of each page (Django test client) is
counted with 200 claims loaded, then with all of them: it must not grow with the rows.

    .venv/bin/python bench/sav_inbox.py [--claims 50000] [--requests 100] [--duration 5]
                                        [--workers 2] [--cpu-only] [--smoke]

Needs wrk (apt-get install wrk). Database: DATABASE_URL's name + "_bench_sav_inbox" (see
bench/common.py), created if missing, emptied and loaded again at each run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    bench_env,
    collect_static,
    copy_rows,
    gunicorn_start,
    login,
    machine,
    percentile,
    reset_tenants,
    setup_django,
    smoke_argument,
    stop,
)
from bench.survey_answering import WRK_CONNECTIONS, WRK_THREADS, check_run, wrk  # noqa: E402

SLUG = "bench-sav"
PASSWORD = "bench-password-123"
USERNAME = "bench-sav-staff"
PROGRAMMES = 25
LOTS_PER_PROGRAMME = 100
STAFF = 5
FIRST_LOAD = 200  # claims loaded before the first query count
TARGET_P50_MS = 150
YEARS = 3


def _base_rows(rng: random.Random):
    """The cooperative, its people, programmes, lots, households and companies."""
    from django.contrib.auth.hashers import make_password

    from cooperatives.models import Buyer, Cooperative, Lot, Programme, User
    from sav.models import Company

    coop = Cooperative.objects.create(name="Coopérative du SAV", slug=SLUG)
    password = make_password(PASSWORD)
    staff = [
        User.objects.create(
            username=USERNAME if i == 0 else f"bench-sav-{i}",
            password=password,
            first_name="Claire",
            last_name=f"Roche {i}",
            email=f"sav{i}@exemple.fr",
            role=User.Role.STAFF,
            cooperative=coop,
        )  # fmt: skip
        for i in range(STAFF)
    ]
    programmes = Programme.objects.bulk_create(
        Programme(cooperative=coop, name=f"Résidence {i:02d}", code=f"R{i:02d}")
        for i in range(PROGRAMMES)
    )
    lots = Lot.objects.bulk_create(
        Lot(programme=p, code=f"{p.code}-{j:03d}", typology="T3")
        for p in programmes
        for j in range(LOTS_PER_PROGRAMME)
    )
    today = dt.date.today()
    buyers = Buyer.objects.bulk_create(
        Buyer(
            lot=lot,
            last_name=f"Martin {k}",
            first_name="Léa",
            email=f"b{k}@exemple.fr",
            delivery_date=today - dt.timedelta(days=rng.randint(30, 365 * YEARS + 200)),
        )  # fmt: skip
        for k, lot in enumerate(lots)
    )
    companies = Company.objects.bulk_create(
        Company(cooperative=coop, name=f"Entreprise {i}", trade="Tous corps d'état")
        for i in range(8)
    )
    return coop, staff, buyers, companies


CLAIM_COLUMNS = [
    "cooperative_id", "lot_id", "buyer_id", "channel", "room", "category", "description",
    "guarantee", "guarantee_until", "guarantee_explanation", "status", "received_at",
    "acknowledged_at", "qualified_at", "refusal_reason", "assigned_at", "company_id",
    "intervention_on", "done_at", "lifted_at", "lifted_automatically", "closed_at", "assignee_id",
    "follow_up_due", "planning_due", "waiting_since",
]  # fmt: skip


def _claim_rows(n: int, rng: random.Random, coop, staff, buyers, companies, now: dt.datetime):
    """n claims received over the last three years: the older ones closed (a few refused or
    lifted and not closed yet), the last eight weeks at every status of the workflow."""
    from sav import rules

    categories = list(rules.Category.values)
    open_recent = [
        rules.Status.RECEIVED, rules.Status.ACKNOWLEDGED, rules.Status.ACCEPTED,
        rules.Status.ASSIGNED, rules.Status.ASSIGNED, rules.Status.DONE, rules.Status.LIFTED,
        rules.Status.CONTESTED, rules.Status.CLOSED,
    ]  # fmt: skip
    today = now.date()
    for _ in range(n):
        buyer = rng.choice(buyers)
        received = now - dt.timedelta(minutes=rng.randint(60, YEARS * 365 * 24 * 60))
        day = received.date()
        age = (today - day).days
        if age > 56:
            draw = rng.random()
            status = (
                rules.Status.REFUSED if draw < 0.03
                else rules.Status.LIFTED if draw < 0.06
                else rules.Status.CLOSED
            )  # fmt: skip
        else:
            status = rng.choice(open_recent)
        order = [rules.Status.RECEIVED, rules.Status.ACKNOWLEDGED, rules.Status.ACCEPTED,
                 rules.Status.ASSIGNED, rules.Status.DONE, rules.Status.LIFTED,
                 rules.Status.CLOSED]  # fmt: skip
        reached = order.index(status) if status in order else 4  # refused, contested
        step = dt.timedelta(days=max(age, 1) / 8)

        def at(k: int, reached=reached, received=received, step=step) -> dt.datetime | None:
            return received + k * step if reached >= k else None

        refused = status == rules.Status.REFUSED
        planned = status not in (rules.Status.RECEIVED, rules.Status.ACKNOWLEDGED,
                                 rules.Status.ACCEPTED, rules.Status.REFUSED)  # fmt: skip
        yield (
            coop.pk, buyer.lot_id, buyer.pk, "space", "Salle de bains", rng.choice(categories),
            "La chasse d'eau coule en continu depuis la livraison.",
            rules.Guarantee.PERFECT_COMPLETION, today + dt.timedelta(days=200),
            "Relève de la garantie de parfait achèvement.", status, received,
            received if status != rules.Status.RECEIVED else None,
            at(2) if not refused else received + step,
            "Aucun désordre constaté." if refused else "",
            at(3) if planned else None,
            rng.choice(companies).pk if planned else None,
            (received + 4 * step).date() if planned else None,
            at(4) if planned and status != rules.Status.CONTESTED else None,
            at(5), False, at(6) if not refused else received + 2 * step,
            rng.choice(staff).pk if rng.random() < 0.9 else None,
            rules.working_days_add(day, rules.FOLLOW_UP_DAYS),
            rules.working_days_add(day, rules.PLANNING_DAYS),
            today - dt.timedelta(days=2) if status == rules.Status.ACCEPTED and age % 7 == 0
            else None,
        )  # fmt: skip


def load_claims(data: dict, n: int, rng: random.Random) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from sav.models import Claim

    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        copy_rows(cursor, Claim, CLAIM_COLUMNS, _claim_rows(n, rng, now=now, **data))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def load_base(rng: random.Random) -> dict:
    from django.db import transaction

    reset_tenants()
    with transaction.atomic():
        coop, staff, buyers, companies = _base_rows(rng)
    return {"coop": coop, "staff": staff, "buyers": buyers, "companies": companies}


def pages(data: dict) -> dict[str, str]:
    from sav import rules

    programme = data["buyers"][0].lot.programme_id
    return {
        "inbox (open claims)": "/sav/",
        "overdue": "/sav/?overdue=on",
        "a programme, closed": f"/sav/?programme={programme}&status={rules.Status.CLOSED}",
        "Mes dossiers": "/sav/mes-dossiers/",
    }


def query_counts(urls: dict[str, str]) -> dict[str, tuple[int, str]]:
    """Each page's number of queries, and how many claims it says it lists."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cooperatives.models import User

    client = Client()
    client.force_login(User.objects.get(username=USERNAME))
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, HTTP_HOST="localhost")
        assert response.status_code == 200, (url, response.status_code)
        said = re.search(r'role="status">([^<]+)<', response.content.decode())
        counts[name] = (len(queries), said.group(1).split(" réclamation")[0] if said else "?")
    return counts


def cpu_per_request(urls: dict[str, str], requests: int) -> dict[str, float]:
    """Each page's CPU time in this process (Django test client, same database), median of
    `requests` after 3 warm-up ones, in ms: the figure the machine's load barely moves."""
    from django.test import Client

    from cooperatives.models import User

    client = Client()
    client.force_login(User.objects.get(username=USERNAME))
    figures = {}
    for name, url in urls.items():
        times = []
        for i in range(requests + 3):
            start = time.process_time()
            response = client.get(url, HTTP_HOST="localhost")
            if i >= 3:
                times.append((time.process_time() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        figures[name] = statistics.median(times)
    return figures


def timed(opener, base: str, url: str, requests: int) -> list[float]:
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        with opener.open(base + url) as response:
            response.read()
            assert response.status == 200, (url, response.status)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def session_cookie(opener) -> str:
    handler = next(h for h in opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor))
    return "; ".join(f"{c.name}={c.value}" for c in handler.cookiejar)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=100, help="sequential, per page")
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--cpu-only", action="store_true",
        help="only the query counts and the CPU per request in process, no gunicorn nor wrk",
    )  # fmt: skip
    smoke_argument(parser)
    args = parser.parse_args()
    if args.smoke:
        args.claims, args.requests, args.duration = 400, 5, 1
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")

    print(f"machine: {machine()}")
    workdir = Path(tempfile.mkdtemp(prefix="coopqualite-bench-sav-"))
    env = bench_env("sav_inbox")
    server = None
    rng = random.Random(12)
    try:
        setup_django(env)
        collect_static(env)  # the pages' manifest of static files (DEBUG=false)
        t0 = time.perf_counter()
        data = load_base(rng)
        load_claims(data, FIRST_LOAD, rng)
        urls = pages(data)
        before = query_counts(urls)
        load_claims(data, args.claims - FIRST_LOAD, rng)
        print(f"data: {args.claims:,} claims loaded in {time.perf_counter() - t0:.1f} s")
        after = query_counts(urls)
        cpu = cpu_per_request(urls, max(args.requests // 4, 5))
        if args.cpu_only:
            for name, ms in cpu.items():
                print(f"{name:22} {after[name][1]:>7} CPU {ms:6.1f} ms  queries {after[name][0]}")
            return
        server, base = gunicorn_start(env, workers=args.workers)
        port = int(base.rsplit(":", 1)[1])
        opener = login(base, USERNAME, PASSWORD)
        cookie = session_cookie(opener)
        results = {}
        for name, url in urls.items():
            timed(opener, base, url, 4)  # warm-up: both workers, their connections
            timings = timed(opener, base, url, args.requests)
            run = wrk(port, workdir, "inbox", "GET", [url], "%s", None, cookie, 200,
                      duration=args.duration)  # fmt: skip
            check_run(name, run)
            results[name] = (timings, run)
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"sequential: {args.requests} requests per page from one client; wrk: {WRK_THREADS} "
        f"threads, {WRK_CONNECTIONS} connections, {args.duration:g} s per page, on loopback; "
        f"gunicorn {args.workers} sync workers"
    )
    print(f"{'page':22} {'claims':>7} {'p50':>8} {'p95':>8} {'req/s':>6} "
          f"{'queries (200 claims → all)':>27}")  # fmt: skip
    worst, constant = 0.0, True
    for name, (timings, run) in results.items():
        p50, p95 = statistics.median(timings), percentile(timings, 0.95)
        worst = max(worst, p50)
        (q_before, _), (q_after, count) = before[name], after[name]
        constant &= q_before == q_after
        print(f"{name:22} {count:>7} {p50:>6.1f}ms {p95:>6.1f}ms {run['rps']:>6.0f} "
              f"{q_before:>21} → {q_after}")  # fmt: skip
    print("CPU per request in process (test client, median): " + ", ".join(
        f"{name} {ms:.1f} ms" for name, ms in cpu.items()
    ))  # fmt: skip
    verdict = "met" if worst < TARGET_P50_MS else "MISSED"
    print(f"slowest p50: {worst:.1f} ms (target < {TARGET_P50_MS} ms: {verdict})")
    print(f"queries per page: {'constant' if constant else 'NOT CONSTANT'}")


if __name__ == "__main__":
    main()
