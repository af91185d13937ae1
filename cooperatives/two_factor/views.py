"""The pages of the second factor: enrolment, verification, recovery codes, the account's own
settings (package docstring). A director's reset of someone else's is on the team pages."""

from __future__ import annotations

from base64 import b32encode

import segno
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cooperatives.two_factor import services
from cooperatives.two_factor.policy import has_second_factor, second_factor_required
from coopqualite.formats import format_datetime

CODES_SESSION_KEY = "recovery_codes_to_show"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="Les 6 chiffres de votre application, ou un code de secours.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )


def _refused(form: CodeForm, verification: services.Verification) -> None:
    if verification.locked_until:
        form.add_error(
            "code",
            "Trop de codes erronés : la double authentification de ce compte est bloquée "
            f"jusqu'au {format_datetime(verification.locked_until)}.",
        )
    else:
        form.add_error("code", "Code incorrect ou expiré.")


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else "/"


def _qr_svg(device: TOTPDevice) -> str:
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, title="QR code à scanner avec votre application d'authentification"
    )
    return svg.replace("<svg ", '<svg role="img" class="qr-code" ', 1)


def second_factor_enrol(request):
    """Set up an authenticator (a new one replaces the previous, once verified)."""
    user = request.user
    if has_second_factor(user) and not user.is_verified():
        return redirect("second_factor_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and device is None:  # nothing being set up: start over
        return redirect("second_factor_enrol")
    if device is not None and request.method == "POST" and form.is_valid():
        verification, codes = services.authenticator_confirm(
            user=user, device=device, code=form.cleaned_data["code"], now=timezone.now()
        )
        if verification.device is not None:
            otp_login(request, device)
            request.session[CODES_SESSION_KEY] = codes
            return redirect("recovery_codes")
        _refused(form, verification)
    context = {
        "form": form,
        "device": device,
        "qr_svg": _qr_svg(device) if device else "",
        "secret": b32encode(device.bin_key).decode() if device else "",
        "required": second_factor_required(user),
    }
    return render(request, "two_factor/enrol.html", context)


@require_POST
def second_factor_start(request):
    if has_second_factor(request.user) and not request.user.is_verified():
        return redirect("second_factor_verify")
    services.authenticator_start(user=request.user)
    return redirect("second_factor_enrol")


def second_factor_verify(request):
    user = request.user
    if not has_second_factor(user):
        return redirect("second_factor")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verification = services.second_factor_verify(
            user=user, code=form.cleaned_data["code"], now=timezone.now()
        )
        if verification.device is not None:
            otp_login(request, verification.device)
            return redirect(_next(request))
        _refused(form, verification)
    return render(request, "two_factor/verify.html", {"form": form, "next": _next(request)})


@require_GET
def recovery_codes(request):
    """The recovery codes just made, shown once: they leave the session here."""
    codes = request.session.pop(CODES_SESSION_KEY, None)
    return render(request, "two_factor/recovery_codes.html", {"codes": codes})


@require_POST
def recovery_codes_regenerate(request):
    if not has_second_factor(request.user):
        messages.error(request, "Activez d'abord la double authentification.")
        return redirect("second_factor")
    request.session[CODES_SESSION_KEY] = services.recovery_codes_regenerate(user=request.user)
    return redirect("recovery_codes")


@require_GET
def second_factor(request):
    """The account's second factor: on or off, required or offered."""
    user = request.user
    return render(
        request,
        "two_factor/settings.html",
        {"enabled": has_second_factor(user), "required": second_factor_required(user)},
    )


@require_POST
def second_factor_disable(request):
    user = request.user
    if second_factor_required(user):
        messages.error(request, "Votre rôle impose la double authentification.")
    elif services.second_factor_reset(user=user, actor=user, now=timezone.now()):
        messages.success(request, "Double authentification désactivée.")
    return redirect("second_factor")
