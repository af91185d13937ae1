"""Benchmark: building the annual report (HTML, then PDF/A-3b with WeasyPrint), on PostgreSQL.

Loads (once; later runs reuse it) two cooperatives of the same structure: 8 charter commitments,
40 indicators (5 per commitment, monthly or quarterly) measured over the report year and the 3
previous years, 200 actions (every status, ISO 26000 subjects, some done in the year, some late,
linked to 1 or 2 commitments) with 60 pieces of evidence, and 3 launched anonymous campaigns in
the report year on the shipped "triennale-acquereurs" questionnaire. The campaigns of the large
cooperative hold 5,000 completed responses each, those of the small one 500; every response
answers each satisfaction, yes/no and NPS question, about 10 % leave a comment; 2.5 invitations
per response, the answered ones with answered_at. Responses, answers and invitations go in with
COPY. Then, with DEBUG=false, it prints:

- the full build time (report_context + render_pdf, what report_build does minus the file write),
  best of 3, with the page count (and the same for the small cooperative);
- WeasyPrint alone on the same HTML saved to a file, best of 3, and the ratio of the two;
- the peak RSS of a subprocess doing one full build;
- report_context (data gathering only): time (best of 5) and query count, 5,000 vs 500
  responses per campaign.

    .venv/bin/python bench/report.py [--year 2025] [--smoke]

Database: DATABASE_URL's name + "_bench_report" (see bench/common.py), created if missing. The
year defaults to last year; the data of another year (or of the smoke mode's sizes: 50 and 10
responses per campaign, each measure once) is loaded beside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import common  # noqa: E402

LARGE, SMALL = 5_000, 500  # completed responses per campaign (--smoke: SMOKE_SIZES)
SMOKE_SIZES = (50, 10)
INVITED_PER_RESPONSE = 2.5
TARGET_RATIO = 1.5
TARGET_RSS_MB = 400
CLOSE = 1.25  # "times close": large / small data-gathering time at most this

SATISFACTION = ["tres_satisfait", "assez_satisfait", "peu_satisfait", "pas_du_tout_satisfait",
                "nsp"]  # fmt: skip
SATISFACTION_WEIGHTS = [35, 40, 12, 5, 8]
NPS_WEIGHTS = [1, 1, 1, 2, 2, 4, 6, 12, 20, 25, 26]
COMMENTS = [
    "Très contents de notre logement ; merci à l'équipe pour son accompagnement !",
    "Le chantier a pris trois mois de retard : nous aurions aimé être prévenus plus tôt.",
    "Les finitions de la salle de bains laissent à désirer, le SAV est passé deux fois.",
    "Bonne écoute pendant l'achat, mais les parties communes sont mal entretenues.",
    "Le prix était juste pour la qualité ; nous recommandons la coopérative.",
    "Isolation phonique décevante entre les appartements.",
    "Réponse rapide du service après-vente pour la fuite du ballon d'eau chaude.",
    "Les visites de chantier étaient très bien organisées, merci !",
    "Difficile de joindre quelqu'un au téléphone pendant les travaux.",
    "Le « cahier de l'acquéreur » nous a beaucoup aidés à comprendre le contrat.",
]


def slug_of(responses: int, year: int) -> str:
    return f"bench-report-{year}-{responses}"


# --- loading -----------------------------------------------------------------------------------


def load_engagements(coop, year: int, rng: random.Random) -> None:
    from django.db import connection

    from cooperatives.models import User
    from engagements import periods
    from engagements.models import (
        Action,
        Commitment,
        Evidence,
        Indicator,
        IsoSubject,
        Measurement,
    )
    from engagements.services.charter import commitments_create_charter

    commitments_create_charter(cooperative=coop)
    commitments = list(Commitment.objects.filter(cooperative=coop).order_by("number"))
    users = [
        User.objects.create_user(
            f"{coop.slug}-{i}",
            password=None,
            cooperative=coop,
            role=User.Role.STAFF,
            first_name=f"Camille{i}",
            last_name="Martin",
        )  # fmt: skip
        for i in range(5)
    ]
    indicators = Indicator.objects.bulk_create(
        Indicator(
            commitment=commitments[i // 5],
            name=f"Indicateur {i + 1} de l'engagement {i // 5 + 1}",
            description="Part des cas traités dans le délai promis.",
            unit="jours" if i % 5 == 4 else "%",
            direction="lower" if i % 5 == 4 else "higher",
            target=Decimal(30) if i % 5 == 4 else Decimal(90),
            period="month" if i % 2 == 0 else "quarter",
            position=i % 5,
        )
        for i in range(40)
    )
    end = dt.date(year, 12, 31)
    measurements = []
    for ind in indicators:
        current = dt.date(year - 3, 1, 1)
        while current <= end:
            low, high = (200, 450) if ind.direction == "lower" else (700, 1000)
            measurements.append(
                Measurement(
                    indicator=ind,
                    period_start=current,
                    entered_by=users[0],
                    value=Decimal(rng.randint(low, high)) / 10,
                )  # fmt: skip
            )
            current = periods.shift(ind.period, current, 1)
    measurements = Measurement.objects.bulk_create(measurements)
    statuses = ["done", "done", "done", "in_progress", "in_progress", "planned", "planned",
                "planned", "abandoned", "done"]  # fmt: skip
    subjects = ["", *(s for s, _ in IsoSubject.choices)]
    actions = []
    for i in range(200):
        status = statuses[i % len(statuses)]
        due = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(-365, 540))
        completed = None
        if status == "done":  # 3 in 4 done in the year, the others the year before
            completed = dt.date(year - (1 if i % 4 == 0 else 0), 1, 1) + dt.timedelta(
                days=rng.randint(0, 364)
            )
        actions.append(
            Action(
                cooperative=coop,
                title=f"Action {i + 1} : améliorer le suivi des acquéreurs (lot {i % 17 + 1})",
                description="Plan d'actions de l'année.",
                status=status,
                iso_subject=subjects[i % len(subjects)],
                owner=users[i % len(users)],
                due_date=due,
                completed_on=completed,
                progress_note="Point fait en comité qualité." if i % 3 == 0 else "",
            )
        )
    actions = Action.objects.bulk_create(actions)
    Through = Action.commitments.through
    Through.objects.bulk_create(
        Through(action_id=a.pk, commitment_id=commitments[k].pk)
        for i, a in enumerate(actions)
        for k in sorted({i % 8, (i * 3 + 1) % 8} if i % 3 == 0 else {i % 8})
    )
    with connection.cursor() as cursor:  # created over the two years before the report's end
        cursor.execute(
            "UPDATE engagements_action SET created_at = %s::timestamptz - (id %% 600) * "
            "interval '1 day' WHERE cooperative_id = %s",
            [dt.datetime(year, 12, 15, 12, tzinfo=dt.UTC), coop.pk],
        )
    in_year = [m for m in measurements if m.period_start.year == year]
    evidence = []
    for i in range(60):
        kind = "link" if i % 2 else "note"
        target = (
            {"action": actions[i * 3]}
            if i < 30
            else {"commitment": commitments[i % 8]}
            if i < 45
            else {"measurement": in_year[i * 7 % len(in_year)]}
        )
        evidence.append(
            Evidence(
                cooperative=coop,
                kind=kind,
                title=f"Preuve {i + 1} : compte rendu de réunion",
                fact_date=dt.date(year, 1, 1) + dt.timedelta(days=i * 6),
                note="Compte rendu validé par le conseil d'administration."
                if kind == "note"
                else "",
                url=f"https://intranet.example.org/preuves/{i + 1}" if kind == "link" else "",
                added_by=users[1],
                **target,
            )  # fmt: skip
        )
    Evidence.objects.bulk_create(evidence)


def answer_rows(response_ids, answered, comment, rng: random.Random):
    """Each response answers every satisfaction, yes/no and NPS question; ~10 % comment."""
    for rid in response_ids:
        for q in answered:
            if q.type == "satisfaction":
                value = rng.choices(SATISFACTION, SATISFACTION_WEIGHTS)[0]
            elif q.type == "nps":
                value = str(rng.choices(range(11), NPS_WEIGHTS)[0])
            elif q.key == "sav_sollicite":  # "oui": the two SAV questions apply
                value = "oui"
            else:
                value = "oui" if rng.random() < 0.7 else "non"
            yield (rid, q.pk, value, "")
        if rng.random() < 0.1:
            yield (rid, comment.pk, "", rng.choice(COMMENTS))


def load_surveys(coop, year: int, responses: int, rng: random.Random) -> int:
    """Three launched anonymous campaigns of `responses` completed responses; return answers."""
    from django.db import connection

    from enquetes.models import Answer, Campaign, Invitation, Question, Response
    from enquetes.services.questionnaires import questionnaire_from_template

    questionnaire = questionnaire_from_template(
        cooperative=coop, template_key="triennale-acquereurs"
    )
    questionnaire.frozen_at = dt.datetime(year, 1, 15, tzinfo=dt.UTC)
    questionnaire.save(update_fields=["frozen_at"])
    questions = list(Question.objects.filter(questionnaire=questionnaire))
    answered = [q for q in questions if q.type in ("satisfaction", "yes_no", "nps")]
    comment = next(q for q in questions if q.type == "text")
    windows = [((3, 1), (4, 15), "Nord"), ((6, 1), (7, 15), "Centre"), ((9, 15), (10, 31), "Sud")]
    total = 0
    for (om, od), (cm, cd), sector in windows:
        opens, closes = dt.date(year, om, od), dt.date(year, cm, cd)
        campaign = Campaign.objects.create(
            cooperative=coop, questionnaire=questionnaire, kind="triennial",
            name=f"Enquête triennale {year} — secteur {sector}", opens_on=opens,
            closes_on=closes, anonymous=True, reminder_days=[7, 14],
            launched_at=dt.datetime.combine(opens, dt.time(9), dt.UTC),
        )  # fmt: skip
        start = dt.datetime.combine(opens, dt.time(9), dt.UTC)
        minutes = (closes - opens).days * 24 * 60
        invited = int(responses * INVITED_PER_RESPONSE)
        with connection.cursor() as django_cursor:
            cursor = django_cursor.cursor  # the psycopg 3 cursor, for COPY
            invitation_rows = []
            for i in range(invited):
                at = start + dt.timedelta(minutes=rng.randrange(minutes))
                done = at if i < responses else None
                invitation_rows.append((
                    campaign.pk, f"L{i:05d}", f"Acquéreur {i}", "Dominique",
                    f"acquereur{i}@example.org", "", secrets.token_urlsafe(32),
                    campaign.closes_at, start, done, done,
                ))  # fmt: skip
            common.copy_rows(
                cursor, Invitation,
                ["campaign_id", "lot_code", "last_name", "first_name", "email", "phone", "token",
                 "expires_at", "created_at", "started_at", "answered_at"],
                invitation_rows,
            )  # fmt: skip
            # Anonymous: once submitted, no invitation and no date on the response.
            ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(responses)]
            channels = ["web"] * 17 + ["phone", "paper", "web"]
            common.copy_rows(
                cursor, Response, ["id", "campaign_id", "channel", "completed"],
                ((rid, campaign.pk, channels[i % 20], True) for i, rid in enumerate(ids)),
            )  # fmt: skip

            total += common.copy_rows(
                cursor, Answer, ["response_id", "question_id", "value", "text"],
                answer_rows(ids, answered, comment, rng),
            )  # fmt: skip
    return total


def load_data(year: int, sizes: tuple[int, int]) -> dict[int, int]:
    """Create both cooperatives unless they exist (idempotent); {responses: coop id}."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from cooperatives.models import Cooperative

    call_command("migrate", verbosity=0)
    loaded, ids = False, {}
    for responses in sizes:
        slug = slug_of(responses, year)
        existing = Cooperative.objects.filter(slug=slug).first()
        if existing is None:
            t0 = time.perf_counter()
            rng = random.Random(responses * 10_000 + year)
            with transaction.atomic():
                coop = Cooperative.objects.create(
                    name=f"Coopérative du rapport {year} ({responses:,} réponses par enquête)",
                    slug=slug, city="Nantes", homes_count=responses * 8,
                )  # fmt: skip
                load_engagements(coop, year, rng)
                answers = load_surveys(coop, year, responses, rng)
            print(f"  loaded {slug}: {answers:,} answers in {time.perf_counter() - t0:.1f} s")
            loaded, existing = True, coop
        ids[responses] = existing.pk
    if loaded:
        with connection.cursor() as cursor:  # what autovacuum would have done since
            cursor.execute("VACUUM ANALYZE")
    return ids


