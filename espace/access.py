"""Who is this buyer: the session cookie read once per request, and the one decorator of every
page of the space.

The cookie (`COOKIE`) holds a random key; the database its digest (`BuyerSession`). It is
HttpOnly, SameSite=Lax, Secure like the session cookie, and sent only under /mon-espace/.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cooperatives.models import Buyer
from espace.models import SESSION_VALIDITY, digest
from espace.statements import session_buyer

COOKIE = "espace"
COOKIE_PATH = "/mon-espace/"


def buyer_of(request: HttpRequest) -> Buyer | None:
    """The signed-in buyer with their lot, programme, cooperative and interlocutors (one
    statement, `espace.statements`), or None."""
    key = request.COOKIES.get(COOKIE)
    if not key:
        return None
    return session_buyer(digest(key), timezone.now())


def set_session_cookie(response: HttpResponse, key: str) -> None:
    response.set_cookie(
        COOKIE, key, max_age=int(SESSION_VALIDITY.total_seconds()), path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )  # fmt: skip


def delete_session_cookie(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Lax")


def noindex(view: Callable) -> Callable:
    """A public page of the space: no staff login, never cached, never indexed."""

    @login_not_required
    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def buyer_required(view: Callable) -> Callable:
    """A page of a signed-in buyer: `request.buyer` is set, else the sign-in page."""

    @noindex
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        buyer = buyer_of(request)
        if buyer is None:
            return redirect("espace_signin")
        request.buyer = buyer
        return view(request, *args, **kwargs)

    return wrapper
