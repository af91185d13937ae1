"""A signed link that opens a buyer's space from an e-mail (a construction letter, a survey),
without asking for a sign-in link first.

The token is the buyer's id signed with SECRET_KEY (HMAC-SHA256, Django's signing), dated: it
is refused after `VALIDITY`. It is not single-use (a buyer may open the same letter twice), so
its page only offers a button: the session starts on the POST (a mail scanner's GET changes
nothing). Here, in the project package, so that any app that e-mails buyers can build one
without importing the buyer's space; the space reads it (`espace.views.signin`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "coopqualite.buyer-link"
VALIDITY = dt.timedelta(days=60)


def buyer_link_url(buyer_id: int, next_path: str = "") -> str:
    token = signing.dumps({"b": buyer_id, "n": next_path}, salt=SALT, compress=True)
    return settings.SITE_URL + reverse("espace_buyer_link", args=[token])


def buyer_link_read(token: str) -> tuple[int, str] | None:
    """(buyer id, page to open) of a valid token, else None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=VALIDITY)
    except signing.BadSignature:
        return None
    next_path = data.get("n") or ""
    if not (isinstance(next_path, str) and next_path.startswith("/mon-espace/")):
        next_path = ""
    return int(data["b"]), next_path
