"""Benchmark: answering a survey, under gunicorn, on PostgreSQL, against a minimal Django floor.

Loads (again at every run) a campaign whose questionnaire has one section of 30 satisfaction
questions and ~9,000 invitations, a campaign of the shipped triennial questionnaire (6 pages)
whose invitations are either untouched (first visits) or hold a saved draft answering every page
(returning buyers), and a 3-question campaign for the query count. Starts two gunicorns with the
same configuration (gunicorn.conf.py, 2 sync workers, DEBUG=false, persistent database
connections): the portal with bench.settings, and the floor, `bench.floor`, a minimal Django
project (no middleware, no template, two unmanaged models) doing one read per GET and one insert
per POST. Then measures with wrk on loopback (2 threads, 4 connections), every kind of request
alternating `rounds` times (5 s slices for GET, 3 s for POST; medians compared):

- floor GET /floor/<questionnaire>/: one query for the 30 questions, a trivial response;
- bare GET /bench/bare/<questionnaire>/: the same view inside the portal (its whole middleware
  stack): what the stack costs;
- first visit GET /r/<token>/page/1/ of the 30-question survey (nothing saved);
- triennial first visit GET /r/<token>/page/<n>/, every page of the triennial questionnaire in
  turn (nothing saved);
- returning GET: the same pages for invitations whose draft answers every question (the saved
  answers drawn back on the page);
- floor POST /floor/<questionnaire>/<response>/ and bare POST: one bulk insert of 30 answers for
  a response created beforehand;
- survey POST of the 30-question page with its answers (CSRF cookie and token; every request on
  another invitation, so each is a real first save, and as the survey has one page, a
  submission; the redirect is not followed).

Prints the ratios ours/floor (targets: first-visit GET >= 0.5, POST >= 0.25, returning GET >=
0.3) and ours/bare; the weight of the survey page (HTML + the CSS/JS it links) and the number of
queries of the page's GET and POST for 3 and for 30 questions, and of a returning buyer's GET on
each triennial page (Django test client).

    .venv/bin/python bench/survey_answering.py [--invitations 9000] [--rounds 3] [--peer]
                                               [--smoke]

--peer: also the peer the issue compares us with, django-survey-and-report (bench/peer/), in the
same run and under the same gunicorn: its one-page survey of 30 radio questions, GET and POST
(each POST a new anonymous response of 30 answers). Its virtual environment is made once in
var/bench-peer from bench/peer/requirements.txt (PyPI), its database is DATABASE_URL's name +
"_bench_peer". Prints ours/peer for the first visit and the POST (target >= 20).

Needs wrk (apt-get install wrk). Database: DATABASE_URL's name + "_bench_answering" (see
bench/common.py), created if missing, emptied and loaded again at each run. --smoke: small pools,
one round of 1 s slices.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ROOT,
    bench_database_url,
    bench_env,
    collect_static,
    ensure_database,
    free_port,
    machine,
    reset_tenants,
    satisfaction_questionnaire,
    setup_django,
    smoke_argument,
    stop,
    wait_http,
)

SLUG = "bench-answering"
QUESTIONS = 30
GET_POOL = 100  # invitations whose page is read (never saved)
SPARE = 40  # invitations for the page weight, the CSRF token and the warm-up of the POSTs
WRK_THREADS = 2
WRK_CONNECTIONS = 4
SLACK = 2 * WRK_CONNECTIONS  # requests served but not counted by wrk when it stops
LUA = Path(__file__).resolve().parent / "wrk_pool.lua"
TRIENNIAL_POOL = 50  # invitations of the triennial campaign, for each of the two GETs
# ours / floor, from the issue (15, "Answering closer to the floor")
TARGETS = {"first visit GET": 0.5, "survey POST": 0.25, "returning GET": 0.3}
TARGET_WEIGHT_KB = 60
PEER_TARGET = 20  # ours / the peer, GET and POST (issue 15)
PEER_VENV = ROOT / "var" / "bench-peer"
PEER_REQUIREMENTS = ROOT / "bench" / "peer" / "requirements.txt"


def campaign_create(coop, questionnaire, name: str, invitations: int):
    from django.utils import timezone

    from enquetes.models import Campaign, Invitation, SurveyKind

    today = timezone.localdate()
    campaign = Campaign.objects.create(
        cooperative=coop,
        questionnaire=questionnaire,
        name=name,
        kind=SurveyKind.TRIENNIAL,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
        reminder_days=[7, 14],
        launched_at=timezone.now(),
    )
    Invitation.objects.bulk_create(
        (
            Invitation(
                campaign=campaign,
                last_name=f"Acquéreur {i}",
                first_name="Camille",
                email=f"acquereur{i}@example.org",
                lot_code=f"A{i:04d}",
                expires_at=campaign.closes_at,
            )
            for i in range(invitations)
        ),
        batch_size=1000,
    )
    return campaign


def full_draft(snapshot) -> dict[str, list[str] | str]:
    """A draft answering every question shown, as the pages save it ({"<id>": [values] or
    text}): a condition question gets the value its dependents wait for."""
    wanted = {
        q.condition_question_id: q.condition_values[0]
        for q in snapshot.questions
        if q.condition_question_id is not None
    }
    draft: dict[int, list[str] | str] = {}
    for question in snapshot.questions:
        if not question.is_shown(draft):
            continue
        values = [value for value, _ in question.options]
        if question.type == "text":
            draft[question.pk] = "Très bon accompagnement, merci à toute l'équipe."
        elif question.type == "multiple":
            draft[question.pk] = values[:2]
        else:
            draft[question.pk] = [wanted.get(question.pk, values[question.pk % len(values)])]
    return {str(pk): value for pk, value in draft.items()}


def triennial_campaign(coop, invitations: int) -> tuple:
    """The campaign of the shipped triennial questionnaire: 2 x `invitations` invitations, the
    second half with a draft answering every page; returns it with its snapshot."""
    from django.utils import timezone

    from enquetes.answering.snapshot import snapshot_of
    from enquetes.models import Invitation
    from enquetes.services.questionnaires import questionnaire_from_template

    questionnaire = questionnaire_from_template(
        cooperative=coop, template_key="triennale-acquereurs"
    )
    questionnaire.frozen_at = timezone.now()
    questionnaire.save(update_fields=["frozen_at"])
    campaign = campaign_create(coop, questionnaire, "Enquête triennale", 2 * invitations)
    snapshot = snapshot_of(questionnaire, anonymous=campaign.anonymous)
    returning = list(Invitation.objects.filter(campaign=campaign).order_by("pk")[invitations:])
    Invitation.objects.filter(pk__in=[i.pk for i in returning]).update(
        draft=full_draft(snapshot), started_at=timezone.now()
    )
    return campaign, snapshot


def load_data(invitations: int, bare_responses: int) -> dict:
    """Empty the bench database's cooperatives and load the benchmark's (idempotent)."""
    from django.db import connection, transaction

    from cooperatives.models import Cooperative
    from enquetes.models import Invitation, Question, Response

    reset_tenants()
    with transaction.atomic():
        coop = Cooperative.objects.create(name="Coopérative des enquêtes", slug=SLUG)
        q30 = satisfaction_questionnaire(coop, "satisfaction-30", QUESTIONS)
        q3 = satisfaction_questionnaire(coop, "satisfaction-3", 3)
        c30 = campaign_create(coop, q30, "Enquête 30 questions", invitations + GET_POOL + SPARE)
        c3 = campaign_create(coop, q3, "Enquête 3 questions", 5)
        tri, tri_snapshot = triennial_campaign(coop, TRIENNIAL_POOL)
        # Responses started beforehand for the bare and the floor POST (one per request, never
        # reused).
        Response.objects.bulk_create(
            (Response(campaign=c30) for _ in range(2 * bare_responses)), batch_size=2000
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    tokens = list(
        Invitation.objects.filter(campaign=c30).order_by("pk").values_list("token", flat=True)
    )
    tri_tokens = list(
        Invitation.objects.filter(campaign=tri).order_by("pk").values_list("token", flat=True)
    )
    started = [
        str(pk)
        for pk in Response.objects.filter(campaign=c30, invitation=None, completed=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    pages = range(1, len(tri_snapshot.pages) + 1)
    return {
        "c30": c30,
        "c3": c3,
        "q30": list(Question.objects.filter(questionnaire=q30).values_list("pk", flat=True)),
        "q3": list(Question.objects.filter(questionnaire=q3).values_list("pk", flat=True)),
        "get_tokens": tokens[:GET_POOL],
        "spare_tokens": tokens[GET_POOL : GET_POOL + SPARE],
        "post_tokens": tokens[GET_POOL + SPARE :],
        "t3": list(
            Invitation.objects.filter(campaign=c3).order_by("pk").values_list("token", flat=True)
        ),
        "bare_responses": started[:bare_responses],
        "floor_responses": started[bare_responses:],
        "triennial_pages": len(pages),
        # token/page/<n>, pages in turn, a token on every page (each page of each buyer)
        "triennial_first": [f"{t}/page/{n}" for n in pages for t in tri_tokens[:TRIENNIAL_POOL]],
        "triennial_returning": [
            f"{t}/page/{n}" for n in pages for t in tri_tokens[TRIENNIAL_POOL:]
        ],
    }


def answers_body(question_ids: list[int], csrf_token: str | None = None) -> str:
    values = ["tres_satisfait", "assez_satisfait", "peu_satisfait", "nsp"]
    fields = [("csrfmiddlewaretoken", csrf_token)] if csrf_token else []
    fields += [(f"q{pk}", values[i % len(values)]) for i, pk in enumerate(question_ids)]
    return urllib.parse.urlencode(fields)


def query_counts(data: dict) -> dict:
    """Queries of the survey page's GET and POST, for 3 and for 30 questions (test client)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = {}
    client = Client()
    for label, token, questions in (
        ("3", data["t3"][0], data["q3"]),
        ("30", data["spare_tokens"][-1], data["q30"]),
    ):
        url = f"/r/{token}/page/1/"
        with CaptureQueriesContext(connection) as get_ctx:
            response = client.get(url, HTTP_HOST="localhost")
        assert response.status_code == 200, response.status_code
        body = dict(urllib.parse.parse_qsl(answers_body(questions)))
        with CaptureQueriesContext(connection) as post_ctx:
            response = client.post(url, body, HTTP_HOST="localhost")
        assert response.status_code == 302, (response.status_code, response.content[:500])
        out[label] = (len(get_ctx.captured_queries), post_ctx.captured_queries)
    return out


