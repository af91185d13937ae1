"""After-sales in the buyer's space: the household's claims with their timeline, a new claim
(room, category, description, up to 5 photos), and the answer after the intervention (lifted, or
not). Another household's claim is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from chantiers.content import photo_process
from chantiers.files import private_file_response
from espace.access import buyer_required
from espace.forms import SpaceClaimForm
from espace.views.pages import render_space
from sav import selectors as sav_selectors
from sav.models import Claim, ClaimPhoto
from sav.services import claims as services


def _household_claims(buyer):
    return Claim.objects.filter(lot=buyer.lot, buyer__lot=buyer.lot)


@buyer_required
@require_safe
def claims(request):
    found = _household_claims(request.buyer).order_by("-received_at", "-pk")
    return render_space(request, "espace/claims.html", "claims", {"claims": found})


@buyer_required
def claim_new(request):
    form = SpaceClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            photos = [photo_process(f) for f in form.cleaned_data["photos"]]
        except ValidationError as error:
            form.add_error("photos", error)
        else:
            data = form.cleaned_data
            claim = services.claim_file(
                lot=request.buyer.lot, buyer=request.buyer, channel=Claim.Channel.SPACE,
                category=data["category"], room=data["room"], description=data["description"],
                now=timezone.now(), photos=photos,
            )  # fmt: skip
            messages.success(request, f"Votre demande {claim.reference} est enregistrée.")
            return redirect("espace_claim", claim_id=claim.pk)
    return render_space(request, "espace/claim_new.html", "claims", {"form": form})


@buyer_required
@require_safe
def claim(request, claim_id: int):
    found = get_object_or_404(
        _household_claims(request.buyer).select_related("survey_invitation__campaign"),
        pk=claim_id,
    )
    events = sav_selectors.claim_timeline(found)
    # The after-intervention survey, to the buyer it was sent to (not to the household).
    invitation = found.survey_invitation
    if invitation is not None and invitation.buyer_id != request.buyer.pk:
        invitation = None
    now = timezone.now()
    waiting = (
        invitation is not None
        and invitation.answered_at is None
        and not invitation.is_expired(now)
        and invitation.campaign.is_open(timezone.localdate(now))
    )
    return render_space(
        request,
        "espace/claim.html",
        "claims",
        {"claim": found, "events": events, "photos": found.photos.all(),
         "may_answer": found.status == Claim.Status.DONE,
         "survey": invitation, "survey_waiting": waiting},
    )  # fmt: skip


@buyer_required
@require_POST
def claim_answer(request, claim_id: int, answer: str):
    """After the intervention: "lifted" (fixed) or "contested" (still there)."""
    found = get_object_or_404(_household_claims(request.buyer), pk=claim_id)
    comment = request.POST.get("comment", "")[:2000]
    service = {"levee": services.claim_lift, "contestee": services.claim_contest}.get(answer)
    if service is None:
        return redirect("espace_claim", claim_id=found.pk)
    try:
        service(claim=found, now=timezone.now(), comment=comment)
        messages.success(request, "Merci, votre réponse est enregistrée.")
    except services.StepRefused:
        messages.error(request, "Votre réponse avait déjà été enregistrée.")
    return redirect("espace_claim", claim_id=found.pk)


@buyer_required
@require_safe
def claim_photo(request, photo_id: int):
    photo = get_object_or_404(
        ClaimPhoto.objects.filter(claim__in=_household_claims(request.buyer)), pk=photo_id
    )
    return private_file_response(
        photo.image, content_type="image/jpeg", filename=f"photo-{photo.pk}.jpg",
        attachment=False,
    )  # fmt: skip
