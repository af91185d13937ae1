"""The call-backs of the closed loop in the after-sales inbox: the "Rappels" tab, a call-back's
page (its reasons, the buyer's contact) and the form that records its outcome once."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperatives.access import get_object_for, permission_required
from cooperatives.models import Permission
from coopqualite.pagination import paginate
from sav import selectors
from sav.forms import CallBackOutcomeForm, CallBackShowForm
from sav.models import CallBack
from sav.services.callbacks import OutcomeRefused, callback_record

PAGE_SIZE = 50
DETAIL_RELATED = (
    "buyer__lot__programme", "assignee", "outcome_by", "claim", "action", "response__campaign",
)  # fmt: skip


@permission_required(Permission.READ_BUYERS)
def callback_list(request):
    today = timezone.localdate()
    show = CallBackShowForm(request.GET or None)
    callbacks = selectors.callback_list(
        CallBack.objects.visible_to(request.user), show=show.value(), today=today
    )
    page = paginate(callbacks, request, per_page=PAGE_SIZE)
    return render(
        request,
        "sav/callback_list.html",
        {"page": page, "show": show, "today": today},
    )


def callback_detail(request, callback_id: int):
    callback = get_object_for(
        request.user,
        Permission.READ_BUYERS,
        CallBack.objects.select_related(*DETAIL_RELATED),
        pk=callback_id,
    )
    return _page(request, callback, CallBackOutcomeForm(cooperative_id=callback.cooperative_id))


def _page(request, callback: CallBack, form: CallBackOutcomeForm):
    """The call-back's page; the outcome form only while none is recorded, to those who edit."""
    can_edit = not callback.outcome and request.user.may(Permission.EDIT, callback.cooperative)
    return render(
        request,
        "sav/callback_detail.html",
        {
            "callback": callback,
            "buyer": callback.buyer,
            "today": timezone.localdate(),
            "form": form if can_edit else None,
        },
    )


@require_POST
def callback_outcome(request, callback_id: int):
    callback = get_object_for(
        request.user,
        Permission.EDIT,
        CallBack.objects.select_related(*DETAIL_RELATED),
        pk=callback_id,
    )
    form = CallBackOutcomeForm(request.POST, cooperative_id=callback.cooperative_id)
    if not form.is_valid():
        if callback.outcome:
            return redirect("callback_detail", callback_id=callback.pk)
        return _page(request, callback, form)
    try:
        recorded = callback_record(
            callback=callback, outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"], user=request.user, now=timezone.now(),
            claim_fields=form.claim_fields(), action_fields=form.action_fields(),
        )  # fmt: skip
    except OutcomeRefused as refused:
        messages.error(request, str(refused))
        return redirect("callback_detail", callback_id=callback.pk)
    if not recorded:
        messages.info(request, "L'issue de ce rappel était déjà enregistrée : la voici.")
    elif callback.claim_id:
        messages.success(request, f"Rappel enregistré, réclamation {callback.claim} ouverte.")
        return redirect("claim_detail", claim_id=callback.claim_id)
    else:
        messages.success(request, "Issue du rappel enregistrée.")
    return redirect("callback_detail", callback_id=callback.pk)
