"""The work of the outbox: send messages, each at most once, with honest states; sweep what a
dead worker left; resend on request. Knows nothing of Celery (`coopqualite.outbox.tasks` calls
it; `services.dispatch` queues).

Sending a list of ids of one kind, over one SMTP connection:

1. The rows still due are read once, with what their e-mail needs.
2. Each row in turn is claimed by a conditional update (pending and due → sending, one more
   attempt), in the same UPDATE statement that writes the outcome of the previous row: at any
   time a worker holds at most one row "sending", so a worker killed mid-batch leaves that one
   row for the sweep and every other row pending. A row claimed elsewhere is skipped; the
   worker then drops the rows no longer due and continues from the other end of its list, so
   that a twin task (a duplicated delivery) and it share the batch.
3. The e-mail is built and sent; the outcome follows from the SMTP phase reached
   (`coopqualite.outbox.smtp.failure_of`): sent, bounced, failed, uncertain, or a transient
   failure — then the row is pending again with `next_attempt_at` after the delay of
   OUTBOX_RETRY_DELAYS for its number of attempts, or failed once OUTBOX_RETRY_WINDOW has
   passed since its first try. When the server cannot be reached at all, the rows not tried yet
   wait until the same time, without an attempt counted.
4. The retries due soon (COUNTDOWN_MAX) are returned for the task to queue with a countdown;
   later ones are left to the periodic dispatch.

Every time the engine reads comes from `now()`. Each outcome is logged with the kind, the row's
id and the kind's ids (`Kind.log_context`), never an address, a name or a token.

**Cost, and why the claim stays per message.** Profiled with a CPU clock (cProfile in the
worker's pool processes, bench/survey_sending.py), three quarters of the worker's CPU went to
writing the MIME message (the same Subject and From encoded again for every message) and a
sixth to the templates; the one statement per message was about a twentieth. So the bytes are
written by `coopqualite.outbox.mime`, the kind may build a batch's e-mails with one rendering per
campaign (`Kind.batch_build`) and prefetch what the batch's rows share once (`Kind.shared`).
The statement is kept because it is also the durable mark that tells, after a crash, "maybe
handed to the server" (this row: "sending") from "never handed" (every other row: pending). A
batch claim (one UPDATE … RETURNING with SKIP LOCKED) with the outcomes written once per batch
would save that round trip only by giving up the mark: a worker killed mid-batch would leave
its whole batch "sending", and the sweep could only call all of it uncertain (the fault the
issue reported: 184 uncertain, 177 of them never sent). Keeping the mark with a batch claim
takes one write per message before its DATA — the same round trip as the step that claims it.
A crash between the server's "250" and the next step leaves the row "sending": uncertain after
the sweep, never resent, never failed.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, connections, models, router, transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from coopqualite.formats import format_count
from coopqualite.outbox import kinds
from coopqualite.outbox.models import OutboxMessage, OutboxStatus, due_q, outbox_rows
from coopqualite.outbox.selectors import RESENDABLE
from coopqualite.outbox.smtp import RETRY, Failure, Phase, failure_of

log = logging.getLogger(__name__)

Status = OutboxStatus
# Retries due within this delay are queued at once with a countdown; later ones are queued by
# the periodic dispatch (a countdown longer than the broker's visibility timeout would be
# delivered twice).
COUNTDOWN_MAX = dt.timedelta(minutes=15)
INTERRUPTED = (
    "État incertain : l'envoi a été interrompu (arrêt du processus d'envoi) ; le serveur a "
    "peut-être reçu le message, il n'est pas renvoyé automatiquement"
)


def now() -> dt.datetime:
    """The engine's clock: every time it reads or writes comes from here."""
    return timezone.now()


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th try failed for a transient reason (the last delay of
    OUTBOX_RETRY_DELAYS repeats)."""
    delays = settings.OUTBOX_RETRY_DELAYS
    return dt.timedelta(seconds=delays[min(max(attempts, 1), len(delays)) - 1])


def retry_window() -> dt.timedelta:
    """How long after its first try a message may still be tried."""
    return dt.timedelta(seconds=settings.OUTBOX_RETRY_WINDOW)


def _duration(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


@dataclass
class SendReport:
    sent: int = 0
    bounced: int = 0
    failed: int = 0
    uncertain: int = 0
    cancelled: int = 0
    retrying: int = 0  # tried, pending again for a later try
    deferred: int = 0  # not tried: the server could not be reached
    skipped: int = 0  # not due (sent, claimed by another worker, waiting for its retry time)
    # {when: ids} to try again soon: the task queues them with a countdown.
    retries: dict[dt.datetime, list[int]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if k != "retries"}


@dataclass
class _Outcome:
    message: OutboxMessage
    claimed_at: dt.datetime
    status: str
    phase: str = ""
    reason: str = ""
    sent_at: dt.datetime | None = None
    next_attempt_at: dt.datetime | None = None
    countdown: bool = False
    server_down: bool = False


def outbox_send(*, kind: str, ids: Iterable[int]) -> SendReport:
    """Send these messages of one kind, each at most once, over one SMTP connection."""
    spec = kinds.get(kind)
    wanted = list(dict.fromkeys(ids))
    report = SendReport()
    rows = collections.deque(
        outbox_rows(spec.model)
        .filter(pk__in=wanted)
        .due(now())
        .select_related(*spec.related)
        .prefetch_related(*spec.shared)
        .order_by("pk")
    )
    report.skipped = len(wanted) - len(rows)
    if not rows:
        return report
    backend = get_connection()
    build = spec.builder()
    done: _Outcome | None = None  # written by the next step, with the next claim
    from_the_end = False
    try:
        while rows:
            # After a lost claim, a twin task (a duplicate delivery) is working through the
            # same rows: take them from the other end, and meet it half-way.
            message = rows.pop() if from_the_end else rows.popleft()
            at = now()
            cancel = spec.cancel_reason(message, at)
            won = _step(spec, done, message, at, cancel=cancel)
            done = None
            if cancel:
                report.cancelled += won
                report.skipped += not won
                continue
            if not won:  # another worker has it: keep only the rows still due
                still_due = set(
                    outbox_rows(spec.model)
                    .filter(pk__in=[m.pk for m in rows])
                    .due(at)
                    .values_list("pk", flat=True)
                )
                report.skipped += 1 + len(rows) - len(still_due)
                rows = collections.deque(m for m in rows if m.pk in still_due)
                from_the_end = True
                continue
            done = _attempt(build, backend, message, claimed_at=at)
            _count(report, done)
            if done.server_down:
                until = done.next_attempt_at
                assert until is not None  # a retry has its time
                _step(spec, done, None, at)
                done = None
                report.deferred = _defer(spec.model, [m.pk for m in rows], until, report)
                break
        _step(spec, done, None, now())
        done = None
    except BaseException:
        if done is not None:  # a database error after the send: try once more to say so
            with contextlib.suppress(Exception):
                _step(spec, done, None, now())
        raise
    finally:
        with contextlib.suppress(Exception):
            backend.close()
    return report


def _step(
    spec: kinds.Kind,
    done: _Outcome | None,
    message: OutboxMessage | None,
    at: dt.datetime,
    *,
    cancel: str = "",
) -> bool:
    """Write the outcome of the previous row (if it is still the row this worker claimed), and
    claim the next one — or cancel it with the reason `cancel` — if it is still due, in one
    transaction (on PostgreSQL in one statement: a batch then costs one write per message).
    Returns whether this call claimed (or cancelled) the next row."""
    model = spec.model
    db = router.db_for_write(model)
    if done is not None and message is not None and connections[db].vendor == "postgresql":
        recorded, won = _step_in_one_statement(model, db, done, message, at, cancel)
    else:
        with transaction.atomic(using=db):
            recorded = done is not None and _write(model, done)
            won = message is not None and _take(model, message.pk, at, cancel)
    if done is not None and recorded:
        detail = done.reason
        if done.next_attempt_at is not None:
            detail = f"next try at {done.next_attempt_at.isoformat()}: {detail}"
        _log(spec, done.message, done.status, detail)
    elif done is not None:
        log.warning("%s %s: outcome not written, the row is no longer this worker's", spec.name,
                    done.message.pk)  # fmt: skip
    if message is not None and won and cancel:
        _log(spec, message, Status.CANCELLED, cancel)
    return won


def _write(model: type[OutboxMessage], outcome: _Outcome) -> bool:
    mine = Q(pk=outcome.message.pk, status=Status.SENDING, claimed_at=outcome.claimed_at)
    return outbox_rows(model).filter(mine).update(**_outcome_values(outcome)) == 1


def _take(model: type[OutboxMessage], pk: int, at: dt.datetime, cancel: str) -> bool:
    values = _cancel_values(cancel) if cancel else _claim_values(at)
    return outbox_rows(model).filter(due_q(at), pk=pk).update(**values) == 1


def _step_in_one_statement(
    model: type[OutboxMessage],
    db: str,
    done: _Outcome,
    message: OutboxMessage,
    at: dt.datetime,
    cancel: str,
) -> tuple[bool, bool]:
    """`_write` and `_take` as two data-modifying CTEs of one PostgreSQL statement."""
    written = _outcome_values(done)
    params = [
        *(written[name] for name in _OUTCOME_COLUMNS),
        done.message.pk, Status.SENDING, done.claimed_at,
        *((cancel[:300],) if cancel else (at, at)),
        message.pk, Status.PENDING, at,
    ]  # fmt: skip
    with connections[db].cursor() as cursor:
        cursor.execute(_step_sql(model, bool(cancel)), params)
        recorded, won = cursor.fetchone()
    return recorded == 1, won == 1


_OUTCOME_COLUMNS = ("status", "phase", "reason", "sent_at", "next_attempt_at", "queued_at")


@functools.cache
def _step_sql(model: type[OutboxMessage], cancel: bool) -> str:
    """Built once per model and kind of step, from the model's table and columns."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)

    def column(name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field) and field.column
        return quote(field.column)

    pk, status, claimed_at = quote(model._meta.pk.column), column("status"), column("claimed_at")
    attempts, first, next_at = (
        column("attempts"),
        column("first_attempt_at"),
        column("next_attempt_at"),
    )
    outcome = ", ".join(f"{column(name)} = %s" for name in _OUTCOME_COLUMNS)
    if cancel:
        take = f"{status} = '{Status.CANCELLED}', {column('reason')} = %s, {next_at} = NULL"
    else:
        take = (
            f"{status} = '{Status.SENDING}', {claimed_at} = %s, {attempts} = {attempts} + 1, "
            f"{first} = COALESCE({first}, %s), {column('phase')} = ''"
        )
    # Each row is found by its primary key alone; the conditions on its state are a CASE,
    # which the planner cannot turn into an index condition. Written as plain ANDs, they let
    # it pick a status index instead whenever the statistics predate a wave of pending rows
    # (measured: 2.9 ms a step, every pending row scanned, against 0.6 ms by the primary key).
    # A concurrent update makes PostgreSQL check the whole condition again on the new row.
    return (
        f"WITH written AS (UPDATE {table} SET {outcome} "
        f"WHERE {pk} = %s AND CASE WHEN {status} = %s AND {claimed_at} = %s THEN true END "
        f"RETURNING 1), "
        f"taken AS (UPDATE {table} SET {take} "
        f"WHERE {pk} = %s "
        f"AND CASE WHEN {status} = %s AND ({next_at} IS NULL OR {next_at} <= %s) THEN true END "
        f"RETURNING 1) "
        f"SELECT (SELECT count(*) FROM written), (SELECT count(*) FROM taken)"
    )


