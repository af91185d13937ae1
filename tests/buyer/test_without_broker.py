"""Buyer pages never talk to the broker: a hung Redis cannot hold the workers that serve them."""

from __future__ import annotations

from django.urls import reverse

from tests.buyer.conftest import csrf_post, triennial_answers
from tests.faults import HungServer, broker_at


def test_a_buyer_answers_the_whole_survey_without_any_connection_to_the_broker(
    client, invitation, questions, django_capture_on_commit_callbacks
):
    token = invitation.token
    with HungServer() as hung, broker_at(f"redis://127.0.0.1:{hung.port}/0"):
        with django_capture_on_commit_callbacks(execute=True):
            pages = [client.get(reverse("survey_start", args=[token]))]
            for number, data in enumerate(triennial_answers(questions), start=1):
                pages.append(client.get(reverse("survey_page", args=[token, number])))
                pages.append(csrf_post(client, reverse("survey_page", args=[token, number]), data))
            pages.append(client.get(reverse("survey_thanks", args=[token])))
            pages.append(client.get(reverse("unsubscribe", args=[token])))

        connections = hung.connections

    assert [page.status_code for page in pages] == [200] + [200, 302] * 6 + [200, 200]
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert connections == 0
