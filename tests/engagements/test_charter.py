"""The Coop'HLM charter: eight commitments per cooperative, linked to the cooperative principles."""

import html
import re

from django.urls import reverse

from engagements.models import Commitment
from engagements.reference import COMMITMENTS, PRINCIPLES
from engagements.services.charter import commitments_create_charter
from tests import factories


def test_the_charter_gives_a_cooperative_the_eight_official_titles(db):
    cooperative = factories.CooperativeFactory()

    created = commitments_create_charter(cooperative=cooperative)

    assert len(created) == 8
    assert list(
        Commitment.objects.for_cooperative(cooperative)
        .order_by("number")
        .values_list("number", "charter_number", "title")
    ) == [(number, number, title) for number, title, *_ in COMMITMENTS]


def test_each_charter_commitment_is_linked_to_its_principles(db):
    cooperative = factories.CooperativeFactory()

    commitments_create_charter(cooperative=cooperative)

    linked = {
        c.number: {p.code for p in c.principles.all()}
        for c in Commitment.objects.for_cooperative(cooperative)
    }
    assert linked == {number: set(codes) for number, _, _, codes in COMMITMENTS}


def test_creating_the_charter_twice_adds_nothing(db):
    cooperative = factories.CooperativeFactory()
    commitments_create_charter(cooperative=cooperative)

    again = commitments_create_charter(cooperative=cooperative)

    assert again == []
    assert Commitment.objects.for_cooperative(cooperative).count() == 8


def test_creating_the_charter_again_keeps_a_reworded_title(db):
    cooperative = factories.CooperativeFactory()
    commitments_create_charter(cooperative=cooperative)
    Commitment.objects.filter(cooperative=cooperative, charter_number=5).update(
        title="Tenir parole sur le contrat et la date de livraison"
    )

    commitments_create_charter(cooperative=cooperative)

    fifth = Commitment.objects.get(cooperative=cooperative, charter_number=5)
    assert fifth.title == "Tenir parole sur le contrat et la date de livraison"
    assert Commitment.objects.for_cooperative(cooperative).count() == 8


def test_creating_the_charter_adds_only_the_missing_commitments(db):
    cooperative = factories.CooperativeFactory()
    commitments_create_charter(cooperative=cooperative)
    Commitment.objects.filter(cooperative=cooperative, charter_number=3).delete()

    created = commitments_create_charter(cooperative=cooperative)

    assert [c.charter_number for c in created] == [3]
    assert Commitment.objects.for_cooperative(cooperative).count() == 8


def test_the_charter_of_one_cooperative_does_not_touch_another(coop_b):
    cooperative = factories.CooperativeFactory()

    commitments_create_charter(cooperative=cooperative)

    assert Commitment.objects.for_cooperative(coop_b).count() == 8
    assert Commitment.objects.count() == 16


def test_the_charter_page_lists_each_principle_with_the_commitments_embodying_it(client, staff_a):
    client.force_login(staff_a)

    body = html.unescape(client.get(reverse("commitment_list")).content.decode())

    for code, name, description in PRINCIPLES:
        numbers = [str(n) for n, _, _, codes in COMMITMENTS if code in codes]
        entry = re.search(rf"<dt[^>]*>{name}</dt>\s*<dd[^>]*>(.*?)</dd>", body, re.S)
        assert entry, f"principle {name} is not listed"
        assert description in entry.group(1)
        assert f"Engagements : {', '.join(numbers)}" in entry.group(1)


def test_the_charter_takes_the_next_free_number_when_its_own_is_used(coop_b):
    from engagements.models import Commitment
    from engagements.services.charter import commitments_create_charter

    Commitment.objects.filter(cooperative=coop_b, charter_number=8).delete()
    Commitment.objects.create(cooperative=coop_b, number=8, title="Notre engagement maison")

    created = commitments_create_charter(cooperative=coop_b)

    assert [(c.charter_number, c.number) for c in created] == [(8, 9)]
