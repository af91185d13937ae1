"""Benchmark: the buyer's space home page under gunicorn, on PostgreSQL, against bare Django.

Loads (again at every run) a cooperative with a programme under construction (four phases, two
reached, two letters published), a household with three delivery announcements, two shared
documents, a survey waiting and an interlocutor, and a session for it; starts gunicorn
(gunicorn.conf.py, 2 sync workers, DEBUG=false, persistent database connections) with
bench.settings, then measures with wrk on loopback (2 threads, 4 connections), the bare and the
home request alternating 3 times (5 s slices; medians compared):

- GET /mon-espace/ with the buyer's session cookie (session, timeline, letters, announcements,
  surveys, documents, template);
- against a bare GET doing only its essential read (one query: the session and its buyer),
  with a trivial response.

Also prints the weight of the home page (HTML + the CSS it links) and its number of queries
(Django test client) with 1 and with 10 records of each kind.

    .venv/bin/python bench/buyer_space.py [--rounds 3] [--duration 5] [--smoke]

Needs wrk (apt-get install wrk). Database: DATABASE_URL's name + "_bench_space" (see
bench/common.py), created if missing, emptied and loaded again at each run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    bench_env,
    collect_static,
    gunicorn_start,
    machine,
    reset_tenants,
    setup_django,
    smoke_argument,
    stop,
)
from bench.survey_answering import WRK_CONNECTIONS, WRK_THREADS, Http, check_run, wrk  # noqa: E402

SLUG = "bench-space"
TARGET_RATIO = 0.5
TARGET_WEIGHT_KB = 60


def household(coop, staff, n: int, today: dt.date) -> str:
    """A programme with n phases, letters, announcements, documents and surveys for one
    household; the session key of its buyer."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from bench.common import satisfaction_questionnaire
    from chantiers.models import Phase
    from chantiers.services.letters import letter_save
    from chantiers.services.publishing import letter_publish
    from cooperatives.models import Buyer, DeliveryAnnouncement, Lot, Programme
    from enquetes.models import Campaign, Invitation, SurveyKind
    from espace.services.documents import document_share
    from espace.services.signin import session_open

    programme = Programme.objects.create(
        cooperative=coop, name=f"Résidence {n}", code=f"R{n}", interlocutor=staff
    )
    lot = Lot.objects.create(programme=programme, code=f"R{n}-001", typology="T3")
    buyer = Buyer.objects.create(
        lot=lot, last_name="Martin", first_name="Léa", email=f"lea{n}@exemple.fr",
        reservation_date=today - dt.timedelta(days=400),
    )  # fmt: skip
    for k in range(max(n, 4)):
        reached = today - dt.timedelta(days=300 - 60 * k) if k < max(n, 4) // 2 else None
        phase = Phase.objects.create(
            programme=programme, position=k + 1, name=f"Étape {k + 1}",
            planned_date=today + dt.timedelta(days=60 * k - 200), actual_date=reached,
        )  # fmt: skip
        if k < n:
            letter = letter_save(
                phase=phase, user=staff, title=f"Lettre {k + 1}",
                text="Les travaux avancent.\n\nLa grue est montée.",
            )  # fmt: skip
            letter_publish(letter=letter, user=staff, now=timezone.now())
        if k < n:
            DeliveryAnnouncement.objects.create(
                buyer=buyer, month=(today + dt.timedelta(days=200 + 31 * k)).replace(day=1),
                announced_on=today - dt.timedelta(days=100 - k),
            )  # fmt: skip
            document_share(
                buyer=buyer, user=staff, title=f"Document {k + 1}", content_type="application/pdf",
                upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"), now=timezone.now(),
            )  # fmt: skip
            questionnaire = satisfaction_questionnaire(coop, f"q{n}-{k}", 3)
            campaign = Campaign.objects.create(
                cooperative=coop, questionnaire=questionnaire, name=f"Enquête {n}-{k}",
                kind=SurveyKind.TRIENNIAL, opens_on=today - dt.timedelta(days=1),
                closes_on=today + dt.timedelta(days=30), launched_at=timezone.now(),
            )  # fmt: skip
            Invitation.objects.create(
                campaign=campaign, buyer=buyer, last_name="Martin", email=buyer.email,
                expires_at=campaign.closes_at,
            )  # fmt: skip
    return session_open(buyer=buyer, now=timezone.now())


