"""SMTP that knows how far each message went, and what a failure means at that point.

`EmailBackend` is Django's SMTP backend (the `EMAIL_*` settings, TLS, login) whose connection
records the **phase** of the current message: preparing it, connecting, the envelope (MAIL FROM,
RCPT TO), the data being written, *submitted* (the whole message and its final "." were written:
the server may have it, its reply is awaited), accepted. Every socket operation has a timeout
(`EMAIL_TIMEOUT`; 20 seconds when it is not set).

`failure_of(exc, phase)` states the rule once:

- before the message was submitted, nothing was delivered: a 4xx answer or a network error is
  worth another try (`retry`), a 5xx answer is final — `bounced` when the server refused the
  address at RCPT, `failed` otherwise (safe to send again later, by hand);
- once it was submitted, an explicit answer still decides (4xx: `retry`, 5xx: `failed`), but a
  lost connection, a timeout or an answer that is not a 4xx/5xx code leaves the server possibly
  holding the message: `uncertain`, never sent again automatically;
- a backend that does not tell its phase gets the same rule for explicit answers, and `uncertain`
  for anything else.

Reasons are French sentences for staff, with SMTP codes but never the server's text (it may
quote the address).
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends import smtp as django_smtp
from django.db import models

from coopqualite.mail import smtp_error_is_transient
from coopqualite.outbox import mime

DEFAULT_TIMEOUT = 20  # seconds, when EMAIL_TIMEOUT is None


class Phase(models.TextChoices):
    PREPARE = "prepare", "préparation du message"
    CONNECT = "connect", "connexion au serveur"
    ENVELOPE = "envelope", "expéditeur et destinataire"
    DATA = "data", "transmission du message"
    SUBMITTED = "submitted", "message transmis, réponse attendue"
    ACCEPTED = "accepted", "message accepté"


if TYPE_CHECKING:
    _SMTP = smtplib.SMTP
else:
    _SMTP = object


class _PhaseTracking(_SMTP):
    """Mixed into smtplib.SMTP: `phase` follows the message through the conversation.

    In `data()`, smtplib sends the DATA command, reads the 354 answer, then writes the message
    with its final "." in one `send()`: the message is *submitted* once that write returned.
    """

    phase: str = Phase.CONNECT
    _payload_next = False

    def mail(self, sender: str, options: Sequence[str] = ()) -> tuple[int, bytes]:
        self.phase = Phase.ENVELOPE
        return super().mail(sender, options)

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.phase = Phase.DATA
        try:
            code, reply = super().data(msg)
        finally:
            self._payload_next = False
        if code == 250:
            self.phase = Phase.ACCEPTED
        return code, reply

    def getreply(self) -> tuple[int, bytes]:
        code, reply = super().getreply()
        if self.phase == Phase.DATA and code == 354:
            self._payload_next = True  # the next write is the message itself
        return code, reply

    def send(self, s: Any) -> None:
        super().send(s)
        if self._payload_next:
            self._payload_next = False
            self.phase = Phase.SUBMITTED


class TrackingSMTP(_PhaseTracking, smtplib.SMTP):
    pass


class TrackingSMTP_SSL(_PhaseTracking, smtplib.SMTP_SSL):  # noqa: N801 (smtplib's name)
    pass


class EmailBackend(django_smtp.EmailBackend):
    """Django's SMTP backend; `phase` tells how far the last message went, `is_open` whether
    the connection can take another message."""

    def __init__(self, *args: Any, timeout: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, timeout=timeout, **kwargs)
        if self.timeout is None:
            self.timeout = DEFAULT_TIMEOUT

    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return TrackingSMTP_SSL if self.use_ssl else TrackingSMTP

    @property
    def phase(self) -> str:
        connection = self.connection or getattr(self, "_partial_connection", None)
        return getattr(connection, "phase", Phase.CONNECT)

    @property
    def is_open(self) -> bool:
        return self.connection is not None and self.connection.sock is not None

    def ensure_open(self) -> None:
        """Open the connection, or open it again when the server closed it."""
        if self.connection is not None and self.connection.sock is None:
            self.close()
        self.open()

    def _send(self, email_message: EmailMessage) -> bool:
        """Django's per-message step, with the message's bytes written by `mime` (memoized
        header encoding: most of the worker's CPU otherwise)."""
        connection = cast(_PhaseTracking, self.connection)
        connection.phase = Phase.PREPARE
        recipients = email_message.recipients()
        if not recipients:
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        sender = mime.envelope_address(email_message.from_email, encoding)
        envelope = [mime.envelope_address(address, encoding) for address in recipients]
        message = mime.message_bytes(email_message)
        try:
            connection.sendmail(sender, envelope, message)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True


@dataclass(frozen=True)
class Failure:
    verdict: str  # "retry", "bounced", "failed" or "uncertain"
    reason: str  # in French, for staff


RETRY, BOUNCED, FAILED, UNCERTAIN = "retry", "bounced", "failed", "uncertain"


def _code(exc: Exception) -> int | None:
    return exc.smtp_code if isinstance(exc, smtplib.SMTPResponseException) else None


def failure_of(exc: Exception, phase: str | None) -> Failure:
    """What a failure to send one message means, given the phase it reached (None: unknown)."""
    code = _code(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = ", ".join(str(c) for c in sorted({c for c, _ in exc.recipients.values()}))
        if smtp_error_is_transient(exc):
            return Failure(RETRY, f"Destinataire refusé pour l'instant par le serveur ({codes})")
        return Failure(BOUNCED, f"Adresse refusée par le serveur de messagerie ({codes})")
    if phase == Phase.SUBMITTED or phase is None:
        if code is not None and 400 <= code < 500:
            return Failure(RETRY, f"Message refusé pour l'instant par le serveur ({code})")
        if code is not None and 500 <= code < 600:
            return Failure(FAILED, f"Message refusé par le serveur de messagerie ({code})")
        if code is not None:
            what = f"réponse inattendue du serveur ({code})"
        elif isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
            what = "pas de réponse du serveur dans le délai"
        else:
            what = f"connexion perdue ({type(exc).__name__})"
        when = "après la transmission du message" if phase else "pendant l'envoi"
        return Failure(
            UNCERTAIN,
            f"État incertain : {what} {when} ; le serveur a peut-être reçu le message, "
            "il n'est pas renvoyé automatiquement",
        )
    if smtp_error_is_transient(exc):
        if code is not None:
            return Failure(RETRY, f"Le serveur de messagerie a répondu {code}")
        return Failure(RETRY, f"Serveur de messagerie injoignable ({type(exc).__name__})")
    if code is not None:
        return Failure(FAILED, f"Le serveur de messagerie a répondu {code}")
    return Failure(FAILED, f"Message impossible à préparer ({type(exc).__name__})")
