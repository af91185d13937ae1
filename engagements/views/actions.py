from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from cooperatives.access import cooperative_chosen, get_object_for, permission_required
from cooperatives.models import Permission
from coopqualite.history import history_page
from coopqualite.pagination import paginate
from engagements.forms import ActionFilterForm, ActionForm
from engagements.models import Action
from engagements.services.actions import ActionConflict, action_create, action_update

PAGE_SIZE = 50


@cooperative_chosen
def action_list(request, mine: bool = False):
    today = timezone.localdate()
    actions = Action.objects.read_by(request)
    if mine:
        actions = actions.filter(owner=request.user)
    cooperative_ids = actions.values("cooperative_id")
    filters = ActionFilterForm(request.GET or None, cooperative_ids=cooperative_ids)
    actions = filters.filter(actions, today).select_related("owner", "cooperative")
    page = paginate(actions.order_by("due_date", "pk"), request, per_page=PAGE_SIZE)
    return render(
        request,
        "engagements/action_list.html",
        {
            "page": page,
            "filters": filters,
            "mine": mine,
            "today": today,
            "can_create": request.user.may(Permission.EDIT),
        },
    )


def my_actions(request):
    return action_list(request, mine=True)


def action_detail(request, action_id: int):
    action = get_object_for(
        request.user, Permission.READ, Action.objects.select_related("owner"), pk=action_id
    )
    history = action.history.select_related("history_user").order_by("-history_date")
    return render(
        request,
        "engagements/action_detail.html",
        {
            "action": action,
            "commitments": action.commitments.all(),
            "evidence": action.evidence.select_related("added_by"),
            "history": history_page(history, request),
            "late": action.is_late(),
            "can_edit": request.user.may(Permission.EDIT, action.cooperative),
        },
    )


@permission_required(Permission.EDIT)
def action_new(request):
    form = ActionForm(request.POST or None, cooperative_id=request.user.cooperative_id)
    if request.method == "POST" and form.is_valid():
        action = action_create(
            cooperative=request.user.cooperative,
            fields=form.cleaned_data,
            commitments=list(form.cleaned_data["commitments"]),
        )
        messages.success(request, "Action créée.")
        return redirect("action_detail", action_id=action.pk)
    return render(request, "engagements/action_form.html", {"form": form})


def action_edit(request, action_id: int):
    action = get_object_for(request.user, Permission.EDIT, Action, pk=action_id)
    form = ActionForm(request.POST or None, instance=action, cooperative_id=action.cooperative_id)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            action = action_update(
                action=action,
                fields=form.cleaned_data,
                commitments=list(form.cleaned_data["commitments"]),
                expected_version=form.cleaned_data["version"] or 0,
            )
        except ActionConflict as exc:
            # Keep what this user typed, show what the other saved; saving again overwrites it
            # knowingly, since the form now carries the current version.
            conflict = exc.current
            data = request.POST.copy()
            data["version"] = conflict.version
            # A separate instance: validating the form must not paint the user's values onto
            # the saved version shown beside it.
            form = ActionForm(
                data,
                instance=Action.objects.get(pk=conflict.pk),
                cooperative_id=action.cooperative_id,
            )
            form.is_valid()
        else:
            messages.success(request, "Action enregistrée.")
            return redirect("action_detail", action_id=action.pk)
    return render(
        request,
        "engagements/action_form.html",
        {"form": form, "action": action, "conflict": conflict},
        status=409 if conflict else 200,
    )
