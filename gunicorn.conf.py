"""gunicorn settings shared by the image and the benchmarks: worker count, timeouts, and an
access log without survey tokens."""

from gunicorn.glogging import Logger

from coopqualite.env import env_int
from coopqualite.logfilters import redact

# Sync worker processes, each serving one request at a time. Default 3 (2 × cores + 1 on a
# one-core host); a command-line --workers overrides it (the benchmarks).
workers = env_int("WEB_CONCURRENCY", 3)

# A worker silent for this long is killed and replaced, its request answered 502 by the proxy
# with nothing logged by Django. Set explicitly so that it stays above the statement timeout of
# web requests (DB_STATEMENT_TIMEOUT_MS, 30 s): a runaway query is cancelled by PostgreSQL first
# and shows as a logged 500. Long work (reports, imports, sending) runs in Celery, never here.
timeout = env_int("GUNICORN_TIMEOUT", 60)

# On a restart (deploy, SIGTERM) requests in flight get this long to finish, e.g. an evidence
# upload of 20 MB on a slow line. docker-compose.yml gives `web` a longer stop_grace_period.
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)


class RedactingLogger(Logger):
    """Every value of an access-log line (request line, path, referer...) is redacted."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}


logger_class = RedactingLogger
