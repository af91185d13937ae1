"""The annual report: open the year's draft, write it, preview it, approve it; follow a PDF
build, download it, relaunch a failed one."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperatives.access import get_object_for, permission_required, require
from cooperatives.models import Permission
from coopqualite.history import history_rows
from coopqualite.jobs.services import job_refresh
from rapports.forms import ReportOpenForm, ReportVersionForm
from rapports.models import Report, ReportVersion
from rapports.services.building import report_html
from rapports.services.requests import report_request, report_retry
from rapports.services.versions import (
    ReportVersionFrozen,
    report_version_approve,
    report_version_open,
    report_version_update,
)
from rapports.throttle import report_request_refusal


def report_list(request):
    versions = (
        ReportVersion.objects.visible_to(request.user)
        .select_related("cooperative")
        .order_by("-year", "cooperative__name", "-number")[:100]
    )
    return render(
        request,
        "rapports/report_list.html",
        {"versions": versions, "form": ReportOpenForm(user=request.user)},
    )


@require_POST
@permission_required(Permission.APPROVE_REPORTS)
def report_new(request):
    """Open the year's draft (a new version copied from the last one if all are approved)."""
    form = ReportOpenForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "Choisissez une coopérative et une année proposées.")
        return redirect("report_list")
    cooperative = form.cleaned_data["cooperative"]
    require(request.user, Permission.APPROVE_REPORTS, cooperative)
    version = report_version_open(
        cooperative=cooperative, year=form.cleaned_data["year"], user=request.user,
        today=timezone.localdate(),
    )  # fmt: skip
    return redirect("report_version_detail", version_id=version.pk)


def _version(request, permission: Permission, version_id: int) -> ReportVersion:
    return get_object_for(
        request.user, permission, ReportVersion.objects.select_related("cooperative"),
        pk=version_id,
    )  # fmt: skip


def report_version_detail(request, version_id: int):
    version = _version(request, Permission.READ, version_id)
    builds = version.builds.select_related("built_by").order_by("-requested_at")[:20]
    return render(
        request,
        "rapports/version_detail.html",
        {
            "version": version,
            "builds": builds,
            "final": next((b for b in builds if b.final), None),
            "campaigns": version.campaigns.order_by("opens_on", "pk"),
            "history": history_rows(version.history.select_related("history_user")[:30]),
        },
    )


def report_version_edit(request, version_id: int):
    version = _version(request, Permission.APPROVE_REPORTS, version_id)
    if not version.is_draft:
        messages.error(request, ReportVersionFrozen.message)
        return redirect("report_version_detail", version_id=version.pk)
    running = request.GET.get("en_cours") == "1"
    form = ReportVersionForm(
        request.POST if request.method == "POST" else None,
        instance=version,
        running=running,
        today=timezone.localdate(),
    )
    if request.method == "POST" and form.is_valid():
        changes = {
            name: form.cleaned_data[name] for name in form.Meta.fields if name != "campaigns"
        }
        changes["quotes"] = form.chosen_quotes()
        try:
            report_version_update(
                version=version, user=request.user, changes=changes,
                campaigns=form.cleaned_data["campaigns"],
            )  # fmt: skip
        except ReportVersionFrozen as frozen:
            messages.error(request, str(frozen))
        else:
            messages.success(request, "Brouillon enregistré.")
        return redirect("report_version_detail", version_id=version.pk)
    return render(
        request, "rapports/version_form.html",
        {"version": version, "form": form, "running": running},
    )  # fmt: skip


@require_POST
def report_version_build(request, version_id: int):
    """A preview PDF of a draft (an approved version has its one final PDF)."""
    version = _version(request, Permission.BUILD_REPORTS, version_id)
    if not version.is_draft:
        messages.error(request, "Une version approuvée a son PDF définitif : il n'est pas refait.")
        return redirect("report_version_detail", version_id=version.pk)
    with transaction.atomic():
        if refusal := report_request_refusal(user=request.user, now=timezone.now()):
            messages.error(request, refusal)
            return redirect("report_version_detail", version_id=version.pk)
        report = report_request(version=version, user=request.user)
    messages.success(request, "Construction de l'aperçu lancée.")
    return redirect("report_detail", report_id=report.pk)


@require_POST
def report_version_approve_view(request, version_id: int):
    version = _version(request, Permission.APPROVE_REPORTS, version_id)
    try:
        report = report_version_approve(version=version, user=request.user, now=timezone.now())
    except ReportVersionFrozen as frozen:
        messages.error(request, str(frozen))
        return redirect("report_version_detail", version_id=version.pk)
    messages.success(request, "Version approuvée : son PDF définitif est en construction.")
    return redirect("report_detail", report_id=report.pk)


def report_preview(request, version_id: int):
    """The same document as the PDF, in the browser."""
    version = _version(request, Permission.READ, version_id)
    return HttpResponse(report_html(version=version))


def report_detail(request, report_id: int):
    report = get_object_for(
        request.user, Permission.READ, Report.objects.select_related("built_by", "version"),
        pk=report_id,
    )  # fmt: skip
    # A build whose worker died is not shown "en cours": swept here too (requeued or failed).
    report = job_refresh(job=report, now=timezone.now())
    return render(request, "rapports/report_detail.html", {"report": report})


@require_POST
def report_retry_view(request, report_id: int):
    report = get_object_for(request.user, Permission.BUILD_REPORTS, Report, pk=report_id)
    if report_retry(report=report):
        messages.success(request, "Construction relancée.")
    else:
        messages.error(request, "Seule une construction en échec peut être relancée.")
    return redirect("report_detail", report_id=report.pk)


def report_download(request, report_id: int):
    # Staff preview the report; directors, the board and federations build and download it.
    report = get_object_for(request.user, Permission.BUILD_REPORTS, Report, pk=report_id)
    if report.status != Report.Status.DONE or not report.file:
        raise Http404
    response = FileResponse(
        report.file.open("rb"), as_attachment=True, filename=report.filename,
        content_type="application/pdf",
    )  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    return response
