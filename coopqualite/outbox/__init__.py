"""The outbox: every e-mail the portal sends for a record, sent at most once, with an honest
state, retried in time, and resent by a person only knowingly.

A feature that sends (survey invitations and reminders today; construction letters and
after-sales notifications next) writes one row per intended e-mail *before* anything is sent,
in a concrete model of `models.OutboxMessage`, and registers a **kind** in its
`AppConfig.ready()` (`kinds.Kind`: the model, how a row's e-mail is built, why a row must no
longer leave, the ids to log). One task (`tasks.outbox_send_task(kind, ids)`) and one dispatcher
(`services.dispatch`) serve every kind; `enquetes.Message` is the first.

States of a message::

    pending ──claim──▶ sending ──▶ sent
       ▲                  │──────▶ bounced    5xx at RCPT: the address is refused
       │                  │──────▶ failed     never handed to the server: safe to resend
       │                  │──────▶ uncertain  the server may have it: resend only knowingly
       └── transient ─────┘        (4xx, unreachable: pending again, `next_attempt_at` later)
    pending ──▶ cancelled          the kind says it must not leave (answered, unsubscribed…)

- **Phase** (`smtp.py`): the SMTP backend records how far each message went; a failure after
  the message and its final "." were written — disconnect, timeout, an answer that is not a
  4xx/5xx code — is *uncertain* and never retried automatically. An explicit 4xx after DATA
  is a refusal (retry), a 5xx is *failed*. Every socket operation has `EMAIL_TIMEOUT`.
- **Claims per message** (`services/sending.py`): each row is claimed (pending and due →
  sending) in the same transaction that records the previous row's outcome, so a worker holds
  at most one row "sending"; killed, it leaves that row to the **sweep** (`outbox_sweep`:
  "sending" for longer than `models.SENDING_TIMEOUT` → uncertain) and every other row pending.
- **Retries in time**: a transient failure sets `next_attempt_at` from `OUTBOX_RETRY_DELAYS`
  (1, 5, 15, 60 minutes, then every 3 hours) for that row's number of attempts; once
  `OUTBOX_RETRY_WINDOW` (24 h) has passed since its first try, the row is failed with the
  reason. An attempt counts only for the row that was tried: when the server cannot be reached,
  the rows not tried yet wait as long, without an attempt. Retries due within
  `COUNTDOWN_MAX` are queued by the task with a Celery countdown; the periodic dispatch
  (`outbox_dispatch`, every minute) is the safety net: it sweeps, then queues the due rows that
  no task is known to hold (`queued_at` older than `models.REQUEUE_AFTER`), never a row that
  waits for its retry time.
- **Resend** (`outbox_resend`): failed rows, or uncertain ones when a person confirmed, back to
  pending for a new window: a conditional update limited to the rows the person saw (last try
  before the page was drawn), so a second click resends nothing twice.
- **Clock**: every time the engine reads comes from `services.sending.now()`; tests drive it
  (time_machine) and call the dispatch with `now` advanced.
- **Cost per e-mail**: one statement per message (the previous outcome and the next claim),
  the message's bytes written by `mime.py` (memoized header encoding), and, when the kind
  gives them, a per-batch builder (`Kind.batch_build`: templates rendered once per campaign)
  and rows shared by the batch prefetched once (`Kind.shared`). See `services/sending.py`.
- **Logs**: each outcome with the kind, the row id and the kind's ids; never an address, a
  name or a token. Reasons shown to staff are French, with SMTP codes, never the server's text.
- **Pages**: `selectors.outbox_counts` (a count per state, pending split into due and
  waiting for a retry) and `selectors.outbox_problems` (failed, uncertain, bounced).
"""
