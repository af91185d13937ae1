"""The action plan: creating and changing actions without losing a concurrent edit."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cooperatives.models import Cooperative
from engagements.models import Action, Commitment

EDITABLE_FIELDS = [
    "title", "description", "iso_subject", "owner", "due_date", "status", "progress_note",
]  # fmt: skip


class ActionConflict(Exception):
    """Someone saved the action since the form was opened: nothing was written."""

    def __init__(self, current: Action):
        super().__init__("action changed concurrently")
        self.current = current


def _completion_date(action: Action) -> None:
    if action.status == Action.Status.DONE and action.completed_on is None:
        action.completed_on = timezone.localdate()
    elif action.status != Action.Status.DONE:
        action.completed_on = None


@transaction.atomic
def action_create(
    *, cooperative: Cooperative, fields: dict, commitments: list[Commitment]
) -> Action:
    action = Action(cooperative=cooperative, **{k: fields[k] for k in EDITABLE_FIELDS})
    _completion_date(action)
    action.save()
    action.commitments.set(commitments)
    return action


@transaction.atomic
def action_update(
    *, action: Action, fields: dict, commitments: list[Commitment], expected_version: int
) -> Action:
    """Save the form's values if nobody saved the action since `expected_version` was read.

    The row is locked while its version is compared, so two simultaneous saves cannot both win:
    the second raises ActionConflict and its author sees the other's changes.
    """
    current = Action.objects.select_for_update().get(pk=action.pk)
    if current.version != expected_version:
        raise ActionConflict(current)
    for name in EDITABLE_FIELDS:
        setattr(current, name, fields[name])
    _completion_date(current)
    current.version += 1
    current.save()
    current.commitments.set(commitments)
    return current
