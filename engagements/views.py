from django.db.models import Prefetch
from django.shortcuts import render

from engagements.models import Commitment, Principle


def commitment_list(request):
    """The seven principles and the cooperative's commitments, with the principles they embody."""
    principles = Principle.objects.prefetch_related(
        Prefetch(
            "commitments",
            queryset=Commitment.objects.visible_to(request.user).select_related("cooperative"),
            to_attr="visible_commitments",
        )
    )
    commitments = (
        Commitment.objects.visible_to(request.user)
        .select_related("cooperative")
        .prefetch_related("principles")
        .order_by("cooperative__name", "number")
    )
    return render(
        request,
        "engagements/commitment_list.html",
        {"principles": principles, "commitments": commitments},
    )
