"""The after-sales inbox: every claim of the cooperative with its filters, "Mes dossiers", the
bulk assignment, the spreadsheet export."""

import tempfile

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperatives.access import permission_required, require
from cooperatives.models import Permission
from coopqualite.spreadsheets import safe_cell
from sav import selectors
from sav.forms import BulkAssignForm, InboxFilterForm
from sav.models import Claim
from sav.services.claims import claims_assign

PAGE_SIZE = 50


def _filtered(request):
    cooperative_id = request.user.cooperative_id
    filters = InboxFilterForm(request.GET or None, cooperative_id=cooperative_id)
    claims = selectors.inbox(
        Claim.objects.visible_to(request.user),
        filters=filters.values(),
        today=timezone.localdate(),
    )
    return filters, claims


@permission_required(Permission.READ_BUYERS)
def claim_inbox(request, mine: bool = False):
    filters, claims = _filtered(request)
    if mine:
        claims = claims.filter(assignee=request.user)
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    can_edit = request.user.may(Permission.EDIT)
    bulk = BulkAssignForm(cooperative_id=request.user.cooperative_id) if can_edit else None
    return render(
        request,
        "sav/inbox.html",
        {
            "page": page,
            "filters": filters,
            "mine": mine,
            "today": timezone.localdate(),
            "query": query.urlencode(),
            "can_edit": can_edit,
            "bulk": bulk,
        },
    )


def my_claims(request):
    return claim_inbox(request, mine=True)


@permission_required(Permission.READ_BUYERS)
def claim_export(request):
    from openpyxl import Workbook

    _, claims = _filtered(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Réclamations")
    for row in selectors.export_rows(claims, timezone.localdate()):
        sheet.append([safe_cell(cell) for cell in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed by FileResponse)
    workbook.save(handle)
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"sav-{timezone.localdate():%Y-%m-%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@permission_required(Permission.EDIT)
def claims_bulk_assign(request):
    require(request.user, Permission.EDIT, request.user.cooperative)
    form = BulkAssignForm(request.POST, cooperative_id=request.user.cooperative_id)
    if not form.is_valid():
        for error in form.non_field_errors() or ["Cochez au moins une réclamation."]:
            messages.error(request, error)
        return redirect("claim_inbox")
    data = form.cleaned_data
    changed = claims_assign(
        claims=list(data["claims"]), user=request.user, now=timezone.now(),
        assignee=data["assignee"], company=data["company"],
        intervention_on=data["intervention_on"],
    )  # fmt: skip
    messages.success(request, f"{changed} changement(s) enregistré(s).")
    return redirect("claim_inbox")
