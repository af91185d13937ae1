"""A federation reader chooses the cooperative whose scorecard, charter and actions they read;
without a choice they see the federation's summaries, never every cooperative merged in one
page."""

import pytest
from django.urls import reverse

from engagements.models import Action
from engagements.services.charter import commitments_create_charter
from tests import factories

PAGES = ["scorecard", "commitment_list", "action_list"]


@pytest.fixture
def sister(coop_a):
    """A second cooperative of coop A's federation."""
    cooperative = factories.CooperativeFactory(name="Coop Sœur", federation=coop_a.federation)
    commitments_create_charter(cooperative=cooperative)
    Action.objects.create(cooperative=cooperative, title="Action de la sœur", status="planned")
    return cooperative


@pytest.mark.parametrize("name", PAGES)
def test_a_federation_reader_without_a_choice_is_sent_to_the_summaries(client, federation_a, name):
    client.force_login(federation_a)

    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"] == reverse("federation_overview")


@pytest.mark.parametrize("name", PAGES)
def test_a_federation_reader_reads_only_the_chosen_cooperative(
    client, federation_a, coop_a, sister, name
):
    Action.objects.create(cooperative=coop_a, title="Action de A", status="planned")
    client.force_login(federation_a)

    page = client.get(reverse(name), {"cooperative": sister.pk}).content.decode()

    assert "Coopérative : <strong>Coop Sœur</strong>" in page
    assert "Coop A" not in page
    assert "Action de A" not in page


@pytest.mark.parametrize("name", PAGES)
def test_a_cooperative_outside_the_federation_is_not_found(client, federation_a, coop_b, name):
    client.force_login(federation_a)

    assert client.get(reverse(name), {"cooperative": coop_b.pk}).status_code == 404


def test_the_summaries_link_each_cooperative_s_pages(client, federation_a, coop_a, sister):
    client.force_login(federation_a)

    page = client.get(reverse("federation_overview")).content.decode()

    for cooperative in (coop_a, sister):
        assert f'{reverse("scorecard")}?cooperative={cooperative.pk}"' in page
        assert f'{reverse("commitment_list")}?cooperative={cooperative.pk}"' in page
        assert f'{reverse("action_list")}?cooperative={cooperative.pk}"' in page


def test_staff_of_one_cooperative_read_theirs_without_choosing(client, staff_a, sister):
    client.force_login(staff_a)

    page = client.get(reverse("action_list")).content.decode()

    assert "Action de la sœur" not in page
    assert "choisir une autre coopérative" not in page


def test_the_action_filters_keep_the_chosen_cooperative(client, federation_a, sister):
    client.force_login(federation_a)

    page = client.get(reverse("action_list"), {"cooperative": sister.pk}).content.decode()

    assert f'<input type="hidden" name="cooperative" value="{sister.pk}">' in page
