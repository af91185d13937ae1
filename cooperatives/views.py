from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from cooperatives import selectors
from cooperatives.access import get_object_for, permission_required
from cooperatives.models import Cooperative, JourneyStep, Permission, Programme


@permission_required(Permission.READ_BUYERS)
def programme_list(request):
    programmes = selectors.programmes_with_step_counts(
        Programme.objects.visible_to(request.user), timezone.localdate()
    )
    return render(
        request,
        "cooperatives/programme_list.html",
        {"programmes": programmes, "steps": JourneyStep},
    )


def programme_detail(request, programme_id: int):
    programme = get_object_for(request.user, Permission.READ_BUYERS, Programme, pk=programme_id)
    today = timezone.localdate()
    rows = selectors.programme_lots(programme, today)
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
