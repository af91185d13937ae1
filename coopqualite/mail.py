"""What every sender needs to know about SMTP failures."""

from __future__ import annotations

import smtplib


class TransientSendError(Exception):
    """The SMTP server could not take the message now: retry later."""


def smtp_error_is_transient(exc: Exception) -> bool:
    """A 4xx answer, a dropped or refused connection, a network error: worth another try.
    A 5xx answer (address refused, message rejected) is permanent."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | OSError)
