"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, recording what it receives.

`smtp_server` starts it on a free port and points Django's SMTP backend at it. Tests can make it
refuse recipients (550: address refused, 451: try again later) or refuse the next DATA commands
with 451. For a Celery worker in another process, `smtp_server.env` holds the variables its
settings read.
"""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

REFUSALS = {
    550: "550 5.1.1 Adresse inconnue",
    451: "451 4.3.0 Essayez plus tard",
}


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        return self.rcpt_tos[0]

    def header(self, name: str) -> str | None:
        """A header's value, unfolded (a long header may start on the next line)."""
        value = self.message[name]
        return None if value is None else " ".join(str(value).split())


@dataclass
class RecordingHandler:
    """Stores every accepted message; refuses what it is told to refuse."""

    received: list[ReceivedMail] = field(default_factory=list)
    refused_recipients: dict[str, int] = field(default_factory=dict)
    data_failures: int = 0
    data_failures_after: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self.refused_recipients.get(address.lower())
        if code is not None:
            return REFUSALS[code]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.data_failures > 0:
                if self.data_failures_after > 0:
                    self.data_failures_after -= 1
                else:
                    self.data_failures -= 1
                    return "451 4.3.0 Essayez plus tard"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, controller: Controller, handler: RecordingHandler):
        self.controller = controller
        self.handler = handler
        self.host = controller.hostname
        self.port = controller.port

    @property
    def env(self) -> dict[str, str]:
        """What a worker process needs in its environment to send here."""
        return {
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": str(self.port),
            "EMAIL_USE_TLS": "false",
        }

    @property
    def messages(self) -> list[ReceivedMail]:
        with self.handler.lock:
            return list(self.handler.received)

    def recipients(self) -> list[str]:
        return [address for mail in self.messages for address in mail.rcpt_tos]

    def refuse(self, address: str, code: int) -> None:
        """Answer RCPT TO:<address> with 550 (permanent) or 451 (temporary)."""
        assert code in REFUSALS
        self.handler.refused_recipients[address.lower()] = code

    def fail_data(self, times: int, *, after: int = 0) -> None:
        """Accept `after` more messages, then answer the next `times` DATA commands with 451."""
        with self.handler.lock:
            self.handler.data_failures = times
            self.handler.data_failures_after = after

    def wait_for(self, count: int, timeout: float = 10) -> list[ReceivedMail]:
        """The messages once at least `count` arrived (or the timeout passed)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    log = logging.getLogger("mail.log")  # aiosmtpd logs every command at INFO
    level = log.level
    log.setLevel(logging.WARNING)
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    server = SMTPServer(controller, handler)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield server
    finally:
        controller.stop()
        log.setLevel(level)
