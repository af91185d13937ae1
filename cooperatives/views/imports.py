"""Buyer files: the format page, the template to download, and the import (file → preview →
confirmation that writes every row or none)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cooperatives import buyer_files, selectors
from cooperatives.access import get_object_for, permission_required
from cooperatives.forms import BuyerFileForm
from cooperatives.models import BuyerImport, Permission
from cooperatives.services.buyer_import import (
    ImportRejected,
    buyer_import_confirm,
    buyer_import_prepare,
)
from coopqualite.formats import format_count

TEMPLATES = {
    "csv": (buyer_files.template_csv, "text/csv; charset=utf-8"),
    "xlsx": (
        buyer_files.template_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@permission_required(Permission.READ_BUYERS)
def buyer_file_format(request):
    return render(
        request,
        "cooperatives/buyer_file_format.html",
        {
            "columns": buyer_files.COLUMNS,
            "max_rows": buyer_files.MAX_ROWS,
            "max_mb": settings.BUYER_IMPORT_MAX_UPLOAD_MB,
        },
    )


@permission_required(Permission.READ_BUYERS)
def buyer_file_template(request, kind: str):
    build, content_type = TEMPLATES[kind]
    response = HttpResponse(build(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="modele-acquereurs.{kind}"'
    return response


@permission_required(Permission.EDIT)
def buyer_import(request):
    """Upload a buyer file and see what it will do before anything is written."""
    form = BuyerFileForm(request.POST or None, request.FILES or None)
    pending = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            pending = buyer_import_prepare(
                cooperative=request.user.cooperative,
                data=upload.read(),
                filename=upload.name,
                user=request.user,
            )
        except buyer_files.BuyerFileError as exc:
            form.add_error("file", str(exc))
    preview = None
    if pending is not None:
        preview = selectors.import_preview(
            filename=pending.filename, rows=pending.rows, report=pending.report
        )
    return render(
        request,
        "cooperatives/buyer_import.html",
        {"form": form, "pending": pending, "preview": preview},
    )


@require_POST
def buyer_import_confirm_view(request, buyer_import_id: int):
    pending = get_object_for(request.user, Permission.EDIT, BuyerImport, pk=buyer_import_id)
    if pending.created_by_id != request.user.pk:
        raise Http404  # only who sent the file confirms it
    try:
        result = buyer_import_confirm(pending=pending, user=request.user)
    except ImportRejected as exc:
        messages.error(request, str(exc))
        return redirect("buyer_import")
    if result is None:
        messages.info(request, "Ce fichier a déjà été importé.")
    else:
        messages.success(
            request,
            "Import terminé : "
            + ", ".join(
                [
                    format_count(result.created, "acquéreur ajouté", "acquéreurs ajoutés"),
                    format_count(result.changed, "modifié", "modifiés"),
                    format_count(result.unchanged, "inchangé", "inchangés"),
                    format_count(result.lots_created, "lot créé", "lots créés"),
                ]
            )
            + ".",
        )
    return redirect("programme_list")