# --- measuring ---------------------------------------------------------------------------------


def best_of(n: int, *fns) -> list[tuple[float, object]]:
    """Best time of each function over n rounds, the functions taking turns within a round (so
    that a busy machine weighs on all of them alike), with the last result of each."""
    best = [float("inf")] * len(fns)
    results: list[object] = [None] * len(fns)
    for _ in range(n):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            results[i] = fn()
            best[i] = min(best[i], time.perf_counter() - t0)
    return list(zip(best, results, strict=True))


def version_of(coop, year: int):
    """The draft the benchmark builds: every campaign of the year presented, four comments
    of each quoted (as a director would choose them)."""
    from enquetes.models import Answer, Campaign
    from rapports.models import ReportVersion

    version = ReportVersion.objects.filter(cooperative=coop, year=year).first()
    if version is None:
        campaigns = list(Campaign.objects.filter(cooperative=coop, opens_on__year=year))
        quotes = [
            {"campaign": c.pk, "text": text}
            for c in campaigns
            for text in Answer.objects.filter(response__campaign=c, question__type="text")
            .exclude(text="")
            .values_list("text", flat=True)
            .distinct()
            .order_by("text")[:4]
        ]
        version = ReportVersion.objects.create(
            cooperative=coop, year=year, quotes=quotes,
            foreword="Une année d'écoute de nos acquéreurs.",
            highlights="Trois enquêtes menées ; un plan d'actions suivi.",
            priorities="Réduire les délais du service après-vente.",
            members=2400, homes_sold=120, programmes_delivered=6, board_members=12,
        )  # fmt: skip
        version.campaigns.set(campaigns)
    return version


