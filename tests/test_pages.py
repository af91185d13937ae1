"""Pages: home, commitments, navigation by role, 404, and queries that do not grow with data."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagements.models import Commitment, Principle
from engagements.reference import COMMITMENTS, PRINCIPLES
from engagements.services.charter import commitments_create_charter
from tests.factories import BuyerFactory, CooperativeFactory, LotFactory, ProgrammeFactory

NAV_LINK = re.compile(r'<a class="nav-link[^"]*" href="([^"]*)"[^>]*>([^<]+)</a>')


def nav_links(response) -> list[tuple[str, str]]:
    """(url, label) of each link of the main navigation."""
    return NAV_LINK.findall(response.content.decode())


def get_counting_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries.captured_queries)


def programme_with_lots(cooperative, n_lots, buyers_per_lot=1, **programme_fields):
    """A programme whose buyers stand at different steps of the journey."""
    programme = ProgrammeFactory(cooperative=cooperative, **programme_fields)
    today = dt.date.today()
    for index in range(n_lots):
        lot = LotFactory(programme=programme, code=f"{programme.code}-{index:03d}")
        for _ in range(buyers_per_lot):
            delivered = index % 2 == 0
            BuyerFactory(
                lot=lot,
                reservation_date=today - dt.timedelta(days=700),
                deed_date=today - dt.timedelta(days=600) if index % 3 else None,
                delivery_date=today - dt.timedelta(days=400) if delivered else None,
                perfect_completion_end=today - dt.timedelta(days=35) if delivered else None,
            )
    return programme


# Home -------------------------------------------------------------------------------------------


def test_home_page_is_public_and_shows_a_login_link(client, db):
    response = client.get("/")

    content = response.content.decode()
    assert response.status_code == 200
    assert 'href="/accounts/login/"' in content
    assert "Espace des collaborateurs" in content


def test_signed_in_staff_user_visiting_home_is_redirected_to_the_scorecard(client, staff_a):
    client.force_login(staff_a)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == reverse("scorecard")


def test_signed_in_federation_user_visiting_home_is_redirected_to_the_federation(
    client, federation_a
):
    client.force_login(federation_a)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/federation/"


# Commitments ------------------------------------------------------------------------------------


def test_commitments_page_lists_the_seven_principles(client, staff_a):
    client.force_login(staff_a)

    content = client.get("/engagements/").content.decode()

    names = [name for _, name, _ in PRINCIPLES]
    assert names[0] == "Solidarité" and names[-1] == "Démocratie"
    for name in names:
        assert f'<dt class="col-sm-3">{name}</dt>' in content
    positions = [content.index(f'<dt class="col-sm-3">{name}</dt>') for name in names]
    assert positions == sorted(positions)


def test_commitments_page_lists_the_eight_charter_commitments(client, staff_a):
    client.force_login(staff_a)

    content = client.get("/engagements/").content.decode()

    assert len(COMMITMENTS) == 8
    for number, title, _, _ in COMMITMENTS:
        assert f"{number}. {title}</h4>" in content


def test_commitments_page_does_not_show_another_cooperatives_commitments(client, staff_a, coop_b):
    Commitment.objects.filter(cooperative=coop_b, number=1).update(title="Engagement de B")
    client.force_login(staff_a)

    content = client.get("/engagements/").content.decode()

    assert "Engagement de B" not in content
    assert "1. Des logements de qualité à des prix maîtrisés</h4>" in content


# Navigation -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff_a", "director_a"])
def test_navigation_shows_programmes_to_staff_and_directors(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    links = nav_links(client.get("/engagements/"))

    assert (reverse("commitment_list"), "Charte") in links
    assert ("/programmes/", "Programmes") in links


@pytest.mark.parametrize("persona", ["board_a", "federation_a"])
def test_navigation_hides_programmes_from_board_and_federation_users(
    client, request, coop_a, persona
):
    client.force_login(request.getfixturevalue(persona))

    links = nav_links(client.get(f"/engagements/?cooperative={coop_a.pk}"))

    assert (reverse("commitment_list"), "Charte") in links
    assert all(url != "/programmes/" and label != "Programmes" for url, label in links)


# Errors -----------------------------------------------------------------------------------------


def test_unknown_url_gives_the_french_404_page(client, db, settings):
    settings.DEBUG = False

    response = client.get("/cette-page-n-existe-pas/")

    assert response.status_code == 404
    content = response.content.decode()
    assert "Page introuvable" in content
    assert '<html lang="fr">' in content


# Queries do not grow with the data --------------------------------------------------------------


def test_programmes_page_queries_do_not_grow_with_programmes_lots_and_buyers(client, staff_a):
    programme_with_lots(staff_a.cooperative, 3, code="P0", name="Programme 0")
    client.force_login(staff_a)
    _, few = get_counting_queries(client, "/programmes/")

    for index in range(1, 6):
        programme_with_lots(staff_a.cooperative, 10, code=f"P{index}", name=f"Programme {index}")
    response, many = get_counting_queries(client, "/programmes/")

    assert many == few
    content = response.content.decode()
    assert all(f"Programme {index}</a>" in content for index in range(6))


def test_programme_detail_queries_do_not_grow_with_lots_and_buyers(client, staff_a):
    programme = programme_with_lots(staff_a.cooperative, 2, code="JDI")
    client.force_login(staff_a)
    url = f"/programmes/{programme.pk}/"
    _, few = get_counting_queries(client, url)

    for index in range(2, 12):
        lot = LotFactory(programme=programme, code=f"JDI-{index:03d}")
        BuyerFactory.create_batch(2, lot=lot)
    response, many = get_counting_queries(client, url)

    assert many == few
    assert "12 lots" in response.content.decode()


def test_commitments_page_queries_do_not_grow_with_commitments(client, staff_a):
    client.force_login(staff_a)
    _, few = get_counting_queries(client, "/engagements/")

    principles = list(Principle.objects.all())
    for number in range(9, 19):
        commitment = Commitment.objects.create(
            cooperative=staff_a.cooperative, number=number, title=f"Engagement maison {number}"
        )
        commitment.principles.set(principles[number % 7 : number % 7 + 2])
    response, many = get_counting_queries(client, "/engagements/")

    assert many == few
    assert "18. Engagement maison 18</h4>" in response.content.decode()


def test_commitments_page_queries_do_not_grow_with_the_federations_cooperatives(
    client, federation_a
):
    client.force_login(federation_a)
    chosen = federation_a.federation.cooperatives.get()
    _, few = get_counting_queries(client, f"/engagements/?cooperative={chosen.pk}")

    for index in range(5):
        cooperative = CooperativeFactory(
            name=f"Coop fédérée {index}", federation=federation_a.federation
        )
        commitments_create_charter(cooperative=cooperative)
    response, many = get_counting_queries(client, f"/engagements/?cooperative={chosen.pk}")

    assert many == few
    assert "Coop fédérée 4" not in response.content.decode()  # the chosen cooperative's only


def test_federation_page_queries_do_not_grow_with_cooperatives_programmes_and_lots(
    client, federation_a
):
    programme_with_lots(federation_a.federation.cooperatives.get(), 2)
    client.force_login(federation_a)
    _, few = get_counting_queries(client, "/federation/")

    for index in range(5):
        cooperative = CooperativeFactory(
            name=f"Coop fédérée {index}", federation=federation_a.federation
        )
        commitments_create_charter(cooperative=cooperative)
        programme_with_lots(cooperative, 10, code=f"F{index}")
    response, many = get_counting_queries(client, "/federation/")

    assert many == few
    assert "Coop fédérée 4" in response.content.decode()


def test_favicon_ico_redirects_to_the_static_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.ico"


def test_every_page_declares_the_svg_icon(client, db):
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in (
        client.get(reverse("home")).content.decode()
    )
