"""Benchmark: results page of closed campaigns of 20,000 and 100,000 responses (read from their
stored counts, `enquetes.tallies`) and of the same campaigns as if running (counts recomputed
from the answers, what happens once a minute), and exports, on PostgreSQL.

Loads (again at every run, with COPY) two closed anonymous campaigns: 25,000 invitations and
20,000 completed responses to 30 satisfaction questions (600,000 answers), and 125,000
invitations and 100,000 responses (3,000,000 answers), spread over 20 programmes, the questions
tied to the 8 charter commitments; plus a small campaign (100 responses) to show that the
exports' query count does not grow with the data. Then, DEBUG=false:

- stores the counts of the closed campaigns (the periodic job `tallies_store`), timed;
- under gunicorn (2 sync workers, logged in as a staff user of the cooperative), times the
  results page /enquetes/<id>/resultats/ of each closed campaign (p50 / p95, sequential);
- in this process (Django test client), times the same pages with the counts recomputed at each
  request (stored counts deleted, cache cleared): a running campaign's page once a minute;
- beside them the raw SQL aggregation (question, value, count) over the 20,000 responses, and
  the slowest queries of a recomputed page;
- times the streamed CSV export of the 20,000 responses (the largest that streams), with its
  query count. The XLSX, and a CSV over 20,000 responses, are built by a worker: bench/export.py.

    .venv/bin/python bench/survey_results.py [--requests 50] [--cold-requests 5] [--smoke]

Database: DATABASE_URL's name + "_bench_results" (see bench/common.py), created if missing,
emptied and loaded again at each run. --smoke: 50 and 80 responses, a few requests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import secrets
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    bench_env,
    collect_static,
    copy_rows,
    gunicorn_start,
    login,
    machine,
    p50,
    percentile,
    reset_tenants,
    satisfaction_questionnaire,
    setup_django,
    smoke_argument,
    stop,
)

SLUG = "bench-results"
QUESTIONS = 30
SIZES = {"big": 20_000, "huge": 100_000, "small": 100}  # completed responses per campaign
SMOKE_SIZES = {"big": 50, "huge": 80, "small": 10}
INVITED_PER_RESPONSE = 1.25
PASSWORD = "bench-password-123"
PROGRAMMES = 20
TARGET_CLOSED_MS = 100
TARGET_RUNNING_MS = 1000
TARGET_EXPORT_S = 10
# Weights of the answers: mostly satisfied, some "ne sait pas".
VALUES = ["tres_satisfait", "assez_satisfait", "peu_satisfait", "pas_du_tout_satisfait", "nsp"]
WEIGHTS = [35, 40, 12, 5, 8]

RAW_SQL = """
    SELECT a.question_id, a.value, count(*)
    FROM enquetes_answer a JOIN enquetes_response r ON r.id = a.response_id
    WHERE r.campaign_id = %s AND r.completed
    GROUP BY a.question_id, a.value