def full_build(coop, year: int) -> tuple[bytes, int, list[str]]:
    """What report_build does, minus the file write: gather, then render_pdf."""
    from coopqualite.pdf import StaticOnlyFetcher, render_pdf
    from rapports.selectors import report_context
    from rapports.services.building import TEMPLATE

    fetcher = StaticOnlyFetcher()
    pdf = render_pdf(
        TEMPLATE,
        report_context(version=version_of(coop, year), today=dt.date.today()),
        fetcher=fetcher,
    )
    return pdf.content, pdf.pages, fetcher.refused


def weasyprint_only(path: Path) -> bytes:
    import weasyprint

    from coopqualite.pdf import BASE_URL, StaticOnlyFetcher

    return weasyprint.HTML(
        filename=str(path), base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()
    ).write_pdf(pdf_variant="pdf/a-3b", pdf_tags=True)


def context_queries(coop, year: int) -> list[dict]:
    """The queries of one report_context (data gathering only)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rapports.selectors import report_context

    with CaptureQueriesContext(connection) as ctx:
        report_context(version=version_of(coop, year), today=dt.date.today())
    return ctx.captured_queries


def html_queries(coop, year: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rapports.services.building import report_html

    with CaptureQueriesContext(connection) as ctx:
        report_html(version=version_of(coop, year))
    return len(ctx.captured_queries)


def vm_kb(field: str) -> int:
    """A memory figure of this process from /proc (VmRSS: now, VmHWM: peak of this program)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child_build(coop_id: int, year: int) -> None:
    """In a fresh process: one full build; print its figures as JSON."""
    import django

    django.setup()
    from cooperatives.models import Cooperative

    coop = Cooperative.objects.get(pk=coop_id)
    before = vm_kb("VmRSS")
    t0 = time.perf_counter()
    pdf, pages, _ = full_build(coop, year)
    print(json.dumps({"setup_kb": before, "hwm_kb": vm_kb("VmHWM"), "pages": pages,
                      "bytes": len(pdf), "seconds": time.perf_counter() - t0}))  # fmt: skip


