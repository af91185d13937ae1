"""The annual report: request a build, follow it, download it; preview it as a web page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperatives.access import get_object_for, permission_required
from cooperatives.models import Cooperative, Permission
from rapports.models import Report
from rapports.services.building import report_html
from rapports.services.requests import report_request
from rapports.throttle import report_request_refusal


class ReportForm(forms.Form):
    cooperative = forms.ModelChoiceField(label="Coopérative", queryset=Cooperative.objects.none())
    year = forms.TypedChoiceField(label="Année", coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cooperative"].queryset = Cooperative.objects.visible_to(user)
        if user.cooperative_id:
            self.fields["cooperative"].initial = user.cooperative_id
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, y) for y in range(this_year, this_year - 6, -1)]
        self.fields["year"].initial = this_year - 1


def report_list(request):
    reports = (
        Report.objects.visible_to(request.user)
        .select_related("cooperative", "built_by")
        .order_by("-requested_at")[:100]
    )
    return render(
        request,
        "rapports/report_list.html",
        {"reports": reports, "form": ReportForm(user=request.user)},
    )


@require_POST
@permission_required(Permission.BUILD_REPORTS)
def report_new(request):
    form = ReportForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "Choisissez une coopérative et une année proposées.")
        return redirect("report_list")
    with transaction.atomic():
        if refusal := report_request_refusal(user=request.user, now=timezone.now()):
            messages.error(request, refusal)
            return redirect("report_list")
        report = report_request(
            cooperative=form.cleaned_data["cooperative"],
            year=form.cleaned_data["year"],
            user=request.user,
        )
    messages.success(request, "Construction du rapport lancée.")
    return redirect("report_detail", report_id=report.pk)


def report_detail(request, report_id: int):
    report = get_object_for(
        request.user, Permission.READ, Report.objects.select_related("built_by"), pk=report_id
    )
    return render(request, "rapports/report_detail.html", {"report": report})


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


def report_preview(request, slug: str, year: int):
    """The same document as the PDF, in the browser."""
    cooperative = get_object_for(request.user, Permission.READ, Cooperative, slug=slug)
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404
    return HttpResponse(report_html(cooperative=cooperative, year=year))
