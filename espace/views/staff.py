"""Staff side of the buyer's space: the documents shared with a buyer. Read by those who read
buyers, shared and withdrawn by those who keep the records."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from chantiers.files import private_file_response
from cooperatives.access import get_object_for, require
from cooperatives.models import Buyer, Permission
from espace.forms import DocumentForm
from espace.models import SharedDocument
from espace.services.documents import document_share, document_unshare


def buyer_documents(request, buyer_id: int):
    buyer = get_object_for(
        request.user, Permission.READ_BUYERS,
        Buyer.objects.select_related("lot__programme"), pk=buyer_id,
    )  # fmt: skip
    cooperative = buyer.lot.programme.cooperative
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require(request.user, Permission.EDIT, cooperative)
        if form.is_valid():
            document_share(
                buyer=buyer, user=request.user, title=form.cleaned_data["title"],
                upload=form.cleaned_data["upload"], content_type=form.content_type,
                now=timezone.now(),
            )  # fmt: skip
            messages.success(request, "Document partagé : l'acquéreur le trouve dans son espace.")
            return redirect("buyer_documents", buyer_id=buyer.pk)
    context = {
        "buyer": buyer,
        "programme": buyer.lot.programme,
        "documents": SharedDocument.objects.filter(buyer__lot_id=buyer.lot_id).select_related(
            "buyer", "shared_by"
        ),
        "form": form,
        "can_edit": request.user.may(Permission.EDIT, cooperative),
    }
    return render(request, "espace/staff/buyer_documents.html", context)


@require_safe
def buyer_document_download(request, document_id: int):
    found = get_object_for(request.user, Permission.READ_BUYERS, SharedDocument, pk=document_id)
    return private_file_response(
        found.file, content_type=found.content_type, filename=found.original_name,
        attachment=True,
    )  # fmt: skip


@require_POST
def buyer_document_remove(request, document_id: int):
    found = get_object_for(request.user, Permission.EDIT, SharedDocument, pk=document_id)
    document_unshare(document=found)
    messages.success(request, f"Document « {found.title} » retiré de l'espace de l'acquéreur.")
    return redirect("buyer_documents", buyer_id=found.buyer_id)
