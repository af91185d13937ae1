"""Every benchmark still runs: each bench of bench/ in its --smoke mode (tiny sizes, seconds, no
target checked), in a subprocess, on a database of its own derived from DATABASE_URL.

A schema change that breaks a bench (a new NOT NULL column its COPY does not fill, a renamed
selector...) fails here instead of months later. Deselect with `-m "not bench"`.
"""

import os
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
import redis

from tests.services import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.integration, pytest.mark.bench]


def run_bench(script: str, *args: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        skip_or_fail("Les benchmarks ont besoin de PostgreSQL (DATABASE_URL)")
    process = subprocess.run(
        [sys.executable, f"bench/{script}", "--smoke", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        # One database for every smoke run: migrated by the first bench only.
        env={**os.environ, "BENCH_DATABASE_SUFFIX": "smoke"},
    )  # fmt: skip
    assert process.returncode == 0, f"{script}:\n{process.stdout[-3000:]}\n{process.stderr[-3000:]}"
    return process.stdout


def test_results_bench_runs():
    out = run_bench("survey_results.py")
    assert "results page, closed campaign of 50 responses (stored counts), gunicorn:" in out
    assert "export.csv:" in out


def test_report_bench_runs():
    out = run_bench("report.py")
    assert "peak RSS of a subprocess doing one full build" in out
    assert "query counts equal: met" in out


def test_scorecard_bench_runs():
    out = run_bench("scorecard.py")
    assert "requests: 5 " in out


def test_answering_bench_runs():
    if not shutil.which("wrk"):
        skip_or_fail("wrk manque (apt-get install wrk)")
    out = run_bench("survey_answering.py")
    assert "ours/floor (medians), and ours/bare:" in out
    for line in ("first visit GET", "returning GET", "survey POST"):
        assert f"  {line} " in out
    assert "queries, returning GET of each triennial page: [1, 1, 1, 1, 1, 1]" in out


def test_sending_bench_runs():
    url = os.environ.get("REDIS_URL", "")
    if not url.startswith("redis://"):
        skip_or_fail("Le benchmark d'envoi a besoin de Redis (REDIS_URL)")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis injoignable à {url}: {exc}")
    db = urllib.parse.urlsplit(url).path.lstrip("/") or "0"
    out = run_bench("survey_sending.py", "--redis-db", db)
    assert "SMTP received 40 messages" in out
    assert "with more than one message: 0" in out


def test_buyer_space_bench_runs():
    if not shutil.which("wrk"):
        skip_or_fail("wrk manque (apt-get install wrk)")
    out = run_bench("buyer_space.py")
    assert "home/bare (medians):" in out
    assert "(constant)" in out


def test_federation_bench_runs():
    out = run_bench("federation.py")
    assert "scorecard of one cooperative" in out
    assert "every page < 200 KB and < 300 ms:" in out


def test_export_bench_runs():
    out = run_bench("export.py")
    assert "XLSX job, 200 responses: worker" in out
    assert "CSV job, 200 responses: worker" in out
    assert "CSV streamed from the request, 200 responses: first bytes after" in out


def test_sav_inbox_bench_runs():
    if not shutil.which("wrk"):
        skip_or_fail("wrk manque (apt-get install wrk)")
    out = run_bench("sav_inbox.py")
    assert "slowest p50:" in out
    assert "queries per page: constant" in out
