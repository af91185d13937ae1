"""Keep tokens out of the logs: a token in a URL is a key to someone's answers (surveys,
unsubscribe) or to their space (a sign-in link, a signed link from a letter's e-mail)."""

from __future__ import annotations

import logging
import re

TOKEN_PATH = re.compile(r"/(r|d|mon-espace/connexion|mon-espace/lien)/[A-Za-z0-9_:.-]{16,}")


def redact(text: str) -> str:
    return TOKEN_PATH.sub(r"/\1/[jeton]", text) if text else text


class RedactTokens(logging.Filter):
    """Rewrite every record whose message carries a survey or unsubscribe URL."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