# Linux carries the RSS high-water mark of the forking process into the child's ru_maxrss
# (fork copies the page tables, execve keeps the old figure), so the build runs under a small
# launcher that forks from a few MB and reports its children's ru_maxrss.
LAUNCHER = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)"
)


def peak_rss(env: dict, coop_id: int, year: int) -> tuple[int, dict]:
    """(peak RSS in KB of a fresh process doing one full build, the child's own report)."""
    process = subprocess.run(
        [sys.executable, "-S", "-c", LAUNCHER, sys.executable, __file__,
         "--child-build", str(coop_id), "--year", str(year)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    maxrss_kb = int(process.stderr.strip().splitlines()[-1])
    return maxrss_kb, json.loads(process.stdout.strip().splitlines()[-1])


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def compare_builds(large, small, small_n: int, year: int, path: Path, html: str) -> None:
    """Full build (report_context + render_pdf) and WeasyPrint alone, best of 3, taking turns."""
    from rapports.services.building import report_html

    path.write_text(html, encoding="utf-8")
    timings = best_of(
        3,
        lambda: full_build(large, year),
        lambda: weasyprint_only(path),
        lambda: report_html(version=version_of(large, year)),
        lambda: full_build(small, year),
    )
    (build_s, (pdf, pages, refused)), (weasy_s, weasy_pdf), (html_s, _) = timings[:3]
    small_build_s, (_, small_pages, _) = timings[3]
    assert not refused, refused
    assert pdf.startswith(b"%PDF"), pdf[:8]
    ratio = build_s / weasy_s
    print(f"HTML: {len(html) / 1024:.0f} KB, PDF: {len(pdf) / 1024:.0f} KB, {pages} pages "
          f"(WeasyPrint alone: {len(weasy_pdf) / 1024:.0f} KB)")  # fmt: skip
    print(f"full build (report_context + render_pdf), best of 3: {build_s:.2f} s "
          f"(report_html alone: {html_s:.2f} s)")  # fmt: skip
    print(f"full build of the same report with {small_n:,} responses per campaign, best of 3: "
          f"{small_build_s:.2f} s ({small_pages} pages)")  # fmt: skip
    print(f"WeasyPrint alone on the saved HTML, best of 3: {weasy_s:.2f} s")
    print(f"ratio build / WeasyPrint: {ratio:.2f} - target <= {TARGET_RATIO}: "
          f"{verdict(ratio <= TARGET_RATIO)}")  # fmt: skip


def run(args, env: dict, workdir: Path) -> None:
    from cooperatives.models import Cooperative
    from rapports.selectors import report_context
    from rapports.services.building import report_html

    year = args.year
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} cores)")  # fmt: skip
    t0 = time.perf_counter()
    large_n, small_n = SMOKE_SIZES if args.smoke else (LARGE, SMALL)
    context_rounds = 1 if args.smoke else 5
    ids = load_data(year, (large_n, small_n))
    print(f"data ready in {time.perf_counter() - t0:.1f} s")
    large = Cooperative.objects.get(pk=ids[large_n])
    small = Cooperative.objects.get(pk=ids[small_n])
    print(
        f"report {year}: 8 commitments, 40 indicators (monthly / quarterly, {year - 3}-{year}), "
        f"200 actions, 60 pieces of evidence, 3 campaigns x {large_n:,} completed responses "
        f"(questionnaire triennale-acquereurs, 13 answers + a comment on ~10 %)"
    )

    html = report_html(version=version_of(large, year))
    if args.smoke:  # the PDF is built once, by the subprocess below
        print(f"HTML: {len(html) / 1024:.0f} KB (smoke: in-process builds skipped)")
    else:
        compare_builds(large, small, small_n, year, workdir / "report.html", html)

    # Peak memory of one full build in a fresh process.
    peak_kb, child = peak_rss(env, large.pk, year)
    print(
        f"peak RSS of a subprocess doing one full build (ru_maxrss): {peak_kb / 1024:.0f} MB "
        f"(VmHWM {child['hwm_kb'] / 1024:.0f} MB; {child['setup_kb'] / 1024:.0f} MB after "
        f"django.setup; build {child['seconds']:.2f} s, {child['pages']} pages) - "
        f"target < {TARGET_RSS_MB} MB: {verdict(peak_kb / 1024 < TARGET_RSS_MB)}"
    )

    # Data gathering does not grow with the responses.
    report_context(version=version_of(small, year), today=dt.date.today())  # warm-up
    (large_s, _), (small_s, _) = best_of(
        context_rounds,
        lambda: report_context(version=version_of(large, year), today=dt.date.today()),
        lambda: report_context(version=version_of(small, year), today=dt.date.today()),
    )
    large_q, small_q = context_queries(large, year), context_queries(small, year)
    large_html_q, small_html_q = html_queries(large, year), html_queries(small, year)
    equal = len(large_q) == len(small_q)
    close = large_s <= small_s * CLOSE
    print(
        f"report_context (data gathering), best of {context_rounds}: {large_n:,} responses/"
        f"campaign {large_s * 1000:.0f} ms ({len(large_q)} queries), {small_n:,} responses/"
        f"campaign {small_s * 1000:.0f} ms ({len(small_q)} queries); ratio {large_s / small_s:.2f}"
    )
    print(f"report_html queries: {large_html_q} ({large_n:,}) vs {small_html_q} ({small_n:,})")
    print(f"query counts equal: {verdict(equal)}; times close (ratio <= {CLOSE}): "
          f"{verdict(close)}")  # fmt: skip
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for label, queries in ((f"{large_n:,}", large_q), (f"{small_n:,}", small_q)):
        total = sum(float(q["time"]) for q in queries) * 1000
        print(f"SQL of report_context with {label} responses per campaign: {total:.0f} ms in all; "
              f"costliest query shapes:")  # fmt: skip
        for count, ms, shape in query_shapes(queries)[: args.queries]:
            print(f"  {ms:6.0f} ms  {count} x {shape}")


