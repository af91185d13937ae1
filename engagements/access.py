"""Access helpers of the engagements app (see cooperatives.access for the rules)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from cooperatives.access import get_visible_or_404, require_change
from cooperatives.models import User
from engagements.models import Action, Commitment, Evidence, Indicator, Measurement


def commitment_for_user(user: User, pk: int, *, change: bool = False) -> Commitment:
    commitment = get_visible_or_404(Commitment.objects.select_related("cooperative"), user, pk=pk)
    if change:
        require_change(user, commitment.cooperative_id)
    return commitment


def indicator_for_user(user: User, pk: int, *, change: bool = False) -> Indicator:
    indicator = get_visible_or_404(
        Indicator.objects.select_related("commitment__cooperative"), user, pk=pk
    )
    if change:
        require_change(user, indicator.commitment.cooperative_id)
    return indicator


def measurement_for_user(user: User, pk: int, *, change: bool = False) -> Measurement:
    measurement = get_visible_or_404(
        Measurement.objects.select_related("indicator__commitment"), user, pk=pk
    )
    if change:
        require_change(user, measurement.indicator.commitment.cooperative_id)
    return measurement


def action_for_user(user: User, pk: int, *, change: bool = False) -> Action:
    action = get_visible_or_404(Action.objects.select_related("owner"), user, pk=pk)
    if change:
        require_change(user, action.cooperative_id)
    return action


def evidence_for_user(user: User, pk: int) -> Evidence:
    return get_visible_or_404(Evidence.objects.all(), user, pk=pk)


def require_editor(user: User) -> None:
    """Pages that create records in the user's own cooperative."""
    if not user.edits_cooperative_data:
        raise PermissionDenied
