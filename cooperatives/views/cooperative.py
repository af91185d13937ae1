"""The cooperative's settings, run by its directors."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from cooperatives.access import permission_required
from cooperatives.models import Cooperative, Permission


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