def _outcome_values(outcome: _Outcome) -> dict:
    return {
        "status": outcome.status,
        "phase": outcome.phase,
        "reason": outcome.reason[:300],
        "sent_at": outcome.sent_at,
        "next_attempt_at": outcome.next_attempt_at,
        "queued_at": outcome.next_attempt_at if outcome.countdown else None,
    }


def _claim_values(at: dt.datetime) -> dict:
    return {
        "status": Status.SENDING,
        "claimed_at": at,
        "attempts": F("attempts") + 1,
        "first_attempt_at": Coalesce(F("first_attempt_at"), Value(at)),
        "phase": "",
    }


def _cancel_values(reason: str) -> dict:
    return {"status": Status.CANCELLED, "reason": reason[:300], "next_attempt_at": None}


def _attempt(
    build: Callable[[OutboxMessage], EmailMessage],
    backend: BaseEmailBackend,
    message: OutboxMessage,
    *,
    claimed_at: dt.datetime,
) -> _Outcome:
    """Build and send one claimed message; what happened, not written yet."""
    try:
        email = build(message)
    except Exception as exc:  # a bug or bad data: never sent, safe to resend once fixed
        reason = f"Message impossible à préparer ({type(exc).__name__})"
        return _Outcome(message, claimed_at, Status.FAILED, Phase.PREPARE, reason)
    try:
        getattr(backend, "ensure_open", backend.open)()
        delivered = backend.send_messages([email])
    except Exception as exc:
        phase = getattr(backend, "phase", None)
        if not getattr(backend, "is_open", True):
            with contextlib.suppress(Exception):
                backend.close()
        return _after_failure(message, claimed_at, failure_of(exc, phase), phase or "")
    if not delivered:
        return _Outcome(
            message, claimed_at, Status.FAILED, Phase.PREPARE, "Message sans destinataire"
        )
    return _Outcome(message, claimed_at, Status.SENT, Phase.ACCEPTED, sent_at=now())


