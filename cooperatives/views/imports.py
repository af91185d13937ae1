"""Buyer files: the format page, the template to download, and the import (file → preview →
confirmation that writes every row or none)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cooperatives import buyer_files, selectors
from cooperatives.access import get_object_for, permission_required
from cooperatives.forms import BuyerFileForm
from cooperatives.models import BuyerImport, BuyerImportJob, Permission
from cooperatives.services.buyer_import import ImportRejected, buyer_import_prepare
from cooperatives.services.import_jobs import buyer_import_request
from coopqualite.jobs.services import job_refresh, job_retry

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
    """Confirm a checked file: its job is created once and the page follows it. A second click
    finds the job (even once the file is written and deleted) and shows it."""
    mine = BuyerImportJob.objects.visible_to(request.user).filter(created_by=request.user)
    if job := mine.filter(preview_id=buyer_import_id).first():
        return redirect("buyer_import_job", buyer_import_job_id=job.pk)
    pending = get_object_for(request.user, Permission.EDIT, BuyerImport, pk=buyer_import_id)
    if pending.created_by_id != request.user.pk:
        raise Http404  # only who sent the file confirms it
    try:
        job = buyer_import_request(pending=pending, user=request.user, now=timezone.now())
    except ImportRejected as exc:
        messages.error(request, str(exc))
        return redirect("buyer_import")
    return redirect("buyer_import_job", buyer_import_job_id=job.pk)


@require_GET
def buyer_import_job(request, buyer_import_job_id: int):
    """The writing of a confirmed file: its state while it runs, the counts once done."""
    job = get_object_for(request.user, Permission.EDIT, BuyerImportJob, pk=buyer_import_job_id)
    job = job_refresh(job=job, now=timezone.now())
    return render(request, "cooperatives/buyer_import_job.html", {"job": job})


@require_POST
def buyer_import_job_retry(request, buyer_import_job_id: int):
    job = get_object_for(request.user, Permission.EDIT, BuyerImportJob, pk=buyer_import_job_id)
    if not job_retry(job=job, now=timezone.now()):
        messages.info(request, "Ce traitement n'est pas en échec : il n'a pas été relancé.")
    return redirect("buyer_import_job", buyer_import_job_id=job.pk)
