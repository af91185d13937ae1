"""The public transparency page says whether more or less is better for each target, and the
public pages lead to it."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from engagements.models import Commitment
from enquetes.models import Invitation
from tests.engagements.factories import IndicatorFactory, MeasurementFactory
from tests.enquetes.factories import campaign_create
from tests.factories import CooperativeFactory


def text_of(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def published(coop_a):
    coop_a.transparency_enabled = True
    coop_a.save()
    commitment = Commitment.objects.get(cooperative=coop_a, number=6)
    delay = IndicatorFactory(
        commitment=commitment, name="Délai moyen de traitement des réclamations",
        unit="jours", direction="lower", target=Decimal(92), is_public=True,
    )  # fmt: skip
    MeasurementFactory(indicator=delay, period_start=dt.date(2026, 1, 1), value=Decimal(80))
    IndicatorFactory(
        commitment=commitment, name="Réclamations accusées sous 48 heures",
        unit="%", direction="higher", target=Decimal("95.5"), is_public=True,
    )  # fmt: skip
    return coop_a


def test_a_target_says_whether_less_or_more_is_better(client, published):
    text = text_of(client.get(reverse("transparency", args=[published.slug])))

    assert (
        "Délai moyen de traitement des réclamations : 80 jours (T1 2026), objectif : "
        "92 jours au plus" in text
    )
    assert "pas encore de résultat publié (objectif : 95,5 % au moins)" in text


def test_the_public_home_page_links_the_published_transparency_pages_only(client, published):
    CooperativeFactory(name="Coop discrète", transparency_enabled=False)

    page = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("transparency", args=[published.slug])}"' in page
    assert "Coop discrète" not in page


def test_the_thanks_page_of_a_survey_links_the_cooperatives_engagements(client, published):
    campaign = campaign_create(cooperative=published)
    invitation = Invitation.objects.create(
        campaign=campaign, last_name="X", expires_at=campaign.closes_at
    )

    page = client.get(reverse("survey_thanks", args=[invitation.token])).content.decode()

    assert f'href="{reverse("transparency", args=[published.slug])}"' in page