def _after_failure(
    message: OutboxMessage, claimed_at: dt.datetime, failure: Failure, phase: str
) -> _Outcome:
    if failure.verdict != RETRY:
        return _Outcome(message, claimed_at, failure.verdict, phase, failure.reason)
    at = now()
    attempts = message.attempts + 1  # the claim counted this try in the database
    end = (message.first_attempt_at or claimed_at) + retry_window()
    if at >= end:
        tries = format_count(attempts, "essai", "essais")
        reason = f"Abandon après {tries} en {_duration(retry_window())} : {failure.reason}"
        return _Outcome(message, claimed_at, Status.FAILED, phase, reason)
    next_at = min(at + retry_delay(attempts), end)
    return _Outcome(
        message, claimed_at, Status.PENDING, phase, failure.reason,
        next_attempt_at=next_at, countdown=next_at - at <= COUNTDOWN_MAX,
        server_down=phase == Phase.CONNECT,
    )  # fmt: skip


def _retry_slot(at: dt.datetime) -> dt.datetime:
    """The whole second at or after `at`: the retries of one run falling in the same second
    share one task."""
    return at if at.microsecond == 0 else at.replace(microsecond=0) + dt.timedelta(seconds=1)


def _count(report: SendReport, outcome: _Outcome) -> None:
    if outcome.status == Status.PENDING:
        report.retrying += 1
        if outcome.countdown and outcome.next_attempt_at is not None:
            slot = _retry_slot(outcome.next_attempt_at)
            report.retries.setdefault(slot, []).append(outcome.message.pk)
    else:
        setattr(report, outcome.status, getattr(report, outcome.status) + 1)


