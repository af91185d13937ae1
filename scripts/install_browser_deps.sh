#!/usr/bin/env bash
# What the browser tests of the buyer pages (tests/buyer) need beyond the Python venv:
#   - Debian's chromium, driven by the Playwright Python package (no browser download);
#   - axe-core from npm (package.json / package-lock.json, exact version) for the WCAG checks;
#   - wrk, the HTTP load generator of bench/survey_answering.py (its smoke run is a test).
#
# Idempotent and fast when everything is there. It never fails the run: a tool that cannot be
# installed here is only reported, and the tests that need it skip (or fail with CI=true),
# saying why.
set -u
cd "$(dirname "$0")/.."

say() { echo "[browser-deps] $*"; }

# Chromium ---------------------------------------------------------------------------------------
if command -v chromium >/dev/null 2>&1; then
  say "chromium present: $(command -v chromium)"
elif [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  say "chromium missing: apt-get install chromium"
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; then
    say "chromium installed: $(command -v chromium || echo '?')"
  else
    say "WARNING: chromium could not be installed; the browser tests will skip (fail with CI=true)"
  fi
else
  say "WARNING: chromium missing and apt-get unavailable or not root; browser tests will skip"
fi

# axe-core ---------------------------------------------------------------------------------------
if [ -f node_modules/axe-core/axe.min.js ]; then
  say "axe-core present: node_modules/axe-core/axe.min.js"
elif command -v npm >/dev/null 2>&1; then
  say "axe-core missing: npm ci"
  if npm ci --no-audit --no-fund; then
    say "axe-core installed"
  else
    say "WARNING: npm ci failed; the accessibility checks will skip (fail with CI=true)"
  fi
else
  say "WARNING: npm unavailable; the accessibility checks will skip (fail with CI=true)"
fi

# wrk ----------------------------------------------------------------------------------------------
if command -v wrk >/dev/null 2>&1; then
  say "wrk present: $(command -v wrk)"
elif [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  say "wrk missing: apt-get install wrk"
  if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; then
    say "wrk installed"
  else
    say "WARNING: wrk could not be installed; the answering bench's smoke test will skip (fail with CI=true)"
  fi
else
  say "WARNING: wrk missing and apt-get unavailable or not root; the answering bench's smoke test will skip"
fi

exit 0
