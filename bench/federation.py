"""Benchmark: every page a federation reader can open, with a federation the size of the Coop'HLM
movement, under gunicorn, on PostgreSQL.

Loads (again at every run) one federation of 165 cooperatives, each with the 8 charter
commitments, 40 indicators (5 per commitment) of 12 monthly measurements and 100 actions, then
starts gunicorn (2 sync workers, DEBUG=false), logs in as the federation's reader and requests
each page they can open (the federation's summaries; one cooperative's scorecard, charter and
actions, chosen with ?cooperative=; a commitment, an indicator and an action; the survey lists),
sequentially, printing each page's weight and p50: targets < 200 KB and < 300 ms.

    .venv/bin/python bench/federation.py [--cooperatives 165] [--requests 10] [--reuse] [--smoke]

Database: DATABASE_URL's name + "_bench_federation" (see bench/common.py), created if missing,
emptied and loaded again at each run, unless --reuse finds there the federation of the same size
a previous run loaded. --smoke: 5 cooperatives, 2 requests a page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    bench_env,
    collect_static,
    gunicorn_start,
    login,
    machine,
    p50,
    reset_tenants,
    setup_django,
    smoke_argument,
    stop,
)

PASSWORD = "bench-password-123"
TARGET_KB = 200
TARGET_MS = 300


def load_data(cooperatives: int) -> dict:
    from django.db import connection, transaction

    from cooperatives.models import Cooperative, Federation, User
    from engagements.models import Action, Commitment, Indicator, Measurement
    from engagements.services.charter import commitments_create_charter

    reset_tenants()
    today = dt.date.today()
    months = [dt.date(today.year - (today.month - 1 - i < 0), (today.month - 2 - i) % 12 + 1, 1)
              for i in range(12)]  # fmt: skip
    with transaction.atomic():
        federation = Federation.objects.create(name="Fédération des Coop'HLM", slug="bench-fed")
        reader = User.objects.create_user(
            "bench-federation", password=PASSWORD, role=User.Role.FEDERATION,
            federation=federation,
        )  # fmt: skip
        coops = Cooperative.objects.bulk_create(
            Cooperative(
                name=f"Coop'HLM n° {i:03d}",
                slug=f"coophlm-{i:03d}",
                city="Nantes",
                federation=federation,
                homes_count=500,
            )  # fmt: skip
            for i in range(cooperatives)
        )
        for coop in coops:
            commitments_create_charter(cooperative=coop)
        staff = User.objects.bulk_create(
            User(username=f"staff-{c.pk}", cooperative=c, role=User.Role.STAFF, password="!")
            for c in coops
        )
        commitments = list(Commitment.objects.filter(cooperative__in=coops).order_by("pk"))
        indicators = Indicator.objects.bulk_create(
            Indicator(
                commitment=c,
                name=f"Indicateur {k + 1} de l'engagement {c.number}",
                target=Decimal(90),
                period="month",
                position=k,
            )  # fmt: skip
            for c in commitments
            for k in range(5)
        )
        Measurement.objects.bulk_create(
            (
                Measurement(indicator=ind, period_start=m, value=Decimal(80 + (ind.pk + j) % 20))
                for ind in indicators
                for j, m in enumerate(months)
            ),
            batch_size=5000,
        )
        by_coop = {c.pk: [] for c in coops}
        for c in commitments:
            by_coop[c.cooperative_id].append(c)
        owners = {u.cooperative_id: u for u in staff}
        actions = Action.objects.bulk_create(
            (
                Action(
                    cooperative=coop,
                    title=f"Action {k + 1} du plan qualité",
                    status=["planned", "in_progress", "done"][k % 3],
                    owner=owners[coop.pk],
                    due_date=today + dt.timedelta(days=k * 7 - 300),
                )  # fmt: skip
                for coop in coops
                for k in range(100)
            ),
            batch_size=5000,
        )
        Through = Action.commitments.through
        Through.objects.bulk_create(
            (
                Through(action_id=a.pk, commitment_id=by_coop[a.cooperative_id][i % 8].pk)
                for i, a in enumerate(actions)
            ),
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return pages_of(reader)


def loaded(cooperatives: int):
    """The reader of the federation a previous run loaded with `cooperatives` cooperatives (and
    the rest of the sizes above), or None when the database holds anything else."""
    from cooperatives.models import Cooperative, User
    from engagements.models import Action, Indicator, Measurement

    reader = User.objects.filter(username="bench-federation").first()
    if reader is None or Cooperative.objects.count() != cooperatives:
        return None
    sizes = (Indicator.objects.count(), Measurement.objects.count(), Action.objects.count())
    if sizes != (cooperatives * 40, cooperatives * 40 * 12, cooperatives * 100):
        return None
    return reader


def pages_of(reader) -> dict:
    """The reader and the pages they can open (one cooperative's, the first by name)."""
    from cooperatives.models import Cooperative
    from engagements.models import Action, Indicator

    first = Cooperative.objects.filter(federation=reader.federation).order_by("name").first()
    commitment = first.commitments.order_by("number").first()
    return {
        "reader": reader,
        "pages": {
            "federation summaries": "/federation/",
            "scorecard of one cooperative": f"/tableau-de-bord/?cooperative={first.pk}",
            "charter of one cooperative": f"/engagements/?cooperative={first.pk}",
            "actions of one cooperative": f"/actions/?cooperative={first.pk}",
            "commitment": f"/engagements/{commitment.pk}/",
            "indicator": f"/indicateurs/{Indicator.objects.filter(commitment=commitment)[0].pk}/",
            "action": f"/actions/{Action.objects.filter(cooperative=first)[0].pk}/",
            "campaigns": "/enquetes/",
            "federation surveys": "/enquetes/federation/",
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cooperatives", type=int, default=165)
    parser.add_argument("--requests", type=int, default=10, help="per page")
    parser.add_argument(
        "--reuse", action="store_true",
        help="keep the federation a previous run loaded when it has the same size (loading "
        "165 cooperatives takes minutes)",
    )  # fmt: skip
    smoke_argument(parser)
    args = parser.parse_args()
    if args.smoke:
        args.cooperatives, args.requests = 5, 2
    print(f"machine: {machine()}")
    # The page costs are measured, not the second factor (required of federation readers).
    env = bench_env("federation", OTP_REQUIRED_ROLES="superuser")
    collect_static(env)
    setup_django(env)
    t0 = time.perf_counter()
    reader = loaded(args.cooperatives) if args.reuse else None
    data = pages_of(reader) if reader else load_data(args.cooperatives)
    print(
        f"data {'kept from the previous run' if reader else 'loaded'} in "
        f"{time.perf_counter() - t0:.1f} s: {args.cooperatives} cooperatives x "
        f"(8 commitments, 40 indicators x 12 measurements, 100 actions)"
    )
    server, base = gunicorn_start(env)
    try:
        opener = login(base, "bench-federation", PASSWORD)
        results = {}
        for name, path in data["pages"].items():
            for _ in range(2):  # both workers
                opener.open(base + path).read()
            timings = []
            for _ in range(args.requests):
                start = time.perf_counter()
                with opener.open(base + path) as response:
                    body = response.read()
                    assert response.geturl() == base + path, (path, response.geturl())
                timings.append((time.perf_counter() - start) * 1000)
            results[name] = (len(body), p50(timings))
    finally:
        stop(server)
    ok = True
    for name, (size, ms) in results.items():
        met = size < TARGET_KB * 1024 and ms < TARGET_MS
        ok &= met
        print(f"{name:32} {size / 1024:7.1f} KB  p50 {ms:6.0f} ms  "
              f"{'met' if met else 'MISSED'}")  # fmt: skip
    print(f"every page < {TARGET_KB} KB and < {TARGET_MS} ms: {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