def returning_query_counts(data: dict) -> list[int]:
    """Queries of a returning buyer's GET of each triennial page (test client), after one GET
    that caches the snapshot."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    item = data["triennial_returning"][0]
    token = item.split("/")[0]
    counts = []
    for n in range(1, data["triennial_pages"] + 1):
        client.get(f"/r/{token}/page/{n}/", HTTP_HOST="localhost")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/r/{token}/page/{n}/", HTTP_HOST="localhost")
        assert response.status_code == 200, response.status_code
        saved = (b" checked", "Très bon accompagnement".encode())
        assert any(m in response.content for m in saved), "the saved answers are not on the page"
        counts.append(len(ctx.captured_queries))
    return counts


class Http:
    """One keep-alive connection to the server under test."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
                return response, content
            except (http.client.RemoteDisconnected, ConnectionError):
                # gunicorn's sync workers close the connection after each response
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        raise AssertionError("unreachable")


def page_weight(client: Http, token: str) -> dict:
    response, html = client.request("GET", f"/r/{token}/page/1/")
    assert response.status == 200, response.status
    text = html.decode()
    assets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', text)
    assets += re.findall(r'<script[^>]+src="([^"]+)"', text)
    sizes = {}
    for url in assets:
        asset_response, content = client.request("GET", url)
        assert asset_response.status == 200, (url, asset_response.status)
        sizes[url] = len(content)
    return {"html": len(html), "assets": sizes, "total": len(html) + sum(sizes.values())}


