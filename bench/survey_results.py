"""Benchmark: results page and exports of a large campaign, on PostgreSQL.

Loads (again at every run, with COPY) a closed anonymous campaign of 25,000 invitations and
20,000 completed responses to 30 satisfaction questions (600,000 answers), spread over 20
programmes, the questions tied to the 8 charter commitments; plus a small campaign (100
responses) to show that the exports' query count does not grow with the data. Then, through the
Django test client logged in as a staff user of the cooperative (DEBUG=false):

- times the results page /enquetes/<id>/resultats/ (p50 / p95 over 20 requests after one
  warm-up), beside the raw SQL aggregation over the same rows (question, value, count) run
  directly, and lists the page's slowest queries;
- times the CSV and the XLSX exports, consuming the streamed response, with their query count.

    .venv/bin/python bench/survey_results.py [--requests 20] [--smoke]

Database: DATABASE_URL's name + "_bench_results" (see bench/common.py), created if missing,
emptied and loaded again at each run.
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
    machine,
    p50,
    percentile,
    reset_tenants,
    satisfaction_questionnaire,
    setup_django,
    smoke_argument,
)

SLUG = "bench-results"
QUESTIONS = 30
RESPONSES = 20_000
INVITATIONS = 25_000
SMALL_RESPONSES = 100
PROGRAMMES = 20
TARGET_RESULTS_MS = 500
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
    from enquetes.models import Campaign, Question, SurveyKind

    rng = random.Random(4)
    reset_tenants()
    today = timezone.localdate()
    with transaction.atomic():
        coop = Cooperative.objects.create(name="Coopérative des résultats", slug=SLUG)
        user = User.objects.create_user(
            "bench-results", cooperative=coop, role=User.Role.STAFF, password=None
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
        big = Campaign.objects.create(
            cooperative=coop, questionnaire=questionnaire, name="Enquête triennale 2026",
            kind=SurveyKind.TRIENNIAL, opens_on=today - dt.timedelta(days=40),
            closes_on=today - dt.timedelta(days=10), reminder_days=[7, 14],
            launched_at=timezone.now() - dt.timedelta(days=40),
        )  # fmt: skip
        small = Campaign.objects.create(
            cooperative=coop, questionnaire=questionnaire, name="Nouveaux occupants 2026",
            kind=SurveyKind.NEW_OCCUPANT, opens_on=today - dt.timedelta(days=40),
            closes_on=today - dt.timedelta(days=10),
            launched_at=timezone.now() - dt.timedelta(days=40),
        )  # fmt: skip
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg 3 cursor, for COPY
            answers = campaign_load(
                raw, campaign=big, programmes=programmes, question_ids=question_ids,
                invitations=sizes["invitations"], responses=sizes["responses"], rng=rng,
            )  # fmt: skip
            campaign_load(
                raw, campaign=small, programmes=programmes[:2], question_ids=question_ids,
                invitations=sizes["small"], responses=sizes["small"], rng=rng,
            )  # fmt: skip
    with connection.cursor() as cursor:  # what autovacuum would have done since
        cursor.execute("VACUUM ANALYZE")
    return {"user": user, "big": big, "small": small, "answers": answers}


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
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--queries", type=int, default=6, help="slowest queries listed")
    smoke_argument(parser)
    args = parser.parse_args()
    if args.smoke:
        args.requests = 2
    print(f"machine: {machine()}")
    env = bench_env("results")
    collect_static(env)
    setup_django(env)
    run(args)


def run(args) -> None:
    from django.test import Client

    sizes = {"invitations": INVITATIONS, "responses": RESPONSES, "small": SMALL_RESPONSES}
    if args.smoke:
        sizes = {"invitations": 60, "responses": 50, "small": 10}
    responses = sizes["responses"]
    t0 = time.perf_counter()
    data = load_data(sizes)
    load_s = time.perf_counter() - t0
    print(
        f"data ready in {load_s:.1f} s (COPY + VACUUM ANALYZE): {sizes['invitations']:,} "
        f"invitations, {responses:,} completed responses x {QUESTIONS} satisfaction questions = "
        f"{data['answers']:,} answers, {PROGRAMMES} programmes; small campaign: "
        f"{sizes['small']} responses"
    )
    client = Client()
    client.force_login(data["user"])
    big, small = data["big"].pk, data["small"].pk

    # Results page
    url = f"/enquetes/{big}/resultats/"
    timed_get(client, url)  # warm-up
    page_ms, raw_ms = [], []
    for _ in range(args.requests):
        page_ms.append(timed_get(client, url)[0] * 1000)
        raw_ms.append(raw_aggregation_ms(big, responses))
    _, body, queries = counted_get(client, url)
    assert "Enquête triennale 2026".encode() in body
    print(
        f"results page: {args.requests} requests  p50 {p50(page_ms):.0f} ms  "
        f"p95 {percentile(page_ms, 0.95):.0f} ms  max {max(page_ms):.0f} ms  "
        f"({len(queries)} queries) - target p50 < {TARGET_RESULTS_MS} ms: "
        f"{'met' if p50(page_ms) < TARGET_RESULTS_MS else 'MISSED'}"
    )
    print(
        f"raw SQL aggregation (question, value, count over the same {data['answers']:,} rows): "
        f"p50 {p50(raw_ms):.0f} ms  p95 {percentile(raw_ms, 0.95):.0f} ms"
    )
    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[: args.queries]
    print(f"slowest queries of the page ({sum(float(q['time']) for q in queries) * 1000:.0f} ms "
          f"in SQL in all):")  # fmt: skip
    for query in slowest:
        print(f"  {float(query['time']) * 1000:6.0f} ms  {query['sql'][:150]}")

    # Exports
    for extension in ("csv", "xlsx"):
        small_s, small_body, small_queries = counted_get(
            client, f"/enquetes/{small}/export.{extension}"
        )
        big_s, big_body, big_queries = counted_get(client, f"/enquetes/{big}/export.{extension}")
        if extension == "csv":
            lines = big_body.decode("utf-8-sig").count("\r\n")
            assert lines == responses + 1, lines
        constant = len(small_queries) == len(big_queries)
        print(
            f"export.{extension}: {big_s:.1f} s for {responses:,} responses "
            f"({len(big_body) / 1e6:.1f} MB), {len(big_queries)} queries "
            f"({len(small_queries)} for {sizes['small']} responses: "
            f"{'constant' if constant else 'NOT constant'}) - target < {TARGET_EXPORT_S} s: "
            f"{'met' if big_s < TARGET_EXPORT_S and constant else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
