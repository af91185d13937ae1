"""The SMTP backend of the outbox knows how far a message went, and the rule says what a failure
means at that point (coopqualite/outbox/smtp.py), against a real SMTP server on loopback."""

from __future__ import annotations

import smtplib

import pytest
from django.core.mail import EmailMessage

from coopqualite.outbox.smtp import EmailBackend, failure_of
from tests.smtp import free_port


def mail(to: str = "claude@exemple.fr") -> EmailMessage:
    return EmailMessage("Objet", "Bonjour", "coop@exemple.fr", [to])


def send_through(backend: EmailBackend, message: EmailMessage) -> tuple[Exception | None, str]:
    """The error (None: sent) and the phase the message reached."""
    error = None
    try:
        backend.open()
        backend.send_messages([message])
    except Exception as exc:
        error = exc
    phase = backend.phase
    backend.close()
    return error, phase


def test_an_accepted_message_reaches_the_accepted_phase(smtp_server):
    backend = EmailBackend()

    assert send_through(backend, mail()) == (None, "accepted")
    assert smtp_server.recipients() == ["claude@exemple.fr"]


def test_a_connection_dropped_after_the_data_is_submitted_and_uncertain(smtp_server):
    smtp_server.drop_after_data("claude@exemple.fr")
    backend = EmailBackend()

    error, phase = send_through(backend, mail())

    assert isinstance(error, smtplib.SMTPServerDisconnected)
    assert phase == "submitted"
    assert failure_of(error, phase).verdict == "uncertain"
    assert len(smtp_server.messages) == 1  # the server has it


def test_a_failure_while_the_message_is_written_is_not_submitted_and_is_retried(
    smtp_server, monkeypatch
):
    write = smtplib.SMTP.send

    def connection_lost_while_writing_the_message(self, s):
        if b"Subject: Objet" in (s if isinstance(s, bytes) else s.encode()):
            raise smtplib.SMTPServerDisconnected("connexion perdue pendant l'écriture")
        return write(self, s)

    monkeypatch.setattr(smtplib.SMTP, "send", connection_lost_while_writing_the_message)
    backend = EmailBackend()

    error, phase = send_through(backend, mail())

    assert phase == "data"
    assert failure_of(error, phase).verdict == "retry"
    assert smtp_server.messages == []


def test_a_late_answer_is_a_timeout_after_submission(smtp_server, settings):
    settings.EMAIL_TIMEOUT = 1
    smtp_server.delay_reply("claude@exemple.fr", 3)
    backend = EmailBackend()

    error, phase = send_through(backend, mail())

    assert phase == "submitted"
    failure = failure_of(error, phase)
    assert failure.verdict == "uncertain"
    assert "pas de réponse du serveur dans le délai" in failure.reason


def test_a_refused_address_is_refused_in_the_envelope_and_bounced(smtp_server):
    smtp_server.refuse("claude@exemple.fr", 550)
    backend = EmailBackend()

    error, phase = send_through(backend, mail())

    assert phase == "envelope"
    assert failure_of(error, phase) == failure_of(error, "envelope")
    assert failure_of(error, phase).verdict == "bounced"


def test_a_server_that_does_not_listen_fails_in_the_connect_phase_and_is_retried(settings):
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    backend = EmailBackend()

    error, phase = send_through(backend, mail())

    assert isinstance(error, ConnectionRefusedError)
    assert phase == "connect"
    assert failure_of(error, phase).reason == (
        "Serveur de messagerie injoignable (ConnectionRefusedError)"
    )


def test_the_backend_always_has_a_timeout(settings):
    settings.EMAIL_TIMEOUT = None

    assert EmailBackend().timeout == 20
    assert EmailBackend(timeout=3).timeout == 3


def _refused(code: int) -> smtplib.SMTPRecipientsRefused:
    return smtplib.SMTPRecipientsRefused({"claude@exemple.fr": (code, b"adresse")})


def _timeout_while_reading() -> smtplib.SMTPServerDisconnected:
    try:
        try:
            raise TimeoutError("timed out")
        except TimeoutError:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed") from None
    except smtplib.SMTPServerDisconnected as exc:
        return exc


@pytest.mark.parametrize(
    ("error", "phase", "verdict"),
    [
        (_refused(550), "envelope", "bounced"),
        (_refused(451), "envelope", "retry"),
        (smtplib.SMTPSenderRefused(550, b"", "coop@exemple.fr"), "envelope", "failed"),
        (smtplib.SMTPAuthenticationError(535, b""), "connect", "failed"),
        (ConnectionRefusedError(111, "refused"), "connect", "retry"),
        (smtplib.SMTPServerDisconnected("closed"), "data", "retry"),
        (smtplib.SMTPDataError(451, b""), "submitted", "retry"),
        (smtplib.SMTPDataError(421, b""), "submitted", "retry"),
        (smtplib.SMTPDataError(554, b""), "submitted", "failed"),
        (smtplib.SMTPDataError(-1, b"???"), "submitted", "uncertain"),
        (smtplib.SMTPDataError(252, b""), "submitted", "uncertain"),
        (smtplib.SMTPServerDisconnected("closed"), "submitted", "uncertain"),
        (_timeout_while_reading(), "submitted", "uncertain"),
        (smtplib.SMTPServerDisconnected("closed"), None, "uncertain"),
        (smtplib.SMTPDataError(451, b""), None, "retry"),
        (ValueError("adresse invalide"), "prepare", "failed"),
    ],
)
def test_what_a_failure_means_depends_on_the_phase_it_reached(error, phase, verdict):
    assert failure_of(error, phase).verdict == verdict


def test_reasons_are_french_with_codes_never_the_servers_text():
    refused = failure_of(
        smtplib.SMTPRecipientsRefused({"claude@exemple.fr": (550, b"<claude@exemple.fr> inconnu")}),
        "envelope",
    )
    lost = failure_of(_timeout_while_reading(), "submitted")

    assert refused.reason == "Adresse refusée par le serveur de messagerie (550)"
    assert lost.reason == (
        "État incertain : pas de réponse du serveur dans le délai après la transmission du "
        "message ; le serveur a peut-être reçu le message, il n'est pas renvoyé automatiquement"
    )
