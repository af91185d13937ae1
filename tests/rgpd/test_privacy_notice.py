"""The privacy notice of a cooperative: a default text from its data, edited by its director,
public, and linked from every buyer page and every e-mail to buyers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enquetes.emails import survey_invitation
from rgpd.models import PrivacyNotice
from tests import factories
from tests.buyer.conftest import make_campaign, make_invitation

NOTICE_URL = "/confidentialite/coop-a/"


@pytest.fixture
def coop_a(db):
    """Coop A with a seat and a federation (their names go into the default text)."""
    federation = factories.FederationFactory(name="Fédération Sud")
    return factories.CooperativeFactory(
        name="Coop A", slug="coop-a", city="Nîmes", federation=federation
    )


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_default_notice_says_who_why_on_what_basis_who_sees_how_long_rights_and_contact(
    client, coop_a
):
    page = text_of(client.get(NOTICE_URL))

    for title in (
        "Qui traite vos données", "Pourquoi", "Sur quelle base légale", "Qui les voit",
        "Combien de temps", "Vos droits", "Nous contacter",
    ):  # fmt: skip
        assert f">{title}</h2>" in page
    assert "Coop A, dont le siège est à Nîmes, est responsable du traitement" in page
    assert "La fédération Fédération Sud lit les mêmes résultats agrégés." in page
    assert "5 ans après la fin de la dernière garantie de votre logement" in page
    assert "6 mois après la clôture de l&#x27;enquête" in page
    assert "réclamation à la CNIL" in page


def test_the_notice_is_public_and_not_indexed(client, coop_a):
    response = client.get(NOTICE_URL)

    assert response.status_code == 200
    assert 'name="robots" content="noindex' in response.content.decode()


def test_an_unknown_cooperative_has_no_notice(client, db):
    assert client.get("/confidentialite/inconnue/").status_code == 404


def test_the_director_rewrites_a_section_and_buyers_read_it(client, coop_a):
    director = factories.UserFactory(cooperative=coop_a, role="director")
    client.force_login(director)
    form = client.get(reverse("privacy_notice_edit")).context["form"]
    data = {name: form.initial[name] for name in form.fields}
    data["contact"] = "Écrivez à dpo@coop-a.fr."

    response = client.post(reverse("privacy_notice_edit"), data)

    assert response.status_code == 302
    client.logout()
    page = text_of(client.get(NOTICE_URL))
    assert "Écrivez à dpo@coop-a.fr." in page
    assert "Coop A, dont le siège est à Nîmes" in page


def test_a_section_left_as_its_default_follows_the_default(client, coop_a):
    director = factories.UserFactory(cooperative=coop_a, role="director")
    client.force_login(director)
    form = client.get(reverse("privacy_notice_edit")).context["form"]
    data = {name: form.initial[name] for name in form.fields}
    data["rights"] = "Vos droits, en bref."

    client.post(reverse("privacy_notice_edit"), data)

    notice = PrivacyNotice.objects.get(cooperative=coop_a)
    assert notice.rights == "Vos droits, en bref."
    assert notice.controller == ""
    assert notice.updated_by == director


def test_the_survey_pages_link_to_the_cooperatives_notice(client, coop_a):
    invitation = make_invitation(make_campaign(coop_a))

    start = client.get(reverse("survey_start", args=[invitation.token]))
    page = client.get(reverse("survey_page", args=[invitation.token, 1]))

    assert f'href="{NOTICE_URL}">Vos données personnelles</a>' in start.content.decode()
    assert f'href="{NOTICE_URL}">Vos données personnelles</a>' in page.content.decode()


def test_a_buyer_page_without_a_cooperative_links_to_the_general_page(client, db):
    unknown = client.get(reverse("survey_start", args=["x" * 43]))
    signin = client.get(reverse("espace_signin"))

    for response in (unknown, signin):
        assert 'href="/confidentialite/">Vos données personnelles</a>' in response.content.decode()
    assert client.get("/confidentialite/").status_code == 200


def test_the_survey_email_links_to_the_notice_in_both_bodies(coop_a, settings):
    settings.SITE_URL = "https://qualite.example.org"
    invitation = make_invitation(make_campaign(coop_a), email="camille@example.org")

    message = survey_invitation(invitation)

    url = f"https://qualite.example.org{NOTICE_URL}"
    assert f"Vos données personnelles : {url}" in message.body
    assert f'href="{url}"' in message.alternatives[0][0]
