"""The cooperative's team, run by its directors: accounts, invitations, roles, deactivation.
The rules are in `cooperatives.services.accounts`; the Django admin is for operators only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperatives import selectors
from cooperatives.access import get_object_for, permission_required
from cooperatives.forms import UserInviteForm, UserRoleForm
from cooperatives.models import Permission, User
from cooperatives.services import accounts
from cooperatives.two_factor.policy import has_second_factor
from cooperatives.two_factor.services import second_factor_reset


@permission_required(Permission.MANAGE)
def user_list(request):
    cooperative = request.user.cooperative
    return render(
        request,
        "cooperatives/user_list.html",
        {"cooperative": cooperative, "accounts": selectors.cooperative_accounts(cooperative)},
    )


@permission_required(Permission.MANAGE)
def user_invite(request):
    form = UserInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.user_invite(
                cooperative=request.user.cooperative, actor=request.user, now=timezone.now(),
                **form.cleaned_data,
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Invitation envoyée à {user.email}.")
            return redirect("user_list")
    return render(request, "cooperatives/user_invite.html", {"form": form})


def user_detail(request, user_id: int):
    person = get_object_for(request.user, Permission.MANAGE, User, pk=user_id)
    form = UserRoleForm(request.POST or None, initial={"role": person.role})
    if request.method == "POST" and form.is_valid():
        try:
            changed = accounts.user_change_role(
                user=person, actor=request.user, role=form.cleaned_data["role"],
                now=timezone.now(),
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changed:
                messages.success(request, f"Rôle changé : {person.get_role_display()}.")
            return redirect("user_detail", user_id=person.pk)
    return render(
        request,
        "cooperatives/user_detail.html",
        {
            "person": person,
            "form": form,
            "changes": selectors.account_changes(person),
            "has_second_factor": has_second_factor(person),
        },
    )


def _on_user(request, user_id: int, change, done: str):
    """Run one POST-only change on an account of the cooperative, then back to its page."""
    person = get_object_for(request.user, Permission.MANAGE, User, pk=user_id)
    try:
        if change(user=person, actor=request.user, now=timezone.now()):
            messages.success(request, done)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("user_detail", user_id=person.pk)


@require_POST
def user_deactivate(request, user_id: int):
    return _on_user(request, user_id, accounts.user_deactivate, "Compte désactivé.")


@require_POST
def user_reactivate(request, user_id: int):
    return _on_user(request, user_id, accounts.user_reactivate, "Compte réactivé.")


@require_POST
def user_invitation_resend(request, user_id: int):
    return _on_user(
        request, user_id, accounts.user_invitation_resend, "Nouvelle invitation envoyée."
    )


@require_POST
def user_second_factor_reset(request, user_id: int):
    return _on_user(
        request, user_id, second_factor_reset,
        "Double authentification réinitialisée : la personne en configurera une nouvelle à sa "
        "prochaine connexion.",
    )  # fmt: skip