"""


def campaign_load(cursor, *, campaign, programmes, question_ids, invitations, responses, rng):
    """Invitations (the first `responses` answered over 30 days), anonymous completed responses
    (no invitation, no date), `len(question_ids)` answers each."""
    from enquetes.models import Answer, Invitation, Response

    now = dt.datetime.now(dt.UTC)
    opened = dt.datetime.combine(campaign.opens_on, dt.time(9), dt.UTC)
    invitation_rows = []
    for i in range(invitations):
        answered = opened + dt.timedelta(minutes=rng.randrange(30 * 24 * 60))
        invitation_rows.append((
            campaign.pk, programmes[i % len(programmes)], f"L{i:05d}", f"Acquéreur {i}",
            "Dominique", f"acquereur{i}@example.org", "", secrets.token_urlsafe(32),
            campaign.closes_at, now, answered if i < responses else None,
            answered if i < responses else None,
        ))  # fmt: skip
    copy_rows(
        cursor, Invitation,
        ["campaign_id", "programme_id", "lot_code", "last_name", "first_name", "email", "phone",
         "token", "expires_at", "created_at", "started_at", "answered_at"],
        invitation_rows,
    )  # fmt: skip
    response_ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(responses)]
    channels = ["web"] * 17 + ["phone", "paper", "web"]
    copy_rows(
        cursor, Response,
        ["id", "campaign_id", "programme_id", "channel", "completed"],
        (
            (rid, campaign.pk, programmes[i % len(programmes)], channels[i % 20], True)
            for i, rid in enumerate(response_ids)
        ),
    )  # fmt: skip
    return copy_rows(
        cursor, Answer, ["response_id", "question_id", "value", "text"],
        (
            (rid, qid, value, "")
            for rid in response_ids
            for qid, value in zip(
                question_ids, rng.choices(VALUES, WEIGHTS, k=len(question_ids)), strict=True
            )
        ),
    )  # fmt: skip


def load_data(sizes: dict) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from cooperatives.models import Cooperative, Programme, User
    from engagements.services.charter import commitments_create_charter
    from enquetes.models import Campaign, KeyStep, Question, SurveyKind

    rng = random.Random(4)
    reset_tenants()
    today = timezone.localdate()
    with transaction.atomic():
        coop = Cooperative.objects.create(name="Coopérative des résultats", slug=SLUG)
        user = User.objects.create_user(
            "bench-results", cooperative=coop, role=User.Role.STAFF, password=PASSWORD
        )
        commitments = commitments_create_charter(cooperative=coop)
        programmes = [
            p.pk
            for p in Programme.objects.bulk_create(
                Programme(cooperative=coop, name=f"Résidence {i:02d}", code=f"R{i:02d}")
                for i in range(PROGRAMMES)
            )
        ]
        questionnaire = satisfaction_questionnaire(coop, "triennale", QUESTIONS, commitments)
        question_ids = list(
            Question.objects.filter(questionnaire=questionnaire)
            .order_by("position")
            .values_list("pk", flat=True)
        )
        # Three kinds: no campaign is the previous wave of another (each page reads one).
        kinds = {
            "big": ("Enquête triennale 2026", {"kind": SurveyKind.TRIENNIAL}),
            "huge": ("Nouveaux occupants 2026", {"kind": SurveyKind.NEW_OCCUPANT}),
            "small": (
                "Après la livraison 2026",
                {"kind": SurveyKind.KEY_STEP, "key_step": KeyStep.values[0]},
            ),
        }
        campaigns, answers = {}, {}
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg 3 cursor, for COPY
            for label, (name, kind) in kinds.items():
                campaigns[label] = Campaign.objects.create(
                    cooperative=coop, questionnaire=questionnaire, name=name, **kind,
                    opens_on=today - dt.timedelta(days=40),
                    closes_on=today - dt.timedelta(days=10), reminder_days=[7, 14],
                    launched_at=timezone.now() - dt.timedelta(days=40),
                )  # fmt: skip
                responses = sizes[label]
                answers[label] = campaign_load(
                    raw, campaign=campaigns[label],
                    programmes=programmes if label != "small" else programmes[:2],
                    question_ids=question_ids, invitations=int(responses * INVITED_PER_RESPONSE),
                    responses=responses, rng=rng,
                )  # fmt: skip
    with connection.cursor() as cursor:  # what autovacuum would have done since
        cursor.execute("VACUUM ANALYZE")
    return {"user": user, "campaigns": campaigns, "answers": answers}


def timed_get(client, url: str) -> tuple[float, object]:
    start = time.perf_counter()
    response = client.get(url, HTTP_HOST="localhost")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, body


def counted_get(client, url: str) -> tuple[float, bytes, list[dict]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        elapsed, body = timed_get(client, url)
    return elapsed, body, ctx.captured_queries


def raw_aggregation_ms(campaign_id: int, responses: int) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(RAW_SQL, [campaign_id])
        rows = cursor.fetchall()
        elapsed = (time.perf_counter() - start) * 1000
    assert sum(n for _, _, n in rows) == responses * QUESTIONS, rows[:3]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50, help="per closed page, gunicorn")
    parser.add_argument("--cold-requests", type=int, default=5, help="per recomputed page")
    parser.add_argument("--queries", type=int, default=6, help="slowest queries listed")
    smoke_argument(parser)
    args = parser.parse_args()
    if args.smoke:
        args.requests, args.cold_requests = 3, 1
    print(f"machine: {machine()}")
    env = bench_env("results")
    collect_static(env)
    setup_django(env)
    run(args, env)


def gunicorn_p50(env: dict, campaigns: dict, requests: int) -> dict[str, list[float]]:
    """Sequential requests to each closed campaign's results page under gunicorn (ms)."""
    server, base = gunicorn_start(env)
    try:
        opener = login(base, "bench-results", PASSWORD)
        out = {}
        for label, campaign in campaigns.items():
            url = f"{base}/enquetes/{campaign.pk}/resultats/"
            for _ in range(4):  # both workers, their connections and caches
                opener.open(url).read()
            timings = []
            for _ in range(requests):
                start = time.perf_counter()
                body = opener.open(url).read()
                timings.append((time.perf_counter() - start) * 1000)
            assert campaign.name.encode() in body
            out[label] = timings
        return out
    finally:
        stop(server)


