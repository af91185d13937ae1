"""The pages of a signed-in buyer: each reads through `espace.selectors`, for `request.buyer`."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from chantiers.files import private_file_response
from espace import selectors
from espace.access import buyer_required
from espace.sections import navigation


def render_space(request, template: str, section: str, context: dict):
    context = {"buyer": request.buyer, "nav": navigation(), "current": section, **context}
    return render(request, template, context)


@buyer_required
@require_safe
def home(request):
    """Where the works stand, the delivery month, the surveys waiting, the interlocutor."""
    home = selectors.space_home(request.buyer, timezone.now())
    return render_space(request, "espace/home.html", "home", {"home": home})


@buyer_required
@require_safe
def documents(request):
    documents = list(selectors.space_documents(request.buyer))
    return render_space(request, "espace/documents.html", "documents", {"documents": documents})


@buyer_required
@require_safe
def document(request, document_id: int):
    found = get_object_or_404(selectors.space_documents(request.buyer), pk=document_id)
    return private_file_response(
        found.file, content_type=found.content_type, filename=found.original_name,
        attachment=True,
    )  # fmt: skip
