"""Importing buyers from a buyer file: which buyer a row designates, the preview of each change,
every row or none, a second confirmation that writes nothing, bulk writes, and what running
key-step campaigns will do with the file."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperatives.models import Buyer, BuyerImport, DeliveryAnnouncement, Lot
from cooperatives.services.buyer_import import (
    ImportRejected,
    buyer_import_confirm,
    buyer_import_prepare,
)
from cooperatives.services.journey import buyer_save
from tests import factories
from tests.enquetes.factories import campaign_create

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
HEADER = (
    "Nom;Prénom;Email;Programme;Lot;Typologie;Date de réservation;Mois de livraison annoncé;"
    "Annoncé le;Date de livraison;Interlocuteur\n"
)


@pytest.fixture
def jdi(coop_a):
    return factories.ProgrammeFactory(cooperative=coop_a, name="Les Jardins de l'Ill", code="JDI")


@pytest.fixture
def known(jdi):
    """A buyer the portal holds: lot JDI-001 (T2), reserved, delivery month June 2026 announced
    on 10 February 2026."""
    lot = factories.LotFactory(programme=jdi, code="JDI-001", typology="T2")
    buyer = Buyer(
        lot=lot, last_name="Girard", first_name="Amélie", email="amelie.girard@exemple.fr",
        reservation_date=dt.date(2025, 1, 15), delivery_month_announced=dt.date(2026, 6, 1),
        delivery_month_announced_on=dt.date(2026, 2, 10),
    )  # fmt: skip
    return buyer_save(buyer=buyer, user=None)


def prepare(coop, user, lines, name="acquereurs.csv"):
    data = (HEADER + "".join(line + "\n" for line in lines)).encode()
    return buyer_import_prepare(cooperative=coop, data=data, filename=name, user=user)


def entries(pending, level):
    return [(e["row"], e["column"], e["message"]) for e in pending.report if e["level"] == level]


# Which buyer a row designates -----------------------------------------------------------------


def test_a_row_with_the_same_programme_lot_and_e_mail_updates_that_buyer(coop_a, staff_a, known):
    pending = prepare(coop_a, staff_a, [
        "GIRARD;Amélie;Amelie.Girard@exemple.fr;JDI;jdi-001;T3;;07/2026;12/03/2026;;",
    ])  # fmt: skip

    assert [(r["status"], r["buyer_id"]) for r in pending.rows] == [("changed", known.pk)]
    assert entries(pending, "change") == [
        (2, "Typologie", "Lot jdi-001 : T2 → T3."),
        (2, "Mois de livraison annoncé", "juin 2026 → juillet 2026"),
        (2, "Annoncé le", "10 février 2026 → 12 mars 2026"),
    ]

    result = buyer_import_confirm(pending=pending, user=staff_a)

    known.refresh_from_db()
    assert (result.created, result.changed, result.unchanged, result.lots_created) == (0, 1, 0, 0)
    assert (known.last_name, known.email, known.lot.typology) == (
        "Girard", "amelie.girard@exemple.fr", "T3",
    )  # fmt: skip
    assert (known.delivery_month_announced, known.delivery_month_announced_on) == (
        dt.date(2026, 7, 1), dt.date(2026, 3, 12),
    )  # fmt: skip


def test_an_empty_cell_keeps_what_the_portal_holds(coop_a, staff_a, known):
    pending = prepare(coop_a, staff_a, ["Girard;;amelie.girard@exemple.fr;JDI;JDI-001;;;;;;"])

    buyer_import_confirm(pending=pending, user=staff_a)

    known.refresh_from_db()
    assert pending.rows[0]["status"] == "same"
    assert (known.first_name, known.reservation_date, known.delivery_month_announced) == (
        "Amélie", dt.date(2025, 1, 15), dt.date(2026, 6, 1),
    )  # fmt: skip


def test_a_row_without_e_mail_designates_the_buyer_of_the_lot_without_e_mail_of_that_name(
    coop_a, staff_a, jdi
):
    lot = factories.LotFactory(programme=jdi, code="JDI-002")
    buyer = factories.BuyerFactory(lot=lot, last_name="Öztürk", first_name="Élodie", email="")
    pending = prepare(coop_a, staff_a, [
        "Ozturk;Elodie;elodie.ozturk@exemple.fr;JDI;JDI-002;;;;;18/04/2026;",
        "Morel;Louise;;JDI;JDI-002;;;;;;",
    ])  # fmt: skip

    result = buyer_import_confirm(pending=pending, user=staff_a)

    buyer.refresh_from_db()
    assert [r["status"] for r in pending.rows] == ["changed", "new"]
    assert (buyer.email, buyer.delivery_date) == ("elodie.ozturk@exemple.fr", dt.date(2026, 4, 18))
    assert (result.created, result.changed) == (1, 1)
    assert Buyer.objects.filter(lot=lot).count() == 2


def test_each_buyer_gets_its_own_changes_when_rows_change_different_cells(
    coop_a, staff_a, known, jdi
):
    marc = factories.UserFactory(cooperative=coop_a, email="marc@coop-a.fr")
    other = factories.BuyerFactory(
        lot=factories.LotFactory(programme=jdi, code="JDI-003"), last_name="Roux",
        email="roux@exemple.fr", phone="06 00 00 00 01", delivery_date=None,
    )  # fmt: skip
    pending = prepare(coop_a, staff_a, [
        "Girard;;amelie.girard@exemple.fr;JDI;JDI-001;;;;;20/06/2026;marc@coop-a.fr",
        "Roux;Gabriel;roux@exemple.fr;JDI;JDI-003;;;;;;",
    ])  # fmt: skip

    buyer_import_confirm(pending=pending, user=staff_a)

    known.refresh_from_db()
    other.refresh_from_db()
    assert (known.delivery_date, known.interlocutor, known.first_name) == (
        dt.date(2026, 6, 20), marc, "Amélie",
    )  # fmt: skip
    assert (other.first_name, other.delivery_date, other.interlocutor) == ("Gabriel", None, None)
    assert other.history.first().history_user == staff_a


def test_a_changed_month_without_the_day_it_was_announced_is_an_error(coop_a, staff_a, known):
    pending = prepare(
        coop_a, staff_a, ["Girard;;amelie.girard@exemple.fr;JDI;JDI-001;;;09/2026;;;"]
    )

    assert entries(pending, "error") == [
        (2, "Annoncé le", "Nouveau mois de livraison annoncé : indiquez le jour de l'annonce."),
    ]


def test_dates_are_checked_against_those_the_portal_holds(coop_a, staff_a, known):
    # Reserved on 15 January 2025 in the portal: a delivery in 2024 cannot be.
    pending = prepare(
        coop_a, staff_a, ["Girard;;amelie.girard@exemple.fr;JDI;JDI-001;;;;;03/12/2024;"]
    )

    assert entries(pending, "error") == [
        (2, "Date de livraison", "La livraison ne peut précéder la réservation."),
    ]


def test_the_interlocutor_change_is_shown_by_name(coop_a, staff_a, known):
    factories.UserFactory(cooperative=coop_a, first_name="Marc", last_name="Lenoir",
                          email="marc@coop-a.fr")  # fmt: skip
    pending = prepare(coop_a, staff_a, [
        "Girard;;amelie.girard@exemple.fr;JDI;JDI-001;;;;;;marc@coop-a.fr",
    ])  # fmt: skip

    assert entries(pending, "change") == [(2, "Interlocuteur", "— → Marc Lenoir")]


# Writing: every row or none, once --------------------------------------------------------------


def test_the_sample_creates_forty_buyers_their_lots_and_their_history_by_the_importer(
    coop_a, staff_a
):
    for name, code in [("Les Jardins de l'Ill", "JDI"), ("Résidence Belledonne", "BEL"),
                       ("Le Clos des Canuts", "CDC")]:  # fmt: skip
        factories.ProgrammeFactory(cooperative=coop_a, name=name, code=code)
    data = (SAMPLES / "acquereurs-export-excel.csv").read_bytes()
    pending = buyer_import_prepare(cooperative=coop_a, data=data, filename="a.csv", user=staff_a)

    result = buyer_import_confirm(pending=pending, user=staff_a)

    # 36 lots: JDI-039 and BEL-044 have two households each, BEL-039 three.
    assert (result.created, result.changed, result.unchanged, result.lots_created) == (40, 0, 0, 36)
    assert Buyer.objects.for_cooperative(coop_a).count() == 40
    history = Buyer.history.filter(history_type="+")
    assert history.count() == 40
    assert set(history.values_list("history_user", flat=True)) == {staff_a.pk}
    assert Lot.history.count() == 36
    assert not BuyerImport.objects.exists()  # the personal data does not linger


def test_a_second_confirmation_of_the_same_preview_writes_nothing(coop_a, staff_a, known):
    pending = prepare(coop_a, staff_a, [
        "Girard;;amelie.girard@exemple.fr;JDI;JDI-001;;;07/2026;12/03/2026;;",
        "Morel;Louise;louise.morel@exemple.fr;JDI;JDI-007;T4;;;;;",
    ])  # fmt: skip
    buyer_import_confirm(pending=pending, user=staff_a)
    written = (Buyer.objects.count(), Buyer.history.count(), DeliveryAnnouncement.objects.count())

    again = buyer_import_confirm(pending=pending, user=staff_a)

    assert again is None
    assert written == (2, 3, 2)  # history: the known buyer's creation and change, Morel's
    assert (
        Buyer.objects.count(), Buyer.history.count(), DeliveryAnnouncement.objects.count()
    ) == written  # fmt: skip


def test_importing_the_same_file_again_changes_nothing(coop_a, staff_a, known):
    lines = ["Girard;;amelie.girard@exemple.fr;JDI;JDI-001;;;07/2026;12/03/2026;;",
             "Morel;Louise;;JDI;JDI-007;T4;;;;;"]  # fmt: skip
    buyer_import_confirm(pending=prepare(coop_a, staff_a, lines), user=staff_a)
    history = Buyer.history.count()

    again = prepare(coop_a, staff_a, lines)
    result = buyer_import_confirm(pending=again, user=staff_a)

    assert [r["status"] for r in again.rows] == ["same", "same"]
    assert (result.created, result.changed, result.unchanged) == (0, 0, 2)
    assert Buyer.history.count() == history
    assert Buyer.objects.count() == 2


def test_a_file_with_an_error_writes_nothing_even_if_confirmed(coop_a, staff_a, jdi):
    pending = prepare(coop_a, staff_a, ["Morel;;louise@exemple.fr;JDI;JDI-007;;;;;;",
                                        ";Paul;paul@exemple.fr;JDI;JDI-008;;;;;;"])  # fmt: skip

    with pytest.raises(ImportRejected, match="rien n'a été importé"):
        buyer_import_confirm(pending=pending, user=staff_a)

    assert (Buyer.objects.count(), Lot.objects.count()) == (0, 0)


def test_a_failure_in_the_middle_of_the_writes_leaves_nothing_written(coop_a, staff_a, jdi, known):
    lines = [
        f"Acquéreur {n};;a{n}@exemple.fr;JDI;JDI-{n + 100:03d};;01/02/2025;;;;" for n in range(600)
    ]
    pending = prepare(coop_a, staff_a, lines)
    # Row 551 is changed behind the preview's back: delivered before its reservation, which the
    # database refuses in the second batch of 500, after the first one was written.
    pending.rows[550]["delivery_date"] = "2024-01-01"
    pending.save()
    before = (Buyer.objects.count(), Lot.objects.count(), Buyer.history.count())

    with pytest.raises(ImportRejected, match="rien n'a été importé"):
        buyer_import_confirm(pending=pending, user=staff_a)

    assert (Buyer.objects.count(), Lot.objects.count(), Buyer.history.count()) == before
    assert BuyerImport.objects.filter(pk=pending.pk).exists()


def test_an_import_whose_programme_was_deleted_since_the_preview_is_refused(coop_a, staff_a, jdi):
    pending = prepare(coop_a, staff_a, ["Morel;;louise@exemple.fr;JDI;JDI-007;;;;;;"])
    jdi.delete()

    with pytest.raises(ImportRejected, match="Un programme du fichier n'existe plus"):
        buyer_import_confirm(pending=pending, user=staff_a)


def test_the_writes_take_as_many_queries_for_300_rows_as_for_30(coop_a, staff_a, jdi):
    def confirm_counting(first, count):
        lines = [f"Nom {n};;n{n}@exemple.fr;JDI;L-{n};T3;01/02/2025;06/2026;01/03/2026;;"
                 for n in range(first, first + count)]  # fmt: skip
        pending = prepare(coop_a, staff_a, lines)
        with CaptureQueriesContext(connection) as queries:
            buyer_import_confirm(pending=pending, user=staff_a)
        return len(queries.captured_queries)

    few = confirm_counting(0, 30)
    many = confirm_counting(1000, 300)

    assert many == few
    assert DeliveryAnnouncement.objects.count() == 330


# What running key-step campaigns will do with the file --------------------------------------


@time_machine.travel(dt.datetime(2026, 11, 20, 10, 0), tick=False)
def test_the_preview_says_whom_a_running_key_step_campaign_will_invite(coop_a, staff_a, jdi):
    campaign = campaign_create(
        cooperative=coop_a, name="Après livraison", kind="key_step", key_step="delivery",
        days_after_step=30, opens_on=dt.date(2026, 11, 1), days_open=150, anonymous=False,
    )  # fmt: skip
    campaign.launched_at = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    campaign.save()
    invited = factories.BuyerFactory(
        lot=factories.LotFactory(programme=jdi, code="JDI-009"), email="deja@exemple.fr",
        delivery_date=dt.date(2026, 10, 10),
    )  # fmt: skip
    campaign.invitations.create(buyer=invited, last_name=invited.last_name,
                                expires_at=campaign.closes_at)  # fmt: skip
    pending = prepare(coop_a, staff_a, [
        # Delivered on 10 and 20 October: invited 30 days later, from 1 November: due now.
        "Morel;;morel@exemple.fr;JDI;JDI-001;;01/02/2025;;;10/10/2026;",
        "Roux;;roux@exemple.fr;JDI;JDI-002;;01/02/2025;;;20/10/2026;",
        # Delivered on 15 December: invited on 14 January, before the closing (31 March).
        "Blanc;;blanc@exemple.fr;JDI;JDI-003;;01/02/2025;;;15/12/2026;",
        # Delivered on 1 September: its 30 days ended before the opening, never invited.
        "Faure;;faure@exemple.fr;JDI;JDI-004;;01/02/2025;;;01/09/2026;",
        # Already invited, its date changed: not invited again.
        "Deja;;deja@exemple.fr;JDI;JDI-009;;01/02/2025;;;12/10/2026;",
        # No delivery date: nothing to do with this campaign.
        "Petit;;petit@exemple.fr;JDI;JDI-005;;01/02/2025;;;;",
    ])  # fmt: skip

    assert entries(pending, "notice") == [
        (None, "", "La campagne d'étape « Après livraison » (en cours, après la livraison) "
                   "invitera 3 acquéreurs de ce fichier : 2 dès le prochain envoi, 1 plus tard, "
                   "30 jours après la date de l'étape."),
    ]  # fmt: skip


def test_a_file_that_touches_no_key_step_date_says_nothing(coop_a, staff_a, jdi):
    campaign = campaign_create(cooperative=coop_a, kind="key_step", key_step="reservation")
    campaign.launched_at = campaign.created_at
    campaign.save()

    pending = prepare(coop_a, staff_a, ["Morel;;morel@exemple.fr;JDI;JDI-001;;;;;;"])

    assert entries(pending, "notice") == []


# The pages ----------------------------------------------------------------------------------


def test_the_import_page_shows_the_preview_then_imports_on_confirmation(
    client, staff_a, known, django_capture_on_commit_callbacks
):
    client.force_login(staff_a)
    data = (HEADER + "Girard;;amelie.girard@exemple.fr;JDI;JDI-001;;;07/2026;12/03/2026;;\n"
            "Morel;Louise;louise@exemple.fr;JDI;JDI-002;;;;;;\n").encode()  # fmt: skip
    page = client.post(
        reverse("buyer_import"), {"file": SimpleUploadedFile("acquereurs.csv", data)}
    ).content.decode()
    pending = BuyerImport.objects.get(created_by=staff_a)
    with django_capture_on_commit_callbacks(execute=True):  # the job runs in-process
        confirmed = client.post(reverse("buyer_import_confirm", args=[pending.pk]))
    response = client.get(confirmed["Location"])

    assert "1 acquéreur ajouté, 1 modifié, 0 inchangé, 1 lot créé ; 0 erreur." in page
    assert "juin 2026 → juillet 2026" in page
    assert "Importer 2 lignes" in page
    done = response.content.decode()
    assert "Terminé" in done
    for count in (
        "1 acquéreur ajouté",
        "1 acquéreur modifié",
        "0 acquéreur inchangé",
        "1 lot créé",
    ):
        assert f"<li>{count}</li>" in done
    assert Buyer.objects.count() == 2


def test_another_users_waiting_import_cannot_be_confirmed(client, staff_a, coop_a, known):
    colleague = factories.UserFactory(cooperative=coop_a)
    pending = prepare(coop_a, colleague, ["Morel;;louise@exemple.fr;JDI;JDI-007;;;;;;"])
    client.force_login(staff_a)

    response = client.post(reverse("buyer_import_confirm", args=[pending.pk]))

    assert response.status_code == 404
    assert Buyer.objects.count() == 1


def test_the_templates_download_as_attachments(client, staff_a):
    client.force_login(staff_a)

    csv_file = client.get(reverse("buyer_file_template_csv"))
    xlsx_file = client.get(reverse("buyer_file_template_xlsx"))

    assert csv_file["Content-Disposition"] == 'attachment; filename="modele-acquereurs.csv"'
    assert csv_file.content.decode("utf-8-sig").startswith("Nom;Prénom;Email;")
    assert xlsx_file["Content-Disposition"] == 'attachment; filename="modele-acquereurs.xlsx"'
    assert xlsx_file.content.startswith(b"PK")
