"""One claim: taken by staff for a buyer, its page with the timeline, and its steps."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperatives.access import get_object_for
from cooperatives.models import Buyer, Permission
from sav import rules, selectors
from sav.forms import AssignForm, ClaimForm, CommentForm, RefuseForm
from sav.models import Claim
from sav.services import claims as services

DETAIL_RELATED = ("lot__programme", "buyer", "company", "assignee", "survey_invitation__campaign")


def claim_new(request, buyer_id: int):
    buyer = get_object_for(
        request.user, Permission.EDIT, Buyer.objects.select_related("lot__programme"), pk=buyer_id
    )
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        claim = services.claim_file(
            lot=buyer.lot, buyer=buyer, now=timezone.now(), user=request.user,
            **form.cleaned_data,
        )  # fmt: skip
        messages.success(request, f"Réclamation {claim.reference} enregistrée.")
        return redirect("claim_detail", claim_id=claim.pk)
    return render(request, "sav/claim_form.html", {"form": form, "buyer": buyer})


def claim_detail(request, claim_id: int):
    claim = get_object_for(
        request.user,
        Permission.READ_BUYERS,
        Claim.objects.select_related(*DETAIL_RELATED),
        pk=claim_id,
    )
    can_edit = request.user.may(Permission.EDIT, claim.cooperative)
    today = timezone.localdate()
    return render(
        request,
        "sav/claim_detail.html",
        {
            "claim": claim,
            "events": selectors.claim_timeline(claim),
            "today": today,
            "survey": selectors.claim_survey(claim, today),
            "can_edit": can_edit,
            "steps": _available_steps(claim) if can_edit else [],
            "assign": AssignForm(cooperative_id=claim.cooperative_id) if can_edit else None,
            "refuse": RefuseForm() if can_edit else None,
            "comment": CommentForm(),
            "may_assign": claim.status in rules.TRANSITIONS["assign"][0],
            "may_qualify": claim.status in rules.TRANSITIONS["accept"][0],
        },
    )


# The steps of the claim page's buttons: (transition, label). Accept/refuse and assign have
# their own forms.
STEP_BUTTONS = {
    "acknowledge": "Accusé de réception fait (téléphone, courrier)",
    "accept": "Accepter",
    "done": "Intervention réalisée",
    "lift": "Levée confirmée par l'acquéreur",
    "contest": "L'acquéreur conteste la levée",
    "close": "Clore",
}


def _available_steps(claim: Claim) -> list[tuple[str, str]]:
    steps = [
        (name, label) for name, label in STEP_BUTTONS.items()
        if claim.status in rules.TRANSITIONS[name][0]
    ]  # fmt: skip
    if claim.is_open:
        steps.append(("resume", "Reprendre (fin de l'attente)") if claim.waiting_since
                     else ("wait", "En attente de l'acquéreur"))  # fmt: skip
    return steps


STEPS: dict[str, Callable[..., Any]] = {
    "acknowledge": services.claim_acknowledge,
    "accept": services.claim_accept,
    "done": services.claim_mark_done,
    "lift": services.claim_lift,
    "contest": services.claim_contest,
    "close": services.claim_close,
    "wait": services.claim_wait,
    "resume": services.claim_resume,
}


@require_POST
def claim_step(request, claim_id: int, step: str):
    claim = get_object_for(request.user, Permission.EDIT, Claim, pk=claim_id)
    form = CommentForm(request.POST)
    service = STEPS.get(step)
    if service is None or not form.is_valid():
        messages.error(request, "Étape inconnue.")
        return redirect("claim_detail", claim_id=claim.pk)
    try:
        service(claim=claim, user=request.user, now=timezone.now(),
                comment=form.cleaned_data["comment"])  # fmt: skip
    except services.StepRefused as refused:
        messages.error(request, str(refused))
    return redirect("claim_detail", claim_id=claim.pk)


@require_POST
def claim_refuse(request, claim_id: int):
    claim = get_object_for(request.user, Permission.EDIT, Claim, pk=claim_id)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Un refus est motivé : indiquez le motif.")
        return redirect("claim_detail", claim_id=claim.pk)
    try:
        services.claim_refuse(claim=claim, user=request.user, now=timezone.now(),
                              reason=form.cleaned_data["reason"])  # fmt: skip
    except services.StepRefused as refused:
        messages.error(request, str(refused))
    return redirect("claim_detail", claim_id=claim.pk)


@require_POST
def claim_assign(request, claim_id: int):
    claim = get_object_for(request.user, Permission.EDIT, Claim, pk=claim_id)
    form = AssignForm(request.POST, cooperative_id=claim.cooperative_id)
    if not form.is_valid():
        messages.error(request, "Choisissez une entreprise et une date d'intervention.")
        return redirect("claim_detail", claim_id=claim.pk)
    try:
        services.claim_assign(claim=claim, user=request.user, now=timezone.now(),
                              **form.cleaned_data)  # fmt: skip
    except services.StepRefused as refused:
        messages.error(request, str(refused))
    return redirect("claim_detail", claim_id=claim.pk)
