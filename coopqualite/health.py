"""Health of the parts the portal needs, for `/healthz`: bounded whatever hangs.

Each part is checked in its own thread with its own timeout (CHECK_TIMEOUT: a new database
connection, a broker PING, an SMTP greeting), and the parts together get DEADLINE seconds: a part
that has not answered by then is reported "error", so `/healthz` answers within 3 s even when a
service accepts connections and never answers. Nothing here uses the request's own database
connection, which may be the one that hangs.

A check that overruns its timeout keeps its thread until the socket gives up; while it runs, the
next probe reports that part "error" at once instead of starting another thread, so a long outage
never piles threads up in a web process.

SMTP is checked, not assumed: invitations, reminders and password resets depend on it, and an
operator should learn that it is down from the probe rather than from buyers. The check connects,
reads the greeting, sends NOOP and QUIT: no login, no mail, nothing for a provider to count.
"""

from __future__ import annotations

import copy
import logging
import smtplib
import ssl
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as SMTPEmailBackend
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.utils.module_loading import import_string

from coopqualite.celery import app as celery_app

logger = logging.getLogger(__name__)

CHECK_TIMEOUT = 2  # seconds per part; libpq never waits less than 2 s for a connection
DEADLINE = 2.5  # seconds for every part together

OK = "ok"
ERROR = "error"
DISABLED = "disabled"  # not configured, by design: tasks run in-process, mails go to files


def database_status() -> str:
    """A new connection (not the request's) runs SELECT 1."""
    params = copy.deepcopy(connections.settings[DEFAULT_DB_ALIAS])
    if params["ENGINE"] == "django.db.backends.postgresql":
        options = params.setdefault("OPTIONS", {})
        options["connect_timeout"] = CHECK_TIMEOUT
        options["options"] = " ".join(
            filter(None, [options.get("options"), f"-c statement_timeout={CHECK_TIMEOUT * 1000}"])
        )
    database = load_backend(params["ENGINE"]).DatabaseWrapper(params, DEFAULT_DB_ALIAS)
    try:
        with database.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        database.close()
    return OK


def broker_status() -> str:
    conf = celery_app.conf
    if conf.task_always_eager or not conf.broker_url:
        return DISABLED
    timeouts = {"socket_timeout": CHECK_TIMEOUT, "socket_connect_timeout": CHECK_TIMEOUT}
    with celery_app.connection_for_write(
        transport_options=timeouts, connect_timeout=CHECK_TIMEOUT
    ) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=CHECK_TIMEOUT)
    return OK


def smtp_status() -> str:
    if not issubclass(import_string(settings.EMAIL_BACKEND), SMTPEmailBackend):
        return DISABLED
    server: smtplib.SMTP
    if settings.EMAIL_USE_SSL:
        server = smtplib.SMTP_SSL(
            settings.EMAIL_HOST,
            settings.EMAIL_PORT,
            timeout=CHECK_TIMEOUT,
            context=ssl.create_default_context(),
        )
    else:
        server = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=CHECK_TIMEOUT)
    with server:
        code, _ = server.noop()
    return OK if code == 250 else ERROR


CHECKS: dict[str, Callable[[], str]] = {
    "database": database_status,
    "broker": broker_status,
    "smtp": smtp_status,
}

_in_flight: set[str] = set()
_in_flight_lock = threading.Lock()


def statuses(
    checks: dict[str, Callable[[], str]] | None = None, deadline: float = DEADLINE
) -> dict[str, str]:
    """{part: "ok" | "error" | "disabled"}, within `deadline` seconds. Never raises."""
    checks = CHECKS if checks is None else checks
    results: dict[str, str] = {}
    threads = []
    for name, check in checks.items():
        with _in_flight_lock:
            if name in _in_flight:
                logger.warning("Health check of %s: the previous check still waits", name)
                results[name] = ERROR
                continue
            _in_flight.add(name)
        thread = threading.Thread(
            target=_run, args=(name, check, results), name=f"healthz-{name}", daemon=True
        )
        thread.start()
        threads.append(thread)
    end = time.monotonic() + deadline
    for thread in threads:
        thread.join(max(0.0, end - time.monotonic()))
    answered = dict(results)
    for name in checks.keys() - answered.keys():
        logger.warning("Health check of %s: no answer within %s s", name, deadline)
    return {name: answered.get(name, ERROR) for name in checks}


def _run(name: str, check: Callable[[], str], results: dict[str, str]) -> None:
    try:
        results[name] = check()
    except Exception as exc:
        logger.warning("Health check of %s failed: %s: %s", name, type(exc).__name__, exc)
        results[name] = ERROR
    finally:
        with _in_flight_lock:
            _in_flight.discard(name)
