"""Before any page: a signed-in user who owes a second factor goes to it (package docstring)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from cooperatives.two_factor.policy import has_second_factor, second_factor_required

# Reachable before the second factor: the pages of the journey, and signing out.
EXEMPT_URL_NAMES = {"logout", "second_factor_enrol", "second_factor_start", "second_factor_verify"}


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):  # public pages: user not even read
            return None
        user = request.user
        if (
            not user.is_authenticated
            or user.is_verified()
            or request.resolver_match.url_name in EXEMPT_URL_NAMES
        ):
            return None
        if has_second_factor(user):
            target = "second_factor_verify"
        elif second_factor_required(user):
            target = "second_factor_enrol"
        else:
            return None
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return HttpResponseRedirect(reverse(target) + (f"?{query}" if query else ""))