def run(args, env: dict) -> None:
    from django.core.cache import cache
    from django.test import Client

    from enquetes.models import CampaignTally
    from enquetes.services.tallies import tallies_check, tallies_store

    sizes = SMOKE_SIZES if args.smoke else SIZES
    t0 = time.perf_counter()
    data = load_data(sizes)
    print(
        f"data ready in {time.perf_counter() - t0:.1f} s (COPY + VACUUM ANALYZE): closed campaigns "
        f"of {sizes['big']:,} and {sizes['huge']:,} completed responses x {QUESTIONS} "
        f"satisfaction questions ({data['answers']['big']:,} and {data['answers']['huge']:,} "
        f"answers), {INVITED_PER_RESPONSE} invitations per response, {PROGRAMMES} programmes; "
        f"small campaign: {sizes['small']} responses"
    )
    campaigns = data["campaigns"]
    timed = {label: campaigns[label] for label in ("big", "huge")}

    t0 = time.perf_counter()
    stored = tallies_store()
    print(f"counts stored (tallies_store) for {stored} closed campaigns in "
          f"{time.perf_counter() - t0:.1f} s; check against a recomputation: "
          f"{'equal' if not tallies_check() else 'DIFFERENT'}")  # fmt: skip

    # Closed: stored counts, under gunicorn.
    closed = gunicorn_p50(env, timed, args.requests)
    for label, timings in closed.items():
        ms = p50(timings)
        print(
            f"results page, closed campaign of {sizes[label]:,} responses (stored counts), "
            f"gunicorn: {len(timings)} requests p50 {ms:.0f} ms p95 "
            f"{percentile(timings, 0.95):.0f} ms max {max(timings):.0f} ms - target p50 < "
            f"{TARGET_CLOSED_MS} ms: {'met' if ms < TARGET_CLOSED_MS else 'MISSED'}"
        )

    # Running: the same campaigns reopened; the worker's refresh (at most once a minute) timed,
    # then the pages under gunicorn reading the refreshed counts.
    from django.utils import timezone

    from enquetes.models import Campaign

    Campaign.objects.filter(pk__in=[c.pk for c in timed.values()]).update(
        closes_on=timezone.localdate() + dt.timedelta(days=10)
    )
    for label, campaign in timed.items():
        campaign.refresh_from_db()
        CampaignTally.objects.filter(campaign=campaign).delete()
        t0 = time.perf_counter()
        assert tallies_store() == 1
        print(f"running campaign of {sizes[label]:,} responses: one refresh of its counts (the "
              f"worker, at most once a minute) {time.perf_counter() - t0:.1f} s")  # fmt: skip
    running = gunicorn_p50(env, timed, args.requests)
    for label, timings in running.items():
        ms = p50(timings)
        print(
            f"results page, running campaign of {sizes[label]:,} responses (counts refreshed by "
            f"the worker), gunicorn: {len(timings)} requests p50 {ms:.0f} ms p95 "
            f"{percentile(timings, 0.95):.0f} ms - target p50 < {TARGET_RUNNING_MS} ms: "
            f"{'met' if ms < TARGET_RUNNING_MS else 'MISSED'}"
        )

    # No worker: the page computes the counts itself, once a minute (cache cleared each time).
    client = Client()
    client.force_login(data["user"])
    CampaignTally.objects.all().delete()
    queries = []
    for label, campaign in timed.items():
        url = f"/enquetes/{campaign.pk}/resultats/"
        timed_get(client, url)  # warm-up: templates, connection
        timings = []
        for _ in range(args.cold_requests):
            cache.clear()
            elapsed, _, queries = counted_get(client, url)
            timings.append(elapsed * 1000)
        ms = p50(timings)
        print(
            f"results page without a worker, counts computed by the page once a minute "
            f"({sizes[label]:,} responses), in-process: {len(timings)} requests p50 {ms:.0f} ms "
            f"max {max(timings):.0f} ms ({len(queries)} queries)"
        )
    raw_ms = [raw_aggregation_ms(campaigns["huge"].pk, sizes["huge"]) for _ in range(3)]
    print(f"raw SQL aggregation (question, value, count over the {data['answers']['huge']:,} "
          f"answers): p50 {p50(raw_ms):.0f} ms")  # fmt: skip
    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[: args.queries]
    print(f"slowest queries of the recomputed page ({sizes['huge']:,} responses; "
          f"{sum(float(q['time']) for q in queries) * 1000:.0f} ms in SQL in all):")  # fmt: skip
    for query in slowest:
        print(f"  {float(query['time']) * 1000:6.0f} ms  {query['sql'][:150]}")

    # Exports
    big, small = campaigns["big"].pk, campaigns["small"].pk
    for extension in ("csv",):
        small_s, small_body, small_queries = counted_get(
            client, f"/enquetes/{small}/export.{extension}"
        )
        big_s, big_body, big_queries = counted_get(client, f"/enquetes/{big}/export.{extension}")
        if extension == "csv":
            lines = big_body.decode("utf-8-sig").count("\r\n")
            assert lines == sizes["big"] + 1, lines
        constant = len(small_queries) == len(big_queries)
        print(
            f"export.{extension}: {big_s:.1f} s for {sizes['big']:,} responses "
            f"({len(big_body) / 1e6:.1f} MB), {len(big_queries)} queries "
            f"({len(small_queries)} for {sizes['small']} responses: "
            f"{'constant' if constant else 'NOT constant'}) - target < {TARGET_EXPORT_S} s: "
            f"{'met' if big_s < TARGET_EXPORT_S and constant else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
