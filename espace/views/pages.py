"""The pages of a signed-in buyer: each reads through `espace.selectors`, for `request.buyer`."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from espace.access import buyer_required
from espace.sections import SECTIONS


def render_space(request, template: str, section: str, context: dict):
    context = {"buyer": request.buyer, "sections": SECTIONS, "current": section, **context}
    return render(request, template, context)


@buyer_required
@require_safe
def home(request):
    return render_space(request, "espace/home.html", "home", {})