def load_data() -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from cooperatives.models import Cooperative, User

    reset_tenants()
    today = timezone.localdate()
    with transaction.atomic():
        coop = Cooperative.objects.create(name="Coopérative de l'espace", slug=SLUG)
        staff = User.objects.create(
            username="bench-space-staff", first_name="Julie", last_name="Bernard",
            email="j.bernard@exemple.fr", role=User.Role.STAFF, cooperative=coop,
        )  # fmt: skip
        keys = {n: household(coop, staff, n, today) for n in (1, 2, 10)}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"keys": keys}


def query_counts(keys: dict[int, str]) -> dict[int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for n in (1, 10):
        client = Client()
        client.cookies["espace"] = keys[n]
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/mon-espace/", HTTP_HOST="localhost")
        assert response.status_code == 200, response.status_code
        counts[n] = len(queries)
    return counts


def page_weight(client: Http, cookie: str) -> dict:
    response, html = client.request("GET", "/mon-espace/", headers={"Cookie": cookie})
    assert response.status == 200, response.status
    assert "Étape 1" in html.decode(), "the home page did not show the household"
    assets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html.decode())
    sizes = {}
    for url in assets:
        asset_response, content = client.request("GET", url)
        assert asset_response.status == 200, (url, asset_response.status)
        sizes[url] = len(content)
    return {"html": len(html), "assets": sizes, "total": len(html) + sum(sizes.values())}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3, help="bare/home alternations")
    parser.add_argument("--duration", type=float, default=5, help="seconds of each slice")
    parser.add_argument("--workers", type=int, default=2)
    smoke_argument(parser)
    args = parser.parse_args()
    if args.smoke:
        args.rounds, args.duration = 1, 1
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")

    print(f"machine: {machine()}")
    workdir = Path(tempfile.mkdtemp(prefix="coopqualite-bench-space-"))
    env = bench_env("space", DJANGO_SETTINGS_MODULE="bench.settings")
    server = None
    try:
        setup_django(env)
        data = load_data()
        collect_static(env)
        counts = query_counts(data["keys"])
        server, base = gunicorn_start(env, workers=args.workers)
        port = int(base.rsplit(":", 1)[1])
        cookie = f"espace={data['keys'][2]}"
        weight = page_weight(Http(port), cookie)
        slices: dict[str, list[dict]] = {"bare GET": [], "home GET": []}
        bare = ("GET", ["x"], "/bench/bare/espace/?%s", None, cookie, 200)
        home = ("GET", ["x"], "/mon-espace/?%s", None, cookie, 200)
        for spec in (bare, home):  # warm-up: every connection, both workers
            wrk(port, workdir, "warmup", *spec, duration=1 if args.smoke else 2)
        for _ in range(args.rounds):
            for name, spec in (("bare GET", bare), ("home GET", home)):
                result = wrk(port, workdir, name.replace(" ", "_"), *spec, duration=args.duration)
                check_run(name, result)
                slices[name].append(result)
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"load: wrk {WRK_THREADS} threads, {WRK_CONNECTIONS} connections, on loopback; gunicorn "
        f"{args.workers} sync workers; bare and home alternate {args.rounds} times, slices "
        f"{args.duration:g} s; the household of 2 letters, 4 phases, 2 announcements, 2 "
        f"documents, 2 surveys"
    )
    print(f"{'':9} {'req/s of each slice':>24} {'median':>7} {'p50':>8} {'p99':>8}")
    medians = {}
    for name, results in slices.items():
        rates = [r["rps"] for r in results]
        medians[name] = statistics.median(rates)
        middle = sorted(results, key=lambda r: r["rps"])[len(results) // 2]
        print(
            f"{name:9} {' '.join(f'{x:7.0f}' for x in rates):>24} {medians[name]:>7.0f} "
            f"{middle['p50_us'] / 1000:>6.1f}ms {middle['p99_us'] / 1000:>6.1f}ms"
        )
    ratio = medians["home GET"] / medians["bare GET"]
    verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
    print(f"home/bare (medians): {ratio:.2f} (target >= {TARGET_RATIO}: {verdict})")
    kb = weight["total"] / 1024
    assets = ", ".join(f"{Path(u).name} {n / 1024:.1f} KB" for u, n in weight["assets"].items())
    print(
        f"page weight: {kb:.1f} KB = HTML {weight['html'] / 1024:.1f} KB + {assets} "
        f"(target < {TARGET_WEIGHT_KB} KB: {'met' if kb < TARGET_WEIGHT_KB else 'MISSED'})"
    )
    same = counts[1] == counts[10]
    print(f"queries of the home page: {counts[1]} with 1 record of each kind, {counts[10]} with 10 "
          f"({'constant' if same else 'NOT CONSTANT'})")  # fmt: skip


if __name__ == "__main__":
    main()
