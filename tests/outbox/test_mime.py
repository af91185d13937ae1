"""The outbox's fast MIME writer (coopqualite.outbox.mime) against Django's own: the same
message once parsed, and Django's path for the shapes it does not handle."""

from __future__ import annotations

import email
from email import policy

import pytest
from django.core.mail import BadHeaderError, EmailMessage, EmailMultiAlternatives
from django.core.mail.message import sanitize_address

from coopqualite.outbox.mime import envelope_address, message_bytes

UNSUBSCRIBE = "<http://127.0.0.1:8000/d/" + "Ab-_9" * 9 + "/>"  # longer than a folded line
BODY = "Bonjour Clémence,\r\n\n.une ligne qui commence par un point\nFrom la coopérative\n"
HTML = '<p style="font-size:16px;">Bonjour Clémence &amp; Loïc,</p>\n<p>Répondre</p>\n'


def survey_like(**changes) -> EmailMultiAlternatives:
    fields = dict(
        subject="Rappel : Coopérative des Érables et des Châtaigniers vous demande votre avis",
        body=BODY,
        from_email="Coopqualité <ne-pas-repondre@example.org>",
        to=["clemence.dupont@example.org"],
        cc=["Loïc Martin <loic@example.org>"],
        headers={
            "List-Unsubscribe": UNSUBSCRIBE,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    fields.update(changes)
    message = EmailMultiAlternatives(**fields)
    message.attach_alternative(HTML, "text/html")
    return message


def parsed(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)


def described(message: email.message.EmailMessage) -> dict:
    """Headers decoded (but Date, Message-ID and the boundary; spaces around a value dropped:
    Django folds a long List-Unsubscribe before its "<", which unfolds to a leading space), each
    part's type, encoding and decoded text."""
    headers = {
        name: str(value).strip()
        for name, value in message.items()
        if name not in ("Date", "Message-ID", "Content-Type")
    }
    parts = [
        (part.get_content_type(), part.get_content_charset(), part["Content-Transfer-Encoding"],
         part.get_content())
        for part in message.walk()
        if not part.is_multipart()
    ]  # fmt: skip
    return {"type": message.get_content_type(), "headers": headers, "parts": parts}


def test_a_survey_like_email_parses_to_the_same_message_as_djangos():
    message = survey_like()

    fast, django = message_bytes(message), message.message().as_bytes(linesep="\r\n")

    assert described(parsed(fast)) == described(parsed(django))
    assert described(parsed(fast))["headers"]["Subject"] == (
        "Rappel : Coopérative des Érables et des Châtaigniers vous demande votre avis"
    )
    assert [p[2] for p in described(parsed(fast))["parts"]] == ["8bit", "8bit"]


def test_every_line_ends_with_crlf_and_none_is_longer_than_998_bytes():
    raw = message_bytes(survey_like())

    lines = raw.split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 998


def test_a_plain_text_email_parses_to_the_same_message_as_djangos():
    message = EmailMessage(
        subject="Votre espace acquéreur", body=BODY, to=["a@example.org"], reply_to=["b@ex.org"]
    )

    fast = parsed(message_bytes(message))

    assert described(fast) == described(parsed(message.message().as_bytes(linesep="\r\n")))
    assert fast.get_content_type() == "text/plain"


def test_a_body_line_longer_than_998_bytes_is_left_to_django_quoted_printable():
    message = survey_like(body="é" * 600)

    raw = message_bytes(message)

    assert b"Content-Transfer-Encoding: quoted-printable" in raw
    assert described(parsed(raw)) == described(parsed(message.message().as_bytes(linesep="\r\n")))


def test_an_attachment_is_left_to_django():
    message = survey_like()
    message.attach("releve.csv", "lot;note\n", "text/csv")

    raw = parsed(message_bytes(message))

    assert raw.get_content_type() == "multipart/mixed"
    assert [part.get_filename() for part in raw.walk()][-1] == "releve.csv"


@pytest.mark.parametrize("field", ["subject", "to"])
def test_a_header_holding_a_newline_is_refused(field):
    value = "Avis\r\nBcc: victime@example.org"
    message = survey_like(**{field: value if field == "subject" else [value]})

    with pytest.raises(BadHeaderError):
        message_bytes(message)


@pytest.mark.parametrize(
    "address",
    [
        "clemence.dupont@example.org",
        "A_B-c+tag@Sub.Example.CO.uk",
        "o'brien@x.org",
        "x@localhost",
        "a..b@x.org",
        "Coopqualité <ne-pas-repondre@example.org>",
        "loïc@exemple.fr",
        "jean@exémple.fr",
        '"Martin, Loïc" <loic@example.org>',
    ],
)
def test_an_envelope_address_is_what_djangos_backend_would_use(address):
    assert envelope_address(address, "utf-8") == sanitize_address(address, "utf-8")
