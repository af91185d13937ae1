from typing import cast

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from cooperatives.access import get_object_for
from cooperatives.models import Permission
from engagements.forms import EvidenceForm
from engagements.models import Action, Commitment, Evidence, Measurement
from engagements.services.evidence import evidence_add

Target = Action | Measurement | Commitment

# kind → (model, page to go back to, its URL argument)
TARGETS: dict[str, tuple[type[Target], str, str]] = {
    "action": (Action, "action_detail", "action_id"),
    "measurement": (Measurement, "indicator_detail", "indicator_id"),
    "commitment": (Commitment, "commitment_detail", "commitment_id"),
}


def evidence_new(request, target_kind: str, target_id: int):
    """Attach a proof (file, link or dated note) to an action, a measurement or a commitment."""
    if target_kind not in TARGETS:
        raise Http404
    model, back_view, back_kwarg = TARGETS[target_kind]
    target = cast(Target, get_object_for(request.user, Permission.EDIT, model, pk=target_id))
    back_id = target.indicator_id if isinstance(target, Measurement) else target.pk
    back_url = reverse(back_view, kwargs={back_kwarg: back_id})
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
        return redirect(back_url)
    return render(
        request,
        "engagements/evidence_form.html",
        {
            "form": form,
            "target": target,
            "target_kind": target_kind,
            "back_url": back_url,
        },
    )


@require_GET
def evidence_download(request, evidence_id: int):
    """Serve a proof file to whoever reads the pages that list it; never from a public URL."""
    evidence = get_object_for(request.user, Permission.READ, Evidence, pk=evidence_id)
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
