"""The after-sales inbox: every claim of the cooperative with its filters, "Mes dossiers", the
bulk assignment, the spreadsheet export."""

import tempfile

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperatives.access import permission_required, require
from cooperatives.models import Permission
from coopqualite.pagination import paginate
from coopqualite.spreadsheets import safe_cell
from sav import rules, selectors
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


def _select(form, name: str, options, *, empty: str, id_prefix="id_", form_id="") -> dict:
    """A <select> of the inbox drawn by `sav/_inbox_field.html` (no crispy: a page of the inbox
    draws eight of them), with the form's label, bound value and first error."""
    selected = form.data.get(name, "") if form.is_bound else ""
    errors = form.errors.get(name) if form.is_bound else None
    return {
        "name": name, "id": f"{id_prefix}{name}", "label": form.fields[name].label, "form": form_id,
        "error": errors[0] if errors else "",
        "options": [(value, label, value == selected) for value, label in [("", empty), *options]],
    }  # fmt: skip


@permission_required(Permission.READ_BUYERS)
def claim_inbox(request, mine: bool = False):
    filters, claims = _filtered(request)
    if mine:
        claims = claims.filter(assignee=request.user)
    today = timezone.localdate()
    page = paginate(claims.values(*selectors.INBOX_COLUMNS), request, per_page=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    choices = selectors.inbox_choices(request.user.cooperative_id)
    fields = [
        _select(filters, "programme", choices.programmes, empty="Tous"),
        _select(filters, "guarantee", rules.Guarantee.choices, empty="Toutes"),
        _select(filters, "status", rules.Status.choices, empty="Ouvertes"),
        _select(filters, "company", choices.companies, empty="Toutes"),
        _select(filters, "assignee", choices.assignees, empty="Tous"),
    ]
    bulk = None
    if request.user.may(Permission.EDIT):
        form = BulkAssignForm(cooperative_id=request.user.cooperative_id)
        bulk = {
            "form": form,
            "assignee": _select(
                form,
                "assignee",
                choices.assignees,
                empty="Inchangé",
                id_prefix="id_bulk_",
                form_id="bulk",
            ),
            "company": _select(
                form,
                "company",
                choices.companies,
                empty="Inchangée",
                id_prefix="id_bulk_",
                form_id="bulk",
            ),
        }
    return render(
        request,
        "sav/inbox.html",
        {
            "page": page,
            "rows": selectors.inbox_rows(page.object_list, today),
            "claim_href": reverse("claim_detail", args=[0]).removesuffix("0/"),
            "filters": filters,
            "fields": fields,
            "overdue": bool(filters["overdue"].value()),
            "mine": mine,
            "query": query.urlencode(),
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
