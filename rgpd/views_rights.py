"""One buyer's rights (staff and director), and the director's records: exports, register."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cooperatives.access import get_object_for, permission_required
from cooperatives.models import Buyer, Permission
from coopqualite.models import PersonalDataExport
from rgpd.selectors import processing_register
from rgpd.services.buyer_rights import buyer_erase, buyer_export

LOG_LENGTH = 200


@require_POST
def buyer_data_export(request, buyer_id: int):
    """A copy of everything held about the buyer (their access request): a zip to hand them."""
    buyer = get_object_for(request.user, Permission.EDIT, Buyer, pk=buyer_id)
    content = buyer_export(buyer=buyer, user=request.user)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="acquereur-{buyer.pk}-donnees.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


def buyer_data_erase(request, buyer_id: int):
    """Erase the buyer at their request (the director): a confirmation page, then the erasure."""
    buyer = get_object_for(request.user, Permission.MANAGE, Buyer, pk=buyer_id)
    if request.method == "POST":
        buyer_erase(buyer=buyer, user=request.user)
        messages.success(
            request,
            "Acquéreur effacé : son nom, son e-mail et son téléphone ont disparu partout, "
            "historique compris ; les chiffres restent.",
        )
        return redirect("buyer_detail", buyer_id=buyer.pk)
    return render(request, "rgpd/buyer_erase.html", {"buyer": buyer})


@permission_required(Permission.MANAGE)
def privacy_exports(request):
    records = PersonalDataExport.objects.filter(
        cooperative=request.user.cooperative
    ).select_related("user")[:LOG_LENGTH]
    return render(
        request,
        "rgpd/exports.html",
        {"records": records, "cooperative": request.user.cooperative, "length": LOG_LENGTH},
    )


@permission_required(Permission.MANAGE)
def privacy_register(request):
    cooperative = request.user.cooperative
    return render(
        request,
        "rgpd/register.html",
        {"cooperative": cooperative, "processings": processing_register(cooperative)},
    )
