"""Helpers shared by the benchmarks: environment, database, ports, percentiles, smoke mode.

Every benchmark has its own PostgreSQL database on DATABASE_URL's server (which must be on
127.0.0.1), named after DATABASE_URL's database with "_bench_<bench>" appended
(coopqualite_bench_<bench> without a PostgreSQL DATABASE_URL), created if missing, and only talks
to 127.0.0.1. Every benchmark has a --smoke mode (tiny sizes, a few seconds, no target checked)
that tests/test_benchmarks.py runs in the suite, so that a schema change breaking a bench fails
the suite instead of being found months later.
"""

from __future__ import annotations

import math
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SECRET_KEY = "bench-only-secret-key-bench-only-secret-key-bench-only"


STATIC_ROOT = ROOT / "var" / "bench-static"  # shared by the benches, collected incrementally


def bench_database_url(bench: str, *, shared: bool = True) -> str:
    """DATABASE_URL's server, with a database of the bench's own named after DATABASE_URL's.

    BENCH_DATABASE_SUFFIX, when set, replaces the bench's name: the smoke runs of the suite share
    one database, migrated once instead of once per bench (each bench empties what it loads).
    shared=False: never that shared database (one that is not the portal's, as the peer's)."""
    bench = (shared and os.environ.get("BENCH_DATABASE_SUFFIX")) or bench
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"postgres://postgres@127.0.0.1:5432/coopqualite_bench_{bench}"
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") or "coopqualite"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}_bench_{bench}"))


def smoke_argument(parser) -> None:
    parser.add_argument(
        "--smoke", action="store_true",
        help="tiny sizes, a few seconds, targets not checked: does the bench still run?",
    )  # fmt: skip


def bench_env(bench: str, **extra: str) -> dict[str, str]:
    """Production-like settings (DEBUG off, persistent connections) on the bench database."""
    env = {
        **os.environ,
        "DATABASE_URL": bench_database_url(bench),
        "STATIC_ROOT": str(STATIC_ROOT),
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "DB_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "SITE_URL": "http://127.0.0.1:8000",
        "DJANGO_SETTINGS_MODULE": "coopqualite.settings",
    }
    # Never inherit a broker or an SMTP server from the caller's shell.
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "EMAIL_HOST"):
        env.pop(name, None)
    env.update(extra)
    return env


def ensure_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    assert parts.hostname in ("127.0.0.1", "localhost"), url
    name = parts.path.lstrip("/")
    with psycopg.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password, dbname="postgres", autocommit=True,
    ) as conn:  # fmt: skip
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(env: dict[str, str]) -> None:
    """Apply `env` to this process, set Django up and migrate the bench database."""
    os.environ.update(env)
    ensure_database(env["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def collect_static(env: dict[str, str]) -> None:
    """Collect the static files into env["STATIC_ROOT"] (the manifest that DEBUG=false needs),
    unless its manifest is newer than every file of static/ and the requirements (collecting
    and compressing Django's admin files takes ~40 s on the shared machine)."""
    manifest = Path(env["STATIC_ROOT"]) / "staticfiles.json"
    sources = [*(ROOT / "static").rglob("*"), ROOT / "requirements.txt"]
    if manifest.exists() and manifest.stat().st_mtime > max(p.stat().st_mtime for p in sources):
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip


def copy_rows(cursor, model, columns: list[str], rows) -> int:
    """COPY rows (tuples of `columns`, attnames of `model`) into its table with psycopg 3; the
    model's other non-null fields that have a default (or, text fields, "") get it (so that a
    column added later with a
    default does not break the bench); return how many rows."""
    from django.db import connection
    from django.db.models import NOT_PROVIDED

    extra = [
        field
        for field in model._meta.concrete_fields
        if field.attname not in columns
        and not field.null
        and (field.has_default() or field.empty_strings_allowed)  # a text field: ""
        and field.db_default is NOT_PROVIDED
        and not field.generated  # the database writes it (COPY refuses it)
    ]
    defaults = tuple(field.get_db_prep_save(field.get_default(), connection) for field in extra)
    names = [*columns, *(field.column for field in extra)]
    cursor.execute("SET LOCAL statement_timeout = 0")  # millions of rows: longer than a request
    count = 0
    with cursor.copy(f"COPY {model._meta.db_table} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, *defaults))
            count += 1
    return count


def reset_tenants() -> None:
    """Empty every cooperative (and all that hangs from one: users, surveys...) of the bench
    database, so that a second run loads the same data again. Reference data loaded by
    migrations (the principles) is kept."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE cooperatives_cooperative, cooperatives_federation CASCADE")


def satisfaction_questionnaire(coop, family: str, count: int, commitments=()):
    """A frozen questionnaire of one section of `count` required satisfaction questions."""
    from django.utils import timezone

    from enquetes.models import Question, Questionnaire, Section, SurveyKind, Theme

    questionnaire = Questionnaire.objects.create(
        cooperative=coop,
        family=family,
        title=f"Votre satisfaction ({count} questions)",
        introduction="Merci de prendre quelques minutes pour nous répondre.",
        kind=SurveyKind.TRIENNIAL,
        frozen_at=timezone.now(),
    )
    section = Section.objects.create(
        questionnaire=questionnaire, title="Votre logement et nos services", position=0
    )
    themes = [value for value, _ in Theme.choices if value != Theme.COMMENTS]
    Question.objects.bulk_create(
        Question(
            questionnaire=questionnaire,
            section=section,
            key=f"satisfaction-{i + 1:02d}",
            text=f"Êtes-vous satisfait de la qualité de notre service sur le point n° {i + 1} ?",
            help_text="Pensez à votre expérience des douze derniers mois." if i % 5 == 0 else "",
            type=Question.Type.SATISFACTION,
            required=True,
            theme=themes[i % len(themes)],
            commitment=commitments[i % len(commitments)] if commitments else None,
            position=i,
        )
        for i in range(count)
    )
    return questionnaire


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 30, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{process.args[:3]} exited with {process.returncode}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def stop(process: subprocess.Popen | None, timeout: float = 15) -> None:
    """Terminate a process we started (SIGTERM, then SIGKILL), and reap it."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def login(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    """A cookie-keeping opener logged in through the login page of the server at `base`."""
    import http.cookiejar
    import re

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    opener.open(request).read()
    return opener


def gunicorn_start(env: dict[str, str], workers: int = 2) -> tuple[subprocess.Popen, str]:
    """gunicorn (gunicorn.conf.py, sync workers) on a free port of 127.0.0.1: (process, base
    URL), once /healthz answers."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "coopqualite.wsgi:application",
         "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "sync", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    wait_http(f"{base}/healthz", process=server)
    return server, base


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its living descendants, from
    /proc (Linux): a load-independent figure of the work a worker does; 0.0 elsewhere."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            stat = Path(f"/proc/{current}/stat").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:  # gone, or not Linux
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (name)": state is fields[0]
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        pending += [int(child) for child in children]
    return total


def machine() -> str:
    """Cores and load (other processes on the machine skew every figure)."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.2f} (1 min) {five:.2f} (5 min) at start"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction in 0..1)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def p50(values: list[float]) -> float:
    return statistics.median(values)
