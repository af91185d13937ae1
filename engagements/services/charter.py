from django.db import transaction

from cooperatives.models import Cooperative
from engagements.models import Commitment, Principle
from engagements.reference import COMMITMENTS, PRINCIPLES


def principles_sync() -> None:
    """Create or update the seven principles from the reference texts."""
    for position, (code, name, description) in enumerate(PRINCIPLES, start=1):
        Principle.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "position": position}
        )


@transaction.atomic
def commitments_create_charter(*, cooperative: Cooperative) -> list[Commitment]:
    """Give a cooperative the eight charter commitments it does not have yet.

    Existing commitments (possibly reworded by the cooperative) are left untouched.
    """
    principles = {p.code: p for p in Principle.objects.all()}
    if len(principles) < len(PRINCIPLES):  # reference data missing (e.g. a flushed database)
        principles_sync()
        principles = {p.code: p for p in Principle.objects.all()}
    rows = Commitment.objects.for_cooperative(cooperative).values_list("number", "charter_number")
    existing = {charter for _, charter in rows}
    taken = {number for number, _ in rows}
    created = []
    for number, title, description, codes in COMMITMENTS:
        if number in existing:
            continue
        # The charter's number, unless the cooperative gave it to a commitment of its own.
        position = number if number not in taken else max(taken) + 1
        taken.add(position)
        commitment = Commitment.objects.create(
            cooperative=cooperative,
            number=position,
            charter_number=number,
            title=title,
            description=description,
        )
        commitment.principles.set([principles[code] for code in codes])
        created.append(commitment)
    return created
