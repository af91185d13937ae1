"""The cooperatives of a federation, created by its administrator with their first director
(`User.is_federation_admin`; the rules are in `cooperatives.services.accounts`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from cooperatives import selectors
from cooperatives.access import permission_required
from cooperatives.forms import CooperativeCreateForm
from cooperatives.models import Cooperative, Permission
from cooperatives.services import accounts


@permission_required(Permission.ADMINISTER_FEDERATION)
def federation_cooperatives(request):
    cooperatives = selectors.cooperatives_with_directors(
        Cooperative.objects.visible_to(request.user)
    )
    return render(
        request,
        "cooperatives/federation_cooperatives.html",
        {"federation": request.user.federation, "cooperatives": cooperatives},
    )


@permission_required(Permission.ADMINISTER_FEDERATION)
def cooperative_new(request):
    form = CooperativeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cooperative = accounts.cooperative_create(
                federation=request.user.federation, actor=request.user, now=timezone.now(),
                **form.cleaned_data,
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request, f"{cooperative.name} créée ; son dirigeant a reçu son invitation."
            )
            return redirect("federation_cooperatives")
    return render(request, "cooperatives/cooperative_new.html", {"form": form})
