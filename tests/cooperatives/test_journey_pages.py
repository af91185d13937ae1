"""Staff manage the journey in the portal: programmes with their interlocutor, lots, buyers and
the dates of their journey, the history of every change, the log of the delivery months
announced; pages whose queries do not grow with their rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperatives.models import Buyer, DeliveryAnnouncement, Lot, Programme, User
from cooperatives.services.journey import buyer_save
from tests import factories


@pytest.fixture
def claire(coop_a):
    return factories.UserFactory(
        username="claire", cooperative=coop_a, first_name="Claire", last_name="Roche"
    )


# Programmes and lots ------------------------------------------------------------------------


def test_staff_create_a_programme_with_its_interlocutor(client, staff_a, claire):
    client.force_login(staff_a)

    response = client.post(
        reverse("programme_new"),
        {"name": "Les Hauts de Saône", "code": "HDS", "city": "Mâcon", "financing": "brs",
         "interlocutor": claire.pk},
    )  # fmt: skip

    programme = Programme.objects.get(code="HDS")
    assert response.status_code == 302
    assert response["Location"] == reverse("programme_detail", args=[programme.pk])
    assert (programme.cooperative, programme.interlocutor) == (staff_a.cooperative, claire)
    assert programme.history.get().history_user == staff_a


def test_a_second_programme_of_the_same_name_in_the_cooperative_is_refused_in_french(
    client, staff_a, programme_a
):
    client.force_login(staff_a)

    response = client.post(
        reverse("programme_new"),
        {"name": "Les Jardins de l'Ill", "code": "JDI2", "financing": "vefa"},
    )

    assert response.status_code == 200
    assert "Un programme de la coopérative porte déjà ce nom." in response.content.decode()
    assert Programme.objects.filter(name="Les Jardins de l'Ill").count() == 1


def test_another_cooperative_may_use_the_same_programme_name(client, staff_b, programme_a):
    client.force_login(staff_b)

    client.post(
        reverse("programme_new"),
        {"name": "Les Jardins de l'Ill", "code": "JDI", "financing": "vefa"},
    )

    assert Programme.objects.filter(name="Les Jardins de l'Ill").count() == 2


def test_only_an_active_colleague_who_keeps_the_records_may_be_interlocutor(
    client, staff_a, programme_a, coop_a, staff_b
):
    board = factories.UserFactory(cooperative=coop_a, role=User.Role.BOARD)
    gone = factories.UserFactory(cooperative=coop_a, is_active=False)
    client.force_login(staff_a)
    url = reverse("programme_edit", args=[programme_a.pk])
    fields = {"name": programme_a.name, "code": "JDI", "financing": "vefa"}

    refused = [
        client.post(url, fields | {"interlocutor": user.pk}).status_code
        for user in (board, gone, staff_b)
    ]
    director = factories.UserFactory(cooperative=coop_a, role=User.Role.DIRECTOR)
    accepted = client.post(url, fields | {"interlocutor": director.pk}).status_code

    assert refused == [200, 200, 200]
    assert accepted == 302
    programme_a.refresh_from_db()
    assert programme_a.interlocutor == director


def test_changing_the_interlocutor_is_kept_in_the_history_with_before_and_after(
    client, staff_a, programme_a, claire
):
    client.force_login(staff_a)
    client.post(
        reverse("programme_edit", args=[programme_a.pk]),
        {"name": programme_a.name, "code": "JDI", "financing": "vefa", "interlocutor": claire.pk},
    )

    page = client.get(reverse("programme_detail", args=[programme_a.pk])).content.decode()

    assert "<strong>interlocuteur unique</strong> : — → Claire Roche" in page
    assert "Interlocuteur unique : <strong>Claire Roche</strong>" in page


def test_staff_add_a_lot_and_a_duplicate_code_is_refused(client, staff_a, programme_a):
    client.force_login(staff_a)
    url = reverse("lot_new", args=[programme_a.pk])

    client.post(url, {"code": "JDI-001", "typology": "T3"})
    again = client.post(url, {"code": "JDI-001", "typology": "T2"})

    assert list(Lot.objects.values_list("code", "typology")) == [("JDI-001", "T3")]
    assert "Ce programme a déjà un lot de ce code." in again.content.decode()


def test_staff_change_a_lots_typology(client, staff_a, programme_a):
    lot = factories.LotFactory(programme=programme_a, code="JDI-004", typology="T2")
    client.force_login(staff_a)

    client.post(reverse("lot_edit", args=[lot.pk]), {"code": "JDI-004", "typology": "T4"})

    lot.refresh_from_db()
    assert lot.typology == "T4"
    assert lot.history.count() == 2


# Buyers and their journey -------------------------------------------------------------------

JOURNEY = {
    "last_name": "Morel", "first_name": "Louise", "email": "louise.morel@exemple.fr",
    "phone": "06 40 36 62 95", "reservation_date": "2025-03-10", "deed_date": "2025-06-02",
    "delivery_month_announced": "2026-06", "delivery_month_announced_on": "2026-02-12",
}  # fmt: skip


@pytest.fixture
def lot_a(programme_a):
    return factories.LotFactory(programme=programme_a, code="JDI-007")


def test_staff_add_a_buyer_with_the_dates_of_their_journey(client, staff_a, lot_a):
    client.force_login(staff_a)

    response = client.post(
        reverse("buyer_new", args=[lot_a.programme_id]), JOURNEY | {"lot": lot_a.pk}
    )

    buyer = Buyer.objects.get(last_name="Morel")
    assert response["Location"] == reverse("buyer_detail", args=[buyer.pk])
    assert (buyer.reservation_date, buyer.delivery_month_announced) == (
        dt.date(2025, 3, 10), dt.date(2026, 6, 1),
    )  # fmt: skip
    assert list(
        DeliveryAnnouncement.objects.values_list("month", "announced_on", "recorded_by")
    ) == [(dt.date(2026, 6, 1), dt.date(2026, 2, 12), staff_a.pk)]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"deed_date": "2025-03-01"}, "deed_date",
         "L'acte ne peut précéder le contrat de réservation."),
        ({"delivery_date": "2026-06-15", "courtesy_visit_date": "2026-06-14"},
         "courtesy_visit_date", "La visite de courtoisie ne peut précéder la livraison."),
        ({"delivery_date": "2026-06-15", "perfect_completion_end": "2026-06-01"},
         "perfect_completion_end", "La fin du parfait achèvement ne peut précéder la livraison."),
        ({"delivery_month_announced_on": ""}, "delivery_month_announced_on",
         "Le mois de livraison annoncé va avec la date de l'annonce : indiquez les deux."),
        ({"delivery_month_announced": "juin"}, "delivery_month_announced",
         "Indiquez un mois, par exemple 06/2026."),
    ],
)  # fmt: skip
def test_dates_out_of_the_journey_order_are_refused_in_french_on_their_field(
    client, staff_a, lot_a, changes, field, message
):
    client.force_login(staff_a)

    response = client.post(
        reverse("buyer_new", args=[lot_a.programme_id]), JOURNEY | {"lot": lot_a.pk} | changes
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert not Buyer.objects.exists()


def test_a_lot_of_another_programme_cannot_be_chosen(client, staff_a, lot_a, coop_a):
    other = factories.LotFactory(programme=factories.ProgrammeFactory(cooperative=coop_a))
    client.force_login(staff_a)

    response = client.post(
        reverse("buyer_new", args=[lot_a.programme_id]), JOURNEY | {"lot": other.pk}
    )

    assert list(response.context["form"].errors) == ["lot"]


@pytest.fixture
def morel(lot_a):
    buyer = Buyer(lot=lot_a, **{k: v for k, v in JOURNEY.items() if "date" not in k and
                                "announced" not in k})  # fmt: skip
    buyer.reservation_date = dt.date(2025, 3, 10)
    buyer.delivery_month_announced, buyer.delivery_month_announced_on = (
        dt.date(2026, 6, 1), dt.date(2026, 2, 12),
    )  # fmt: skip
    return buyer_save(buyer=buyer, user=None)


def _edit(client, buyer, **changes):
    return client.post(
        reverse("buyer_edit", args=[buyer.pk]),
        JOURNEY | {"lot": buyer.lot_id, "deed_date": ""} | changes,
    )


def test_every_change_of_a_buyer_is_in_their_history_with_who_before_and_after(
    client, staff_a, morel
):
    staff_a.first_name, staff_a.last_name = "Camille", "Dubois"
    staff_a.save()
    client.force_login(staff_a)

    _edit(client, morel, delivery_date="2026-06-20", phone="06 11 22 33 44")
    page = client.get(reverse("buyer_detail", args=[morel.pk])).content.decode()

    record = morel.history.first()
    assert (record.history_type, record.history_user) == ("~", staff_a)
    assert "<td>Camille Dubois</td>" in page
    assert "<strong>livraison</strong> : — → 20 juin 2026" in page
    assert "<strong>téléphone</strong> : 06 40 36 62 95 → 06 11 22 33 44" in page


def test_a_new_month_announced_another_day_is_added_to_the_announcements(client, staff_a, morel):
    client.force_login(staff_a)

    _edit(client, morel, delivery_month_announced="2026-07",
          delivery_month_announced_on="2026-03-20")  # fmt: skip
    page = client.get(reverse("buyer_detail", args=[morel.pk])).content.decode()

    assert list(morel.delivery_announcements.values_list("month", "announced_on")) == [
        (dt.date(2026, 6, 1), dt.date(2026, 2, 12)),
        (dt.date(2026, 7, 1), dt.date(2026, 3, 20)),
    ]
    assert "<li>juin 2026, annoncé le 12 février 2026</li>" in page
    assert "juillet 2026, annoncé le 20 mars 2026 <span" in page


def test_correcting_the_month_on_the_same_day_rectifies_the_last_announcement(
    client, staff_a, morel
):
    client.force_login(staff_a)

    _edit(client, morel, delivery_month_announced="2026-05")

    assert list(morel.delivery_announcements.values_list("month", "announced_on")) == [
        (dt.date(2026, 5, 1), dt.date(2026, 2, 12)),
    ]


def test_clearing_the_month_withdraws_its_announcements(client, staff_a, morel):
    client.force_login(staff_a)

    _edit(client, morel, delivery_month_announced="", delivery_month_announced_on="")

    assert not morel.delivery_announcements.exists()
    assert morel.history.first().delivery_month_announced is None


def test_the_buyer_page_names_the_programmes_interlocutor_unless_the_buyer_has_their_own(
    client, staff_a, morel, claire, coop_a
):
    programme = morel.lot.programme
    programme.interlocutor = claire
    programme.save()
    client.force_login(staff_a)
    url = reverse("buyer_detail", args=[morel.pk])

    before = client.get(url).content.decode()
    _edit(client, morel, interlocutor=staff_a.pk)
    after = client.get(url).content.decode()

    assert "Claire Roche" in before and "(celui du programme)" in before
    assert "staff-a" in after and "(propre à ce ménage)" in after


def test_a_deactivated_interlocutor_names_nobody(morel, claire):
    programme = morel.lot.programme
    programme.interlocutor = claire
    programme.save()
    claire.is_active = False
    claire.save()

    buyer = Buyer.objects.select_related("lot__programme__interlocutor").get(pk=morel.pk)

    assert buyer.interlocutor_in_charge is None
    assert not Buyer.objects.filter(Buyer.named_interlocutor_q(), pk=morel.pk).exists()


# Queries that do not grow with the rows ------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def _buyers(programme, count, interlocutors):
    for index in range(count):
        lot = factories.LotFactory(programme=programme)
        factories.BuyerFactory(lot=lot, interlocutor=interlocutors[index % len(interlocutors)])


def test_the_programme_page_queries_do_not_grow_with_buyers_and_their_interlocutors(
    client, staff_a, programme_a, claire, coop_a
):
    programme_a.interlocutor = claire
    programme_a.save()
    colleagues = [claire, *(factories.UserFactory(cooperative=coop_a) for _ in range(4))]
    _buyers(programme_a, 2, colleagues[:1])
    client.force_login(staff_a)
    url = reverse("programme_detail", args=[programme_a.pk])
    few = _queries(client, url)

    _buyers(programme_a, 12, colleagues)
    programme_a.name = "Renommé"  # one more history row
    programme_a.save()

    assert _queries(client, url) == few


def test_the_programme_list_queries_do_not_grow_with_programmes_and_interlocutors(
    client, staff_a, coop_a
):
    client.force_login(staff_a)
    factories.ProgrammeFactory(cooperative=coop_a, interlocutor=staff_a)
    few = _queries(client, reverse("programme_list"))

    for _ in range(6):
        colleague = factories.UserFactory(cooperative=coop_a)
        _buyers(factories.ProgrammeFactory(cooperative=coop_a, interlocutor=colleague), 3,
                [colleague])  # fmt: skip

    assert _queries(client, reverse("programme_list")) == few
