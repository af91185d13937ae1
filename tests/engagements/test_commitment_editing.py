from django.urls import reverse

from engagements.models import Commitment, Indicator, Principle


def test_staff_rewords_a_commitment_and_the_change_shows_in_its_history(client, staff_a, coop_a):
    commitment = Commitment.objects.get(cooperative=coop_a, number=3)
    client.force_login(staff_a)

    response = client.post(
        reverse("commitment_edit", args=[commitment.pk]),
        {
            "title": "Un conseiller unique de la réservation aux clés",
            "description": "Notre variante.",
            "principles": [Principle.objects.get(code="proximite").pk],
        },
    )

    assert response.status_code == 302
    page = client.get(reverse("commitment_detail", args=[commitment.pk])).content.decode()
    assert "Un conseiller unique de la réservation aux clés" in page
    assert "intitulé" in page  # the changed field, in the history table
    assert staff_a.username in page


def test_a_board_member_cannot_reword_a_commitment(client, board_a, coop_a):
    commitment = Commitment.objects.get(cooperative=coop_a, number=3)
    client.force_login(board_a)

    response = client.post(reverse("commitment_edit", args=[commitment.pk]), {"title": "X"})

    assert response.status_code == 403
    commitment.refresh_from_db()
    assert commitment.title != "X"


def test_a_journey_indicator_needs_its_metric(client, staff_a, coop_a):
    commitment = Commitment.objects.get(cooperative=coop_a, number=5)
    client.force_login(staff_a)
    data = {
        "name": "Mois confirmé à 3 mois",
        "unit": "%",
        "direction": "higher",
        "target": "95",
        "period": "quarter",
        "source": "journey",
        "position": 0,
    }

    refused = client.post(reverse("indicator_new", args=[commitment.pk]), data)
    accepted = client.post(
        reverse("indicator_new", args=[commitment.pk]),
        {**data, "journey_metric": "delivery_notice_share"},
    )

    assert "Choisissez la mesure du parcours" in refused.content.decode()
    assert accepted.status_code == 302
    assert Indicator.objects.get(commitment=commitment).journey_metric == "delivery_notice_share"
