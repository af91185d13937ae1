"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, recording what it receives, and
misbehaving on command.

`smtp_server` starts it on a free port and points Django at it with the project's SMTP backend
(`coopqualite.outbox.smtp.EmailBackend`). On command it can:

- refuse connections for a while: `stop_listening()` … `start_listening()` (same port);
- refuse recipients: `refuse(address, 550)` (address refused) or `refuse(address, 451)`;
- refuse messages after their data: the next `times` with 451 or 554 (`fail_data`), or all
  with 451 until told otherwise (`temporary_failure(True)`);
- drop the connection after accepting a message, without answering (`drop_after_data(address)`);
- answer a message later than the client's timeout (`delay_reply(address, seconds)`).

A message whose connection is dropped, or whose answer is late, *was received*: it is in
`messages` (a real server would deliver it). Duplicates are counted by recipient
(`received_by()`). For a Celery worker in another process, `smtp_server.env` holds the
variables its settings read.
"""

from __future__ import annotations

import asyncio
import collections
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
DATA_REFUSALS = {
    451: "451 4.3.0 Essayez plus tard",
    554: "554 5.6.0 Message refusé",
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
    """Stores every accepted message; refuses, drops or delays what it is told to."""

    received: list[ReceivedMail] = field(default_factory=list)
    refused_recipients: dict[str, int] = field(default_factory=dict)
    data_failures: int = 0
    data_failures_after: int = 0
    data_failure_code: int = 451
    failing: bool = False  # every DATA answered 451
    dropped: set[str] = field(default_factory=set)
    delays: dict[str, float] = field(default_factory=dict)
    holding: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self.refused_recipients.get(address.lower())
        if code is not None:
            return REFUSALS[code]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        recipient = envelope.rcpt_tos[0].lower()
        with self.lock:
            if self.failing:
                return "451 4.3.0 Essayez plus tard"
            if self.data_failures > 0:
                if self.data_failures_after > 0:
                    self.data_failures_after -= 1
                else:
                    self.data_failures -= 1
                    return DATA_REFUSALS[self.data_failure_code]
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
            drop = recipient in self.dropped
            delay = self.delays.get(recipient, 0)
        if drop:  # accepted, then the connection is lost before the answer
            server.transport.close()
            return "250 Message accepted for delivery"
        if delay:
            self.holding.set()
            await asyncio.sleep(delay)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, handler: RecordingHandler, port: int):
        self.handler = handler
        self.host = "127.0.0.1"
        self.port = port
        self.controller: Controller | None = None
        self.start_listening()

    @property
    def env(self) -> dict[str, str]:
        """What a worker process needs in its environment to send here."""
        return {
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": str(self.port),
            "EMAIL_USE_TLS": "false",
        }

    def start_listening(self) -> None:
        """Accept connections (again) on the same port."""
        assert self.controller is None
        self.controller = Controller(self.handler, hostname=self.host, port=self.port)
        self.controller.start()

    def stop_listening(self) -> None:
        """Refuse connections (nothing listens on the port) until start_listening()."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[ReceivedMail]:
        with self.handler.lock:
            return list(self.handler.received)

    def recipients(self) -> list[str]:
        return [address for mail in self.messages for address in mail.rcpt_tos]

    def received_by(self) -> collections.Counter:
        """How many messages each recipient received."""
        return collections.Counter(self.recipients())

    def refuse(self, address: str, code: int) -> None:
        """Answer RCPT TO:<address> with 550 (permanent) or 451 (temporary)."""
        assert code in REFUSALS
        self.handler.refused_recipients[address.lower()] = code

    def fail_data(self, times: int, *, after: int = 0, code: int = 451) -> None:
        """Accept `after` more messages, then answer the next `times` of them with `code` (451:
        try later, 554: refused) after their data."""
        assert code in DATA_REFUSALS
        with self.handler.lock:
            self.handler.data_failures = times
            self.handler.data_failures_after = after
            self.handler.data_failure_code = code

    def temporary_failure(self, on: bool) -> None:
        """Answer every message with 451 (on) until switched off."""
        with self.handler.lock:
            self.handler.failing = on

    def drop_after_data(self, address: str) -> None:
        """Accept the messages to `address`, then close the connection without answering."""
        with self.handler.lock:
            self.handler.dropped.add(address.lower())

    def delay_reply(self, address: str, seconds: float) -> None:
        """Accept the messages to `address`, then answer only after `seconds`; `holding` is set
        while an answer is held."""
        with self.handler.lock:
            self.handler.delays[address.lower()] = seconds

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
    server = SMTPServer(RecordingHandler(), free_port())
    settings.EMAIL_BACKEND = "coopqualite.outbox.smtp.EmailBackend"
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
        server.stop_listening()
        log.setLevel(level)
