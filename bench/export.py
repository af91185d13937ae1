"""Benchmark: exports of a campaign of 100,000 responses off the request, on PostgreSQL.

Loads (again at every run, with COPY) one nominative campaign: 100,000 invitations, all answered,
100,000 completed responses to 30 satisfaction questions and, one response in three, a free-text
comment of its own (3,033,333 answers). Then, each in a fresh process (so that its peak RSS is
its own, read by a small launcher from RUSAGE_CHILDREN, and its CPU time too):

- the XLSX export job (`enquetes.tasks.export_build_task`, as a worker runs it): wall time, CPU
  time, peak RSS, and the RSS before the build (Django and the code loaded);
- the CSV export job, the same way (what a CSV over 20,000 responses costs a worker);
- the CSV streamed from the request (Django's test client, EXPORT_STREAM_MAX_RESPONSES raised
  for this process only so that 100,000 responses stream): time to the first bytes, to the
  last, peak RSS.

Targets (issue 15): the XLSX of 100,000 responses in < 30 s of worker time and < 200 MB.

    .venv/bin/python bench/export.py [--smoke] [--reuse]

Database: DATABASE_URL's name + "_bench_export" (see bench/common.py), created if missing,
emptied and loaded again at each run (--reuse: kept when the previous run loaded it whole, the
load taking minutes). --smoke: 200 responses.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ROOT,
    bench_env,
    copy_rows,
    machine,
    reset_tenants,
    satisfaction_questionnaire,
    setup_django,
    smoke_argument,
)

SLUG = "bench-export"
QUESTIONS = 30
RESPONSES = 100_000
SMOKE_RESPONSES = 200
COMMENT_EVERY = 3
TARGET_SECONDS = 30
TARGET_MB = 200
VALUES = ["tres_satisfait", "assez_satisfait", "peu_satisfait", "pas_du_tout_satisfait", "nsp"]
WEIGHTS = [35, 40, 12, 5, 8]
WORDS = [
    "livraison",
    "chantier",
    "retard",
    "fuite",
    "carrelage",
    "fenêtre",
    "chauffage",
    "merci",
    "équipe",
    "accueil",
    "suivi",
    "réserves",
    "parking",
    "ascenseur",
    "isolation",
    "bruit",
    "propreté",
    "notaire",
    "garantie",
    "visite",
    "clés",
]


def load_data(responses: int) -> int:
    """The campaign, loaded with COPY; returns its id."""
    from django.db import connection, transaction
    from django.utils import timezone

    from cooperatives.models import Cooperative, Programme
    from enquetes.models import Answer, Campaign, Invitation, Question, Response, SurveyKind

    rng = random.Random(15)
    reset_tenants()
    today = timezone.localdate()
    with transaction.atomic():
        coop = Cooperative.objects.create(name="Coopérative des exports", slug=SLUG)
        programmes = [
            p.pk
            for p in Programme.objects.bulk_create(
                Programme(cooperative=coop, name=f"Résidence {i:02d}", code=f"R{i:02d}")
                for i in range(20)
            )
        ]
        questionnaire = satisfaction_questionnaire(coop, "triennale", QUESTIONS)
        section = questionnaire.sections.get()
        comment = Question.objects.create(
            questionnaire=questionnaire, section=section, key="commentaire",
            text="Un commentaire ?", type=Question.Type.TEXT, required=False, position=QUESTIONS,
        )  # fmt: skip
        question_ids = list(
            Question.objects.filter(questionnaire=questionnaire, type=Question.Type.SATISFACTION)
            .order_by("position")
            .values_list("pk", flat=True)
        )
        campaign = Campaign.objects.create(
            cooperative=coop, questionnaire=questionnaire, name="Enquête triennale 2026",
            kind=SurveyKind.TRIENNIAL, anonymous=False, opens_on=today - dt.timedelta(days=40),
            closes_on=today - dt.timedelta(days=10), reminder_days=[7, 14],
            launched_at=timezone.now() - dt.timedelta(days=40),
        )  # fmt: skip
        now = timezone.now()
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg 3 cursor, for COPY
            copy_rows(
                raw, Invitation,
                ["campaign_id", "programme_id", "lot_code", "last_name", "first_name", "email",
                 "phone", "token", "expires_at", "created_at", "started_at", "answered_at"],
                (
                    (campaign.pk, programmes[i % 20], f"L{i:06d}", f"Acquéreur {i}", "Dominique",
                     f"acquereur{i}@example.org", "", secrets.token_urlsafe(32),
                     campaign.closes_at, now, now, now)
                    for i in range(responses)
                ),
            )  # fmt: skip
            invitations = list(
                Invitation.objects.filter(campaign=campaign).order_by("pk").values_list("pk")
            )
            ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(responses)]
            channels = ["web"] * 17 + ["phone", "paper", "web"]
            copy_rows(
                raw, Response,
                ["id", "campaign_id", "invitation_id", "programme_id", "channel", "completed",
                 "submitted_on"],
                (
                    (rid, campaign.pk, invitations[i][0], programmes[i % 20], channels[i % 20],
                     True, today - dt.timedelta(days=rng.randrange(30)))
                    for i, rid in enumerate(ids)
                ),
            )  # fmt: skip

            def answers():
                for i, rid in enumerate(ids):
                    values = rng.choices(VALUES, WEIGHTS, k=QUESTIONS)
                    for qid, value in zip(question_ids, values, strict=True):
                        yield (rid, qid, value, "")
                    if i % COMMENT_EVERY == 0:
                        text = " ".join(rng.choices(WORDS, k=12)).capitalize() + f" (n° {i})."
                        yield (rid, comment.pk, "", text)

            total = copy_rows(
                raw, Answer, ["response_id", "question_id", "value", "text"], answers()
            )
    with connection.cursor() as cursor:  # what autovacuum would have done since
        cursor.execute("VACUUM ANALYZE")
    print(f"answers loaded: {total:,}")
    return campaign.pk


# In the child process -------------------------------------------------------------------------


def vm_kb(field: str) -> int:
    """A memory figure of this process from /proc (VmRSS: now, VmHWM: peak of this program)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child(what: str, campaign_id: int) -> None:
    """In a fresh process: one export; print its figures as JSON."""
    import os
    import resource

    import django

    django.setup()
    from django.test import Client

    from cooperatives.models import User
    from enquetes.models import Campaign, ExportJob
    from enquetes.tasks import export_build_task

    campaign = Campaign.objects.get(pk=campaign_id)
    if what == "stream":
        client = Client()
        client.force_login(User.objects.get(username="bench-export"))
        client.get(
            "/", HTTP_HOST="localhost"
        )  # middleware, templates and session loaded before measuring
        before = vm_kb("VmRSS")
        cpu0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        response = client.get(f"/enquetes/{campaign_id}/export.csv", HTTP_HOST="localhost")
        assert response.streaming, response.status_code
        chunks = iter(response.streaming_content)
        first = next(chunks)
        first_s = time.perf_counter() - t0
        size, lines = len(first), 0
        for chunk in chunks:
            size += len(chunk)
            lines += chunk.count(b"\r\n")
        figures = {"first_s": first_s, "rows": lines - 1, "bytes": size}
    else:
        job = ExportJob.objects.create(campaign=campaign, format=what)
        before = vm_kb("VmRSS")
        cpu0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        export_build_task.apply(args=[job.pk])
        job.refresh_from_db()
        assert job.status == ExportJob.Status.DONE, (job.status, job.error)
        figures = {"rows": job.rows, "bytes": job.size}
        job.file.delete(save=False)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    figures.update(
        seconds=time.perf_counter() - t0,
        cpu_s=(cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime),
        setup_kb=before, hwm_kb=vm_kb("VmHWM"), pid=os.getpid(),
    )  # fmt: skip
    print(json.dumps(figures))