def query_shapes(queries: list[dict]) -> list[tuple[int, float, str]]:
    """Queries grouped by their text with numbers blanked: (count, total ms, short text)."""
    groups: dict[str, list] = {}
    for query in queries:
        sql = re.sub(r"\b\d+\b", "N", query["sql"].replace('"', ""))
        select, _, rest = sql.partition(" FROM ")
        where = rest[rest.find(" WHERE ") :] if " WHERE " in rest else ""
        short = f"{select[:110]} ...{where[:90]}"
        group = groups.setdefault(sql, [0, 0.0, short])
        group[0] += 1
        group[1] += float(query["time"]) * 1000
    return sorted((tuple(g) for g in groups.values()), key=lambda g: -g[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=dt.date.today().year - 1)
    parser.add_argument("--queries", type=int, default=5, help="slowest queries listed")
    parser.add_argument("--child-build", type=int, help=argparse.SUPPRESS)
    common.smoke_argument(parser)
    args = parser.parse_args()
    if args.child_build:
        child_build(args.child_build, args.year)
        return
    workdir = Path(tempfile.mkdtemp(prefix="coopqualite-bench-report-"))
    try:
        env = common.bench_env("report")
        os.environ.update(env)
        common.ensure_database(env["DATABASE_URL"])
        common.collect_static(env)
        import django

        django.setup()
        run(args, env, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
