"""Signing in and out of the buyer's space (see espace.services.signin)."""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cooperatives.models import Buyer
from coopqualite.buyer_links import buyer_link_read
from coopqualite.proxy import client_ip
from espace.access import (
    COOKIE,
    buyer_of,
    delete_session_cookie,
    noindex,
    set_session_cookie,
)
from espace.services.requests import signin_request
from espace.services.signin import (
    LinkState,
    link_state,
    session_close,
    session_open,
    signin_link_find,
    signin_link_use,
)

STATE_STATUS = {LinkState.USED: 410, LinkState.EXPIRED: 410, LinkState.UNKNOWN: 404}


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Votre adresse e-mail",
        help_text="Celle que vous avez donnée à votre coopérative.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


@noindex
@require_http_methods(["GET", "HEAD", "POST"])
def signin(request):
    """GET: the form (or the space, when signed in). POST: the same answer for every address."""
    if request.method != "POST":
        if buyer_of(request) is not None:
            return redirect("espace_home")
        return render(request, "espace/signin.html", {"form": SignInForm()})
    form = SignInForm(request.POST)
    if not form.is_valid():
        return render(request, "espace/signin.html", {"form": form}, status=400)
    email = form.cleaned_data["email"]
    if not signin_request(email=email, ip=client_ip(request), now=timezone.now()):
        return render(request, "espace/signin.html", {"form": form, "limited": True}, status=429)
    return render(request, "espace/signin_sent.html", {"email": email})


@noindex
@require_http_methods(["GET", "HEAD", "POST"])
def signin_link(request, token: str):
    """GET: a button (mail scanners open links: nothing changes). POST: the link is used up and
    the session starts on this device."""
    now = timezone.now()
    if request.method == "POST":
        buyer = signin_link_use(token=token, now=now)
        if buyer is not None:
            response = redirect("espace_home")
            set_session_cookie(response, session_open(buyer=buyer, now=now))
            return response
    state = link_state(signin_link_find(token), now)
    if state != LinkState.VALID:
        context = {"state": state, "form": SignInForm()}
        return render(request, "espace/link_state.html", context, status=STATE_STATUS[state])
    return render(request, "espace/signin_link.html")


@noindex
@require_POST
def signout(request):
    key = request.COOKIES.get(COOKIE)
    if key:
        session_close(key=key)
    response = redirect("espace_signin")
    delete_session_cookie(response)
    return response


@noindex
@require_http_methods(["GET", "HEAD", "POST"])
def buyer_link(request, token: str):
    """A signed link from a letter's e-mail: GET offers a button, POST opens the session and the
    page the link named. Already signed in as this buyer: straight to that page."""
    found = buyer_link_read(token)
    buyer = Buyer.objects.filter(pk=found[0]).first() if found else None
    if found is None or buyer is None:
        context = {"state": LinkState.UNKNOWN, "form": SignInForm()}
        return render(request, "espace/link_state.html", context, status=404)
    next_path = found[1] or reverse("espace_home")
    current = buyer_of(request)
    if current is not None and current.pk == buyer.pk:
        return redirect(next_path)
    if request.method == "POST":
        response = redirect(next_path)
        set_session_cookie(response, session_open(buyer=buyer, now=timezone.now()))
        return response
    return render(request, "espace/signin_link.html")
