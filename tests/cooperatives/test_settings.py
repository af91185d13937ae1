from django.urls import reverse

from cooperatives.models import Cooperative


def test_a_director_switches_the_public_transparency_page_on(client, director_a, coop_a):
    client.force_login(director_a)

    response = client.post(
        reverse("cooperative_settings"), {"homes_count": 1200, "transparency_enabled": "on"}
    )

    assert response.status_code == 302
    coop_a.refresh_from_db()
    assert coop_a.transparency_enabled
    assert coop_a.homes_count == 1200
    assert client.get(reverse("transparency", args=[coop_a.slug])).status_code == 200


def test_staff_cannot_change_the_cooperative_settings(client, staff_a, coop_a):
    client.force_login(staff_a)

    response = client.post(
        reverse("cooperative_settings"), {"homes_count": 1, "transparency_enabled": "on"}
    )

    assert response.status_code == 403
    assert not Cooperative.objects.get(pk=coop_a.pk).transparency_enabled


def test_a_negative_homes_count_is_refused_in_french(client, director_a):
    client.force_login(director_a)

    response = client.post(reverse("cooperative_settings"), {"homes_count": -3})

    assert response.status_code == 200
    assert "supérieure ou égale à 0" in response.content.decode()
