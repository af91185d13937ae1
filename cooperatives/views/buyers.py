"""A buyer: their page (the journey, the delivery months announced, the history of changes), and
the form that creates or changes them."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from cooperatives import selectors
from cooperatives.access import get_object_for
from cooperatives.forms import BuyerForm
from cooperatives.models import Buyer, Permission, Programme
from cooperatives.services.journey import buyer_save

BUYERS = Buyer.objects.select_related("lot__programme__interlocutor", "interlocutor")


def buyer_detail(request, buyer_id: int):
    buyer = get_object_for(request.user, Permission.READ_BUYERS, BUYERS, pk=buyer_id)
    return render(
        request,
        "cooperatives/buyer_detail.html",
        {
            "buyer": buyer,
            "programme": buyer.lot.programme,
            "step": buyer.step(timezone.localdate()),
            "announcements": selectors.buyer_announcements(buyer),
            "history": selectors.record_history(buyer),
            "can_edit": request.user.may(Permission.EDIT, buyer.lot.programme.cooperative),
        },
    )


def buyer_new(request, programme_id: int):
    programme = get_object_for(
        request.user,
        Permission.EDIT,
        Programme.objects.select_related("interlocutor"),
        pk=programme_id,
    )
    form = BuyerForm(request.POST or None, instance=Buyer(), programme=programme)
    if request.method == "POST" and form.is_valid():
        buyer = buyer_save(buyer=form.instance, user=request.user)
        messages.success(request, f"Acquéreur {buyer} ajouté.")
        return redirect("buyer_detail", buyer_id=buyer.pk)
    return render(request, "cooperatives/buyer_form.html", {"form": form, "programme": programme})


def buyer_edit(request, buyer_id: int):
    buyer = get_object_for(request.user, Permission.EDIT, BUYERS, pk=buyer_id)
    programme = buyer.lot.programme
    form = BuyerForm(request.POST or None, instance=buyer, programme=programme)
    if request.method == "POST" and form.is_valid():
        buyer_save(buyer=form.instance, user=request.user)
        messages.success(request, "Acquéreur enregistré.")
        return redirect("buyer_detail", buyer_id=buyer.pk)
    return render(
        request,
        "cooperatives/buyer_form.html",
        {"form": form, "programme": programme, "buyer": buyer},
    )
