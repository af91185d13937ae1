"""The construction letters in the buyer's space, their photos and PDF."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from chantiers.files import pdf_response, photo_response
from espace import selectors
from espace.access import buyer_required
from espace.views.pages import render_space


@buyer_required
@require_safe
def letters(request):
    letters = list(selectors.space_letters(request.buyer).prefetch_related("photos"))
    return render_space(request, "espace/letters.html", "letters", {"letters": letters})


@buyer_required
@require_safe
def letter(request, letter_id: int):
    found = get_object_or_404(
        selectors.space_letters(request.buyer).prefetch_related("photos"), pk=letter_id
    )
    return render_space(request, "espace/letter.html", "letters", {"letter": found})


@buyer_required
@require_safe
def letter_photo(request, photo_id: int):
    return photo_response(get_object_or_404(selectors.space_photos(request.buyer), pk=photo_id))


@buyer_required
@require_safe
def letter_pdf(request, letter_id: int):
    found = get_object_or_404(selectors.space_letters(request.buyer), pk=letter_id)
    return pdf_response(found)
