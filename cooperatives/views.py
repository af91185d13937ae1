from django import forms
from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import timezone

from cooperatives.access import get_object_for, permission_required
from cooperatives.models import (
    Buyer,
    Cooperative,
    JourneyStep,
    Lot,
    Permission,
    Programme,
    journey_step_conditions,
)


@permission_required(Permission.READ_BUYERS)
def programme_list(request):
    today = timezone.localdate()
    prefix = "lots__buyers__"
    counts = {
        f"n_{step.value}": Count(f"{prefix}pk", filter=Q(**{f"{prefix}pk__isnull": False}) & q)
        for step, q in journey_step_conditions(today, prefix).items()
    }
    programmes = (
        Programme.objects.visible_to(request.user)
        .annotate(n_lots=Count("lots", distinct=True), **counts)
        .order_by("name")
    )
    return render(
        request,
        "cooperatives/programme_list.html",
        {"programmes": programmes, "steps": JourneyStep},
    )


def programme_detail(request, programme_id: int):
    programme = get_object_for(request.user, Permission.READ_BUYERS, Programme, pk=programme_id)
    lots = Lot.objects.filter(programme=programme).prefetch_related(
        Prefetch("buyers", queryset=Buyer.objects.order_by("last_name", "first_name"))
    )
    today = timezone.localdate()
    rows = [(lot, [(buyer, buyer.step(today)) for buyer in lot.buyers.all()]) for lot in lots]
    return render(
        request,
        "cooperatives/programme_detail.html",
        {"programme": programme, "rows": rows, "today": today},
    )


class CooperativeSettingsForm(forms.ModelForm):
    class Meta:
        model = Cooperative
        fields = ["homes_count", "transparency_enabled"]


@permission_required(Permission.MANAGE)
def cooperative_settings(request):
    cooperative = request.user.cooperative
    form = CooperativeSettingsForm(request.POST or None, instance=cooperative)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Paramètres enregistrés.")
        return redirect("cooperative_settings")
    return render(
        request,
        "cooperatives/settings.html",
        {"form": form, "cooperative": cooperative},
    )
