from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from engagements.access import (
    action_for_user,
    commitment_for_user,
    evidence_for_user,
    measurement_for_user,
)
from engagements.forms import EvidenceForm
from engagements.models import Evidence
from engagements.services.evidence import evidence_add

TARGETS = {
    "action": (action_for_user, "action_detail", "action_id"),
    "measurement": (measurement_for_user, "indicator_detail", "indicator_id"),
    "commitment": (commitment_for_user, "commitment_detail", "commitment_id"),
}


def evidence_new(request, target_kind: str, target_id: int):
    """Attach a proof (file, link or dated note) to an action, a measurement or a commitment."""
    if target_kind not in TARGETS:
        raise Http404
    fetch, back_view, back_kwarg = TARGETS[target_kind]
    target = fetch(request.user, target_id, change=True)
    back_id = target.indicator_id if target_kind == "measurement" else target.pk
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        evidence_add(
            target=target,
            user=request.user,
            kind=data["kind"],
            title=data["title"],
            fact_date=data["fact_date"],
            note=data["note"],
            url=data["url"],
            upload=data["file"],
            content_type=form.content_type,
        )
        messages.success(request, "Preuve ajoutée.")
        return redirect(back_view, **{back_kwarg: back_id})
    return render(
        request,
        "engagements/evidence_form.html",
        {"form": form, "target": target, "target_kind": target_kind},
    )


@require_GET
def evidence_download(request, evidence_id: int):
    """Serve a proof file to a user who may read it; never from a public URL."""
    evidence = evidence_for_user(request.user, evidence_id)
    if evidence.kind != Evidence.Kind.FILE or not evidence.file:
        raise Http404
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
