from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cooperatives.models import Cooperative
from coopqualite.middleware import cacheable
from engagements import selectors
from engagements.models import Commitment


@login_not_required
@cacheable
def transparency(request, slug: str):
    """What the cooperative promises and its latest published results: no login, no personal
    data. Off unless the cooperative switched it on (404 otherwise, like an unknown slug)."""
    cooperative = get_object_or_404(Cooperative, slug=slug, transparency_enabled=True)
    lines = selectors.scorecard_lines(
        Commitment.objects.for_cooperative(cooperative),
        timezone.localdate(),
        public_only=True,
    )
    return render(
        request,
        "engagements/transparency.html",
        {"cooperative": cooperative, "lines": lines},
    )
