from django.shortcuts import render
from django.utils import timezone

from cooperatives.access import cooperative_chosen, permission_required
from cooperatives.models import Cooperative, Permission
from coopqualite.pagination import paginate
from engagements import selectors
from engagements.models import Commitment

FEDERATION_PAGE_SIZE = 50  # cooperatives a page of the federation's summaries


@cooperative_chosen
def scorecard_view(request):
    """Home of a staff user: each commitment with its indicators, actions and last proof."""
    today = timezone.localdate()
    lines = selectors.scorecard_lines(Commitment.objects.read_by(request), today)
    return render(request, "engagements/scorecard.html", {"lines": lines, "today": today})


@cooperative_chosen
def commitment_list(request):
    """The charter: principles and commitments as a buyer would read them, printable."""
    principles, commitments = selectors.charter(Commitment.objects.read_by(request))
    return render(
        request,
        "engagements/commitment_list.html",
        {"principles": principles, "commitments": commitments},
    )


@permission_required(Permission.READ_FEDERATION)
def federation_overview(request):
    """The federation's cooperatives by name, a page at a time: the page costs the same whatever
    the size of the federation (165 cooperatives for the Coop'HLM movement)."""
    page = paginate(
        Cooperative.objects.visible_to(request.user).order_by("name"),
        request,
        per_page=FEDERATION_PAGE_SIZE,
    )
    cooperatives = selectors.cooperative_summaries(page.object_list, timezone.localdate())
    return render(
        request, "engagements/federation.html", {"cooperatives": cooperatives, "page": page}
    )
