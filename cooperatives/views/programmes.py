"""Programmes and their lots: read by those who read buyers, created and changed by those who
keep the cooperative's records."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from cooperatives import selectors
from cooperatives.access import get_object_for, permission_required
from cooperatives.forms import LotForm, ProgrammeForm
from cooperatives.models import JourneyStep, Lot, Permission, Programme
from cooperatives.services.journey import lot_save, programme_save


@permission_required(Permission.READ_BUYERS)
def programme_list(request):
    programmes = selectors.programmes_with_step_counts(
        Programme.objects.visible_to(request.user), timezone.localdate()
    )
    return render(
        request,
        "cooperatives/programme_list.html",
        {
            "programmes": programmes,
            "steps": JourneyStep,
            "can_edit": request.user.may(Permission.EDIT),
        },
    )


def programme_detail(request, programme_id: int):
    programme = get_object_for(
        request.user,
        Permission.READ_BUYERS,
        Programme.objects.select_related("interlocutor"),
        pk=programme_id,
    )
    today = timezone.localdate()
    return render(
        request,
        "cooperatives/programme_detail.html",
        {
            "programme": programme,
            "rows": selectors.programme_lots(programme, today),
            "today": today,
            "can_edit": request.user.may(Permission.EDIT, programme.cooperative),
            "history": selectors.record_history(programme),
        },
    )


@permission_required(Permission.EDIT)
def programme_new(request):
    form = ProgrammeForm(
        request.POST or None, instance=Programme(cooperative=request.user.cooperative)
    )
    if request.method == "POST" and form.is_valid():
        programme = programme_save(programme=form.instance, user=request.user)
        messages.success(request, f"Programme « {programme.name} » créé : ajoutez ses lots.")
        return redirect("programme_detail", programme_id=programme.pk)
    return render(request, "cooperatives/programme_form.html", {"form": form})


def programme_edit(request, programme_id: int):
    programme = get_object_for(request.user, Permission.EDIT, Programme, pk=programme_id)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        programme_save(programme=form.instance, user=request.user)
        messages.success(request, "Programme enregistré.")
        return redirect("programme_detail", programme_id=programme.pk)
    return render(
        request, "cooperatives/programme_form.html", {"form": form, "programme": programme}
    )


def lot_new(request, programme_id: int):
    programme = get_object_for(request.user, Permission.EDIT, Programme, pk=programme_id)
    form = LotForm(request.POST or None, instance=Lot(programme=programme))
    if request.method == "POST" and form.is_valid():
        lot = lot_save(lot=form.instance, user=request.user)
        messages.success(request, f"Lot {lot.code} ajouté.")
        return redirect("programme_detail", programme_id=programme.pk)
    return render(request, "cooperatives/lot_form.html", {"form": form, "programme": programme})


def lot_edit(request, lot_id: int):
    lot = get_object_for(request.user, Permission.EDIT, Lot, pk=lot_id)
    form = LotForm(request.POST or None, instance=lot)
    if request.method == "POST" and form.is_valid():
        lot_save(lot=form.instance, user=request.user)
        messages.success(request, f"Lot {lot.code} enregistré.")
        return redirect("programme_detail", programme_id=lot.programme_id)
    return render(
        request,
        "cooperatives/lot_form.html",
        {"form": form, "programme": lot.programme, "lot": lot},
    )
