"""The bytes of an e-mail, written quickly for the usual shape of the portal's e-mails.

Profiling the sending worker (bench/survey_sending.py, cProfile with a CPU clock) showed three
quarters of its CPU in the standard library's MIME machinery behind Django's
`EmailMessage.message().as_bytes()`: encoding the same non-ASCII Subject and From once more
for every message (`email.header.Header.encode`, quadratic in the header's length), folding
every header again in the generator, compiling a regular expression per message to check its
random boundary, and parsing the sender's address again for the envelope.

`message_bytes(email)` writes the same message directly for the shape every portal e-mail has
— a text/plain body, optionally one text/html alternative, no attachment, UTF-8 — with:

- the header values checked and encoded by Django's own `forbid_multi_line_headers` and
  `sanitize_address` (no newline, RFC 2047 encoded words), **memoized**: a batch of one
  campaign shares its Subject and From; a bare ASCII address is used as it is (Django's
  parsing returns it unchanged);
- bodies in 8bit UTF-8 with CRLF line ends, as Django writes them; a body with a line longer
  than 998 bytes (Django then switches to quoted-printable) and every other shape go through
  Django unchanged (`email.message().as_bytes()`).

The result parses to the same headers and bodies as Django's (tests/outbox/test_mime.py);
Date and Message-ID are made the same way; only the folding of long header lines and the
boundary's digits differ.
"""

from __future__ import annotations

import functools
import random
import re
import sys
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.message import forbid_multi_line_headers, sanitize_address
from django.core.mail.utils import DNS_NAME

LINE_LIMIT = 998  # RFC 5322, without the CRLF
_NEWLINES = re.compile(r"\r\n|\r|\n")
_OWN_HEADERS = {"from", "to", "cc", "reply-to"}


def header_value(name: str, value: str, encoding: str) -> str:
    """A header's value as Django writes it: refused (BadHeaderError) if it holds a newline;
    a Subject, or a value that is not ASCII, encoded (and folded) once per distinct value."""
    if value.isascii() and name.lower() != "subject":
        forbid_multi_line_headers(name, value, encoding)  # only checks an ASCII value
        return value
    return _encoded(name, value, encoding)


@functools.lru_cache(maxsize=256)
def _encoded(name: str, value: str, encoding: str) -> str:
    return str(forbid_multi_line_headers(name, value, encoding)[1]).replace("\n", "\r\n")


# A bare address whose local part is a dot-atom and whose domain is ASCII: Django's
# sanitize_address returns it unchanged (tests/outbox/test_mime.py), without parsing it.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_ADDRESS = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")


def envelope_address(address: str, encoding: str) -> str:
    """An address for MAIL FROM / RCPT TO, as Django's SMTP backend sanitizes it."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return address
    return _sanitized(address, encoding)


@functools.lru_cache(maxsize=256)
def _sanitized(address: str, encoding: str) -> str:
    return sanitize_address(address, encoding)


def _fast_shape(email: EmailMessage, encoding: str) -> bool:
    if encoding.lower() != "utf-8" or email.attachments or email.content_subtype != "plain":
        return False
    if not isinstance(email.body, str):
        return False
    alternatives = getattr(email, "alternatives", [])
    if not alternatives:
        return True
    if not isinstance(email, EmailMultiAlternatives) or not email.body:
        return False
    if email.alternative_subtype != "alternative" or len(alternatives) != 1:
        return False
    content, mimetype = alternatives[0]
    return mimetype == "text/html" and isinstance(content, str)


def _body(text: str) -> bytes | None:
    """The text as 8bit UTF-8 lines ending in CRLF, or None when a line is too long for 8bit."""
    lines = [line.encode() for line in _NEWLINES.split(text)]
    if any(len(line) > LINE_LIMIT for line in lines):
        return None
    return b"\r\n".join(lines)


def _part(subtype: str, body: bytes, head: str = "") -> bytes:
    """A text part (or a whole text/plain message, with its `head`er lines)."""
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\nMIME-Version: 1.0\r\n'
        f"Content-Transfer-Encoding: 8bit\r\n{head}\r\n"
    ).encode() + body


def _boundary(*bodies: bytes) -> str:
    while True:
        boundary = "=" * 15 + f"{random.randrange(sys.maxsize):019d}" + "=="
        if not any(boundary.encode() in body for body in bodies):
            return boundary


def message_bytes(email: EmailMessage) -> bytes:
    """The message as sent over SMTP (CRLF line ends), as `email.message().as_bytes()`."""
    encoding = email.encoding or settings.DEFAULT_CHARSET
    if not _fast_shape(email, encoding):
        return email.message().as_bytes(linesep="\r\n")
    text = _body(str(email.body))
    alternatives = getattr(email, "alternatives", [])
    html = _body(alternatives[0][0]) if alternatives else b""
    if text is None or html is None:
        return email.message().as_bytes(linesep="\r\n")

    extra = email.extra_headers
    headers: list[tuple[str, str]] = [("Subject", str(email.subject))]
    headers.append(("From", extra.get("From", email.from_email)))
    for name, values in (("To", email.to), ("Cc", email.cc), ("Reply-To", email.reply_to)):
        if name in extra:
            headers.append((name, extra[name]))
        elif values:
            headers.append((name, ", ".join(str(v) for v in values)))
    names = {name.lower() for name in extra}
    if "date" not in names:
        headers.append(("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)))
    if "message-id" not in names:
        headers.append(("Message-ID", make_msgid(domain=str(DNS_NAME))))
    headers += [(n, v) for n, v in extra.items() if n.lower() not in _OWN_HEADERS]
    head = "".join(f"{n}: {header_value(n, str(v), encoding)}\r\n" for n, v in headers)

    if not alternatives:
        return _part("plain", text, head)
    boundary = _boundary(text, html)
    mark = f"--{boundary}\r\n".encode()
    return b"".join(
        [
            f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"\r\n'
            f"MIME-Version: 1.0\r\n{head}\r\n".encode(),
            mark,
            _part("plain", text),
            b"\r\n" + mark,
            _part("html", html),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
