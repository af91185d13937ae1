"""Phases of works: the four essential ones created for a programme, their names per
cooperative, their dates."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from chantiers.models import ESSENTIAL_PHASES, DefaultPhaseName, Phase
from cooperatives.models import Cooperative, Programme


def default_phase_names(cooperative_id: int) -> list[str]:
    """The names of the four essential phases for this cooperative (its own, else the charter's)."""
    own = dict(
        DefaultPhaseName.objects.filter(cooperative_id=cooperative_id).values_list(
            "position", "name"
        )
    )
    return [own.get(n, name) for n, name in enumerate(ESSENTIAL_PHASES, start=1)]


def default_phase_names_save(*, cooperative: Cooperative, names: list[str]) -> None:
    with transaction.atomic():
        for position, name in enumerate(names, start=1):
            DefaultPhaseName.objects.update_or_create(
                cooperative=cooperative, position=position, defaults={"name": name}
            )


def phases_create_default(*, programme: Programme) -> int:
    """The four essential phases of a programme that has none; 0 when it already has them."""
    if Phase.objects.filter(programme=programme, position__lte=len(ESSENTIAL_PHASES)).exists():
        return 0
    names = default_phase_names(programme.cooperative_id)
    try:
        with transaction.atomic():
            Phase.objects.bulk_create(
                Phase(programme=programme, position=n, name=name)
                for n, name in enumerate(names, start=1)
            )
    except IntegrityError:  # created by a concurrent click
        return 0
    return len(names)


def phase_add(*, programme: Programme, name: str) -> Phase:
    """A phase after the last one (never among the four essential positions)."""
    with transaction.atomic():
        last = (
            Phase.objects.select_for_update()
            .filter(programme=programme)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        position = max(last or 0, len(ESSENTIAL_PHASES)) + 1
        return Phase.objects.create(programme=programme, position=position, name=name)
