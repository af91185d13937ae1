#!/usr/bin/env bash
# Static gates, then the test suite, on PostgreSQL and Redis when they answer.
#
# DATABASE_URL and REDIS_URL are used when set; otherwise the local defaults are tried
# (postgres://postgres@127.0.0.1:5432/coopqualite, redis://127.0.0.1:6379/15). A service that does
# not answer is replaced by SQLite / skipped tests, saying so — except with CI=true, where every
# service is required and a missing one fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DEBUG=true

echo "== Lint (ruff)"
$BIN/ruff check .
$BIN/ruff format --check .

echo "== Types (mypy, cached in .mypy_cache)"
$BIN/mypy

echo "== Services"
: "${DATABASE_URL:=postgres://postgres@127.0.0.1:5432/coopqualite}"
: "${REDIS_URL:=redis://127.0.0.1:6379/15}"
export DATABASE_URL REDIS_URL
if ! $BIN/python scripts/probe_services.py; then
  if [ "${CI:-}" = "true" ]; then
    echo "CI=true: PostgreSQL and Redis are required." >&2
    exit 1
  fi
fi
# probe_services.py writes what answered to var/services.env
set -a; . var/services.env; set +a
[ -n "${DATABASE_URL:-}" ] || unset DATABASE_URL
[ -n "${REDIS_URL:-}" ] || unset REDIS_URL

echo "== Django checks"
$BIN/python manage.py check --fail-level WARNING
$BIN/python manage.py makemigrations --check --dry-run
# The deployment checklist, under production-like settings: no warning may remain.
DEBUG=false SECRET_KEY="$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
  ALLOWED_HOSTS=coopqualite.example.org \
  $BIN/python manage.py check --deploy --fail-level WARNING

echo "== Tests"
$BIN/python -m pytest "$@"