def csrf_pair(client: Http, token: str) -> tuple[str, str]:
    """(csrftoken cookie, form token) as a browser gets them from the page."""
    response, html = client.request("GET", f"/r/{token}/page/1/")
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    form_token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return cookie, form_token.decode()


def wrk(
    port: int, workdir: Path, name: str, method: str, items: list[str], path_format: str,
    body: str | None, cookie: str | None, expected: int, *, duration: float,
) -> dict:  # fmt: skip
    listfile = workdir / f"{name}.txt"
    listfile.write_text("\n".join(items) + "\n")
    bodyfile = "-"
    if body is not None:
        (workdir / f"{name}.body").write_text(body)
        bodyfile = str(workdir / f"{name}.body")
    command = [
        "wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{duration}s", "--timeout", "10s",
        "-s", str(LUA), f"http://127.0.0.1:{port}", "--",
        method, str(listfile), path_format, bodyfile, cookie or "-", str(expected),
        str(WRK_THREADS),
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    line = next((x for x in run.stdout.splitlines() if x.startswith("RESULT ")), None)
    if run.returncode or line is None:
        raise RuntimeError(f"wrk failed ({run.returncode}): {run.stdout}\n{run.stderr}")
    result = {k: int(v) for k, v in (kv.split("=") for kv in line.split()[1:])}
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def chunks(items: list[str], n: int) -> list[list[str]]:
    size = len(items) // n
    return [items[i * size : (i + 1) * size] for i in range(n)]


def check_run(name: str, result: dict) -> None:
    keys = ("unexpected", "errors") + (("wraps",) if "POST" in name else ())
    problems = [k for k in keys if result[k]]
    if problems:
        raise RuntimeError(f"{name}: {', '.join(f'{k}={result[k]}' for k in problems)}")


def gunicorn(app: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "-c", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip


def peer_prepare(url: str) -> tuple[str, dict, int, list[int]]:
    """The peer's virtual environment (made once, again when its requirements change), its
    database migrated and loaded: (python, env, survey id, question ids)."""
    python = PEER_VENV / "bin" / "python"
    stamp = PEER_VENV / "requirements.txt"
    wanted = PEER_REQUIREMENTS.read_text()
    if not python.exists() or not stamp.exists() or stamp.read_text() != wanted:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEER_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "-r", str(PEER_REQUIREMENTS)],
            check=True,
        )
        stamp.write_text(wanted)
    ensure_database(url)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.peer.settings"}
    out = subprocess.run(
        [str(python), "-m", "bench.peer.load", str(QUESTIONS)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    survey, *questions = (int(x) for x in out.stdout.split())
    return str(python), env, survey, questions


def peer_responses(env: dict) -> int:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        row = conn.execute("SELECT count(*) FROM survey_response").fetchone()
    return row[0] if row else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invitations", type=int, default=9000, help="pool of the survey POST")
    parser.add_argument(
        "--bare-responses", type=int, default=15000, help="pool of the bare and the floor POST"
    )
    parser.add_argument("--rounds", type=int, default=3, help="alternations of every kind")
    parser.add_argument("--duration", type=float, default=5, help="seconds of each GET slice")
    parser.add_argument(
        "--post-duration", type=float, default=3, help="seconds of each POST slice (pool-bound)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show-queries", action="store_true", help="list the POST's queries")
    parser.add_argument("--peer", action="store_true", help="django-survey-and-report too")
    smoke_argument(parser)
    args = parser.parse_args()
    if args.smoke:
        args.invitations, args.bare_responses, args.rounds = 800, 1200, 1
        args.duration = args.post_duration = 1
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")

    print(f"machine: {machine()}")
    # Named before setup_django points DATABASE_URL at the bench's database; never the smoke
    # runs' shared one (the peer's tables, not the portal's).
    peer_url = bench_database_url("peer", shared=False)
    workdir = Path(tempfile.mkdtemp(prefix="coopqualite-bench-answering-"))
    env = bench_env("answering", DJANGO_SETTINGS_MODULE="bench.settings")
    server = floor = peer = None
    try:
        setup_django(env)
        t0 = time.perf_counter()
        data = load_data(args.invitations, args.bare_responses)
        print(
            f"data ready in {time.perf_counter() - t0:.1f} s: 1 section x {QUESTIONS} "
            f"satisfaction questions, {len(data['post_tokens']) + GET_POOL + SPARE} invitations, "
            f"{len(data['bare_responses'])} + {len(data['floor_responses'])} started responses "
            f"for the bare and the floor POST; triennial questionnaire of "
            f"{data['triennial_pages']} pages, {TRIENNIAL_POOL} untouched invitations and "
            f"{TRIENNIAL_POOL} with a draft answering every page"
        )
        collect_static(env)
        counts = query_counts(data)
        returning_counts = returning_query_counts(data)

        port, floor_port, peer_port = free_port(), free_port(), free_port()
        if args.peer:
            peer_python, peer_env, peer_survey, peer_questions = peer_prepare(peer_url)
            peer = subprocess.Popen(
                [peer_python, "-m", "gunicorn", "bench.peer.wsgi:application",
                 "-c", "bench/peer/gunicorn.conf.py", "--bind", f"127.0.0.1:{peer_port}",
                 "--workers", str(args.workers), "--worker-class", "sync",
                 "--log-level", "warning"],
                cwd=ROOT, env=peer_env,
            )  # fmt: skip
            wait_http(f"http://127.0.0.1:{peer_port}/survey/{peer_survey}/", process=peer)
        server = gunicorn("coopqualite.wsgi:application", port, args.workers, env)
        floor = gunicorn(
            "bench.floor.wsgi:application", floor_port, args.workers,
            {**env, "DJANGO_SETTINGS_MODULE": "bench.floor.settings"},
        )  # fmt: skip
        c30 = data["c30"]
        q30_id = c30.questionnaire_id
        wait_http(f"http://127.0.0.1:{port}/healthz", process=server)
        wait_http(f"http://127.0.0.1:{floor_port}/floor/{q30_id}/", process=floor)
        client = Http(port)
        weight = page_weight(client, data["get_tokens"][0])
        cookie, form_token = csrf_pair(client, data["get_tokens"][0])

        from django.utils import timezone

        from enquetes.models import Answer, Response
        from enquetes.services.pool import pool_flush

        survey_body = answers_body(data["q30"], form_token)
        if args.peer:
            peer_client = Http(peer_port)
            response, html = peer_client.request("GET", f"/survey/{peer_survey}/")
            set_cookie = response.getheader("Set-Cookie") or ""
            peer_cookie = re.search(r"csrftoken=([^;]+)", set_cookie).group(1)
            peer_token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
            peer_body = urllib.parse.urlencode(
                [("csrfmiddlewaretoken", peer_token.decode())]
                + [(f"question_{pk}", "peu-satisfait") for pk in peer_questions]
            )
            for _ in range(20):  # warm-up of its POST in both workers
                response, _ = peer_client.request(
                    "POST", f"/survey/{peer_survey}/", peer_body,
                    {"Cookie": f"csrftoken={peer_cookie}"},
                )  # fmt: skip
                assert response.status == 302, response.status
        bare_body = answers_body(data["q30"])
        cookie_header = f"csrftoken={cookie}"
        # Warm-up of the POST code paths in both workers, on spare invitations / responses.
        spare = data["spare_tokens"][1:-1]
        warm_bare, pool_bare = data["bare_responses"][-20:], data["bare_responses"][:-20]
        warm_floor, pool_floor = data["floor_responses"][-20:], data["floor_responses"][:-20]
        floor_client = Http(floor_port)
        for i in range(20):
            response, _ = client.request(
                "POST", f"/r/{spare[i]}/page/1/", survey_body, {"Cookie": cookie_header}
            )
            assert response.status == 302, response.status
            response, _ = client.request("POST", f"/bench/bare/{q30_id}/{warm_bare[i]}/", bare_body)
            assert response.status == 200, response.status
            response, _ = floor_client.request(
                "POST", f"/floor/{q30_id}/{warm_floor[i]}/", bare_body
            )
            assert response.status == 200, response.status

        # Every kind alternates, `rounds` times, so that a slower moment of the machine weighs
        # on all; each POST slice takes its own part of the pools (fresh items only).
        rounds = args.rounds
        gets = {
            "floor GET": (floor_port, "GET", [str(q30_id)], "/floor/%s/", None, None, 200),
            "bare GET": (port, "GET", [str(q30_id)], "/bench/bare/%s/", None, None, 200),
            "first visit GET": (port, "GET", data["get_tokens"], "/r/%s/page/1/", None, None,
                                200),
            "triennial first GET": (port, "GET", data["triennial_first"], "/r/%s/", None, None,
                                    200),
            "returning GET": (port, "GET", data["triennial_returning"], "/r/%s/", None, None,
                              200),
        }  # fmt: skip
        posts = {
            "floor POST": (floor_port, "POST", chunks(pool_floor, rounds),
                           f"/floor/{q30_id}/%s/", bare_body, None, 200),
            "bare POST": (port, "POST", chunks(pool_bare, rounds), f"/bench/bare/{q30_id}/%s/",
                          bare_body, None, 200),
            "survey POST": (port, "POST", chunks(data["post_tokens"], rounds), "/r/%s/page/1/",
                            survey_body, cookie_header, 302),
        }  # fmt: skip
        if args.peer:
            gets["peer GET"] = (peer_port, "GET", [str(peer_survey)], "/survey/%s/", None, None,
                                200)  # fmt: skip
            # One URL for every POST: each makes a new anonymous response (the list is only
            # long enough never to wrap).
            peer_cookie_header = f"csrftoken={peer_cookie}"
            posts["peer POST"] = (peer_port, "POST", [[str(peer_survey)] * 50_000] * rounds,
                                  "/survey/%s/", peer_body, peer_cookie_header, 302)  # fmt: skip
        slices: dict[str, list[dict]] = {name: [] for name in (*gets, *posts)}
        for spec in gets.values():  # warm-up: every connection, both workers, caches
            wrk(*spec[:1], workdir, "warmup", *spec[1:], duration=1 if args.smoke else 2)
        for _ in range(rounds):
            for name, spec in gets.items():
                result = wrk(spec[0], workdir, name.replace(" ", "_"), *spec[1:],
                             duration=args.duration)  # fmt: skip
                check_run(name, result)
                slices[name].append(result)
        for r in range(rounds):
            for name, (p, method, pools, path, body, cookies, status) in posts.items():
                # Answers still waiting in the anonymous pool from the previous run are counted
                # before this one, not as this run's writes.
                pool_flush(now=timezone.now(), everything=True)
                answers_before = Answer.objects.count()
                completed_before = Response.objects.filter(campaign=c30, completed=True).count()
                if name == "peer POST":
                    peer_before = peer_responses(peer_env)
                result = wrk(
                    p, workdir, name.replace(" ", "_"), method, pools[r], path, body, cookies,
                    status, duration=args.post_duration,
                )  # fmt: skip
                check_run(name, result)
                time.sleep(1)  # let the requests still in flight when wrk stopped finish
                if name == "peer POST":  # each counted request wrote its response
                    written = peer_responses(peer_env) - peer_before
                    assert 0 <= written - result["expected"] <= SLACK, (name, written, result)
                    slices[name].append(result)
                    continue
                # The campaign is anonymous: its answers wait in the pool until flushed.
                pool_flush(now=timezone.now(), everything=True)
                # Every counted request wrote its 30 answers (requests in flight when wrk stops
                # are served but not counted: a few per connection at most)...
                written, rest = divmod(Answer.objects.count() - answers_before, QUESTIONS)
                assert not rest and 0 <= written - result["expected"] <= SLACK, (
                    name, written, result,
                )  # fmt: skip
                if name == "survey POST":  # ...and submitted its (one-page) response
                    done = Response.objects.filter(campaign=c30, completed=True).count()
                    done -= completed_before
                    assert 0 <= done - result["expected"] <= SLACK, (done, result)
                slices[name].append(result)
    finally:
        stop(server)
        stop(floor)
        stop(peer)
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"load: wrk {WRK_THREADS} threads, {WRK_CONNECTIONS} connections, on loopback; gunicorn "
        f"{args.workers} sync workers (portal and floor alike); every kind alternates "
        f"{args.rounds} times, GET slices {args.duration:g} s, POST slices "
        f"{args.post_duration:g} s (each POST on a fresh invitation / response); load average "
        f"at the end {os.getloadavg()[0]:.2f} (1 min)"
    )
    print(f"{'':20} {'req/s of each slice':>24} {'median':>7} {'p50':>8} {'p99':>8}")
    medians = {}
    for name, results in slices.items():
        rates = [r["rps"] for r in results]
        medians[name] = statistics.median(rates)
        middle = sorted(results, key=lambda r: r["rps"])[len(results) // 2]
        print(
            f"{name:20} {' '.join(f'{x:7.0f}' for x in rates):>24} {medians[name]:>7.0f} "
            f"{middle['p50_us'] / 1000:>6.1f}ms {middle['p99_us'] / 1000:>6.1f}ms"
        )
    print("bare/floor (medians): what the portal's middleware stack costs a minimal view")
    for kind in ("GET", "POST"):
        print(f"  {kind}: {medians[f'bare {kind}'] / medians[f'floor {kind}']:.2f}")
    print("ours/floor (medians), and ours/bare:")
    for name in ("first visit GET", "triennial first GET", "returning GET", "survey POST"):
        kind = name.split()[-1]
        ratio = medians[name] / medians[f"floor {kind}"]
        target = TARGETS.get(name)
        verdict = f"target >= {target}: {'met' if ratio >= target else 'MISSED'}" if target else ""
        print(
            f"  {name:20} {ratio:.2f}  (/bare {medians[name] / medians[f'bare {kind}']:.2f})"
            f"  {verdict}"
        )
    if args.peer:
        print("ours/peer (medians), django-survey-and-report in the same run:")
        for name, kind in (("first visit GET", "GET"), ("survey POST", "POST")):
            ratio = medians[name] / medians[f"peer {kind}"]
            verdict = "met" if ratio >= PEER_TARGET else "MISSED"
            print(f"  {name:20} {ratio:.1f}  target >= {PEER_TARGET}: {verdict}")
    kb = weight["total"] / 1024
    assets = ", ".join(f"{Path(u).name} {n / 1024:.1f} KB" for u, n in weight["assets"].items())
    print(
        f"page weight: {kb:.1f} KB = HTML {weight['html'] / 1024:.1f} KB + {assets} "
        f"(target < {TARGET_WEIGHT_KB} KB: {'met' if kb < TARGET_WEIGHT_KB else 'MISSED'})"
    )
    for label, (get_queries, post_queries) in counts.items():
        print(f"queries, {label:>2} questions: GET {get_queries}, POST (save + submit) "
              f"{len(post_queries)}")  # fmt: skip
    same = len(counts["3"][1]) == len(counts["30"][1]) and counts["3"][0] == counts["30"][0]
    print(f"query count constant from 3 to 30 questions: {'yes' if same else 'NO'}")
    print(f"queries, returning GET of each triennial page: {returning_counts}")
    if args.show_queries or not same:
        for query in counts["30"][1]:
            print("   ", query["sql"][:160])


if __name__ == "__main__":
    main()