def _defer(
    model: type[OutboxMessage], ids: list[int], until: dt.datetime, report: SendReport
) -> int:
    """The server is unreachable: rows not tried yet wait until `until`, no attempt counted."""
    if not ids:
        return 0
    countdown = until - now() <= COUNTDOWN_MAX
    deferred = list(
        outbox_rows(model)
        .filter(pk__in=ids)
        .due(until)
        .exclude(next_attempt_at=until)
        .values_list("pk", flat=True)
    )
    outbox_rows(model).filter(pk__in=deferred, status=Status.PENDING).update(
        next_attempt_at=until, queued_at=until if countdown else None
    )
    if countdown and deferred:
        report.retries.setdefault(_retry_slot(until), []).extend(deferred)
    log.warning(
        "%s: %s message(s) not tried, the server being unreachable; next try at %s",
        model._meta.label_lower, len(deferred), until.isoformat(),
    )  # fmt: skip
    return len(deferred)


def _log(spec: kinds.Kind, message: OutboxMessage, status: str, detail: str = "") -> None:
    context = spec.log_context(message)
    log.log(
        logging.INFO if status in (Status.SENT, Status.CANCELLED) else logging.WARNING,
        "%s %s%s: %s%s",
        spec.name,
        message.pk,
        f" ({context})" if context else "",
        status,
        f" ({detail})" if detail else "",
    )


def outbox_sweep(*, now: dt.datetime) -> int:
    """Rows left "sending" by a worker that died: uncertain (the server may have the message),
    never sent again automatically. Returns how many."""
    swept = 0
    for spec in kinds.registered():
        ids = list(outbox_rows(spec.model).stuck(now).values_list("pk", flat=True))
        if not ids:
            continue
        count = (
            outbox_rows(spec.model)
            .filter(pk__in=ids)
            .stuck(now)
            .update(status=Status.UNCERTAIN, reason=INTERRUPTED, next_attempt_at=None)
        )
        log.warning("%s %s left sending by a dead worker: uncertain", spec.name, ids)
        swept += count
    return swept


def outbox_resend(
    *, messages: QuerySet, statuses: Iterable[str], seen_at: dt.datetime
) -> list[int]:
    """Put failed (and, when asked knowingly, uncertain) messages back to pending for a new
    window of tries; only those whose last try was before `seen_at`, the moment the person saw
    the list: a second click resends nothing twice. Returns the ids put back."""
    statuses = list(statuses)
    assert statuses and set(statuses) <= set(RESENDABLE), statuses
    model = messages.model
    with transaction.atomic():
        ids = list(
            messages.filter(status__in=statuses, claimed_at__lte=seen_at)
            .select_for_update(of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        outbox_rows(model).filter(pk__in=ids).update(
            status=Status.PENDING, attempts=0, first_attempt_at=None, next_attempt_at=None,
            queued_at=None, phase="", reason="",
        )  # fmt: skip
    if ids:
        log.info(
            "%s: %s message(s) put back to pending on request", model._meta.label_lower, len(ids)
        )
    return ids