# Linux carries the RSS high-water mark of the forking process into the child's ru_maxrss, so
# the child runs under a small launcher that forks from a few MB and reports it (bench/report.py).
LAUNCHER = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)"
)


def measured(env: dict, what: str, campaign_id: int) -> dict:
    process = subprocess.run(
        [sys.executable, "-S", "-c", LAUNCHER, sys.executable, __file__,
         "--child", what, "--campaign", str(campaign_id)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    if process.returncode:
        raise SystemExit(f"{what}: the child failed\n{process.stdout}\n{process.stderr[-3000:]}")
    figures = json.loads(process.stdout.strip().splitlines()[-1])
    figures["maxrss_kb"] = int(process.stderr.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    smoke_argument(parser)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the campaign of the previous run if complete"
    )
    parser.add_argument("--child", choices=["xlsx", "csv", "stream"], help=argparse.SUPPRESS)
    parser.add_argument("--campaign", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.campaign)
        return
    print(f"machine: {machine()}")
    # Streamed without a threshold in the children (this bench measures 100,000 streamed too).
    env = bench_env("export", EXPORT_STREAM_MAX_RESPONSES="10000000")
    setup_django(env)
    run(args, env)


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def run(args, env: dict) -> None:
    from cooperatives.models import Cooperative, User
    from enquetes.models import Campaign, Response

    responses = SMOKE_RESPONSES if args.smoke else RESPONSES
    t0 = time.perf_counter()
    loaded = Campaign.objects.filter(cooperative__slug=SLUG).first()
    if args.reuse and loaded and Response.objects.filter(campaign=loaded).count() == responses:
        print(f"data of the previous run kept (--reuse): campaign {loaded.pk}")
        campaign_id = loaded.pk
    else:
        campaign_id = load_data(responses)
        User.objects.create_user(
            "bench-export", cooperative=Cooperative.objects.get(slug=SLUG), role=User.Role.STAFF
        )
    print(f"data ready in {time.perf_counter() - t0:.1f} s (COPY + VACUUM ANALYZE): a nominative "
          f"campaign of {responses:,} responses x {QUESTIONS} satisfaction questions, a comment "
          f"every {COMMENT_EVERY} responses")  # fmt: skip
    for what, label in (("xlsx", "XLSX job"), ("csv", "CSV job")):
        f = measured(env, what, campaign_id)
        assert f["rows"] == responses, f
        peak_mb = f["maxrss_kb"] / 1024
        line = (
            f"{label}, {responses:,} responses: worker {f['seconds']:.1f} s wall, "
            f"{f['cpu_s']:.1f} s CPU; peak RSS {peak_mb:.0f} MB (of which "
            f"{f['setup_kb'] / 1024:.0f} MB before the build); file {f['bytes'] / 1e6:.1f} MB"
        )
        if what == "xlsx":
            # Both times judged: on a loaded machine the wall time counts the waits for a core.
            line += (
                f" - targets < {TARGET_SECONDS} s: CPU {verdict(f['cpu_s'] < TARGET_SECONDS)}, "
                f"wall {verdict(f['seconds'] < TARGET_SECONDS)}; < {TARGET_MB} MB: "
                f"{verdict(peak_mb < TARGET_MB)}"
            )
        print(line)
    f = measured(env, "stream", campaign_id)
    assert f["rows"] == responses, f
    print(
        f"CSV streamed from the request, {responses:,} responses: first bytes after "
        f"{f['first_s'] * 1000:.0f} ms, last after {f['seconds']:.1f} s wall "
        f"({f['cpu_s']:.1f} s CPU); peak RSS {f['maxrss_kb'] / 1024:.0f} MB (of which "
        f"{f['setup_kb'] / 1024:.0f} MB before the request); {f['bytes'] / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
