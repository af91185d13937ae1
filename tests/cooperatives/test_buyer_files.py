"""The buyer file format (cooperatives/buyer_files.py): the shapes cooperatives export, each
mistake reported by row and column in French, the cells it reads, its template."""

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cooperatives.buyer_files import (
    COLUMNS,
    BuyerFileError,
    CellError,
    buyer_file_read,
    read_month,
    read_typology,
    template_csv,
    template_xlsx,
)
from cooperatives.models import Buyer, User
from tests import factories

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture
def programmes(coop_a):
    return [
        factories.ProgrammeFactory(cooperative=coop_a, name=name, code=code)
        for name, code in [
            ("Les Jardins de l'Ill", "JDI"),
            ("Résidence Belledonne", "BEL"),
            ("Le Clos des Canuts", "CDC"),
        ]
    ]


def read(coop, name=None, data=None):
    data = data if data is not None else (SAMPLES / name).read_bytes()
    return buyer_file_read(data=data, filename=name or "x.csv", cooperative_id=coop.pk)


@pytest.mark.parametrize(
    "name", ["acquereurs-export-excel.csv", "acquereurs-utf8-bom.csv", "acquereurs.xlsx"]
)
def test_every_sample_shape_gives_the_same_forty_new_buyers(coop_a, programmes, name):
    parsed = read(coop_a, name)

    assert parsed.errors == []
    assert len(parsed.rows) == 40
    assert {row["status"] for row in parsed.rows} == {"new"}
    first = parsed.rows[0]
    assert (first["row"], first["last_name"], first["first_name"], first["lot"]) == (
        2, "Girard", "Amélie", "JDI-043",
    )  # fmt: skip
    assert (first["email"], first["programme"], first["delivery_date"]) == (
        "amlie.girard1@exemple.fr", "Les Jardins de l'Ill", "2026-04-18",
    )  # fmt: skip


def test_the_mistaken_sample_reports_each_mistake_on_its_row_in_french(coop_a, programmes):
    parsed = read(coop_a, "acquereurs-avec-erreurs.csv")

    assert [(e["row"], e["column"], e["message"]) for e in parsed.errors] == [
        (3, "Email", "Adresse e-mail invalide : « pas-un-email »."),
        (4, "Nom", "Nom manquant."),
        (
            5,
            "Date de livraison",
            "Date impossible : « 31/02/2025 » (jour ou mois hors calendrier).",
        ),
        (7, "Lot", "Lot manquant."),
        (
            9,
            "Date de livraison",
            "Date impossible : « 2025-13-01 » (jour ou mois hors calendrier).",
        ),
        (10, "Programme", "Programme inconnu : « Programme inconnu »."),
        (6, "Email", "Doublon de la ligne 2 : même e-mail et même lot."),
    ]
    warnings = [(e["row"], e["message"]) for e in parsed.report if e["level"] == "warning"]
    assert warnings == [
        (8, "Adresse corrigée : « GABRIEL.ROUX7@EXEMPLE.FR » → « gabriel.roux7@exemple.fr »."),
    ]
    # Rows 2, 8, 11, 12 and 13 are valid; the blank line and the line of empty cells are skipped.
    assert [row["row"] for row in parsed.rows] == [2, 8, 11, 12, 13]


def test_reading_a_file_writes_nothing(coop_a, programmes):
    read(coop_a, "acquereurs.xlsx")

    assert Buyer.objects.count() == 0


def test_a_file_without_name_programme_and_lot_columns_is_refused_as_a_whole(coop_a):
    with pytest.raises(BuyerFileError, match="Colonnes manquantes : Nom, Programme, Lot"):
        read(coop_a, data=b"Prenom;Ville\nLouise;Lyon\n")


def test_two_columns_for_the_same_field_are_refused(coop_a, programmes):
    data = "Nom;Programme;Lot;Email;Courriel\nMorel;JDI;JDI-1;a@exemple.fr;b@exemple.fr\n"

    with pytest.raises(BuyerFileError, match=r"Deux colonnes « Email » \(colonnes 4 et 5\)"):
        read(coop_a, data=data.encode())


def test_headers_are_read_whatever_their_capitals_accents_and_wording(coop_a, programmes):
    data = (
        "NOM;prénom;Courriel;Opération;N° de lot;Typo;Contrat de réservation;Acte authentique;"
        "Mois de livraison;Date de l'annonce;Livré le;Date de la visite de courtoisie;Fin GPA;"
        "Commentaire\n"
        "Morel;Louise;l.morel@exemple.fr;CDC;CDC-006;F4;02/03/2024;15/06/2024;05/2025;"
        "01/02/2025;12/05/2025;03/06/2025;12/05/2026;à rappeler\n"
    )

    parsed = read(coop_a, data=data.encode("cp1252"))

    assert parsed.errors == []
    row = parsed.rows[0]
    assert {key: row[key] for key in (
        "programme", "lot", "typology", "reservation_date", "deed_date",
        "delivery_month_announced", "delivery_month_announced_on", "delivery_date",
        "courtesy_visit_date", "perfect_completion_end",
    )} == {
        "programme": "Le Clos des Canuts", "lot": "CDC-006", "typology": "T4",
        "reservation_date": "2024-03-02", "deed_date": "2024-06-15",
        "delivery_month_announced": "2025-05-01", "delivery_month_announced_on": "2025-02-01",
        "delivery_date": "2025-05-12", "courtesy_visit_date": "2025-06-03",
        "perfect_completion_end": "2026-05-12",
    }  # fmt: skip
    assert [(e["row"], e["column"], e["message"]) for e in parsed.report] == [
        (1, "Commentaire", "Colonne inconnue : ignorée."),
    ]


@pytest.mark.parametrize(
    ("cell", "month"),
    [
        ("06/2026", dt.date(2026, 6, 1)),
        ("6/2026", dt.date(2026, 6, 1)),
        ("2026-06", dt.date(2026, 6, 1)),
        ("Juin 2026", dt.date(2026, 6, 1)),
        ("août 2026", dt.date(2026, 8, 1)),
        ("17/06/2026", dt.date(2026, 6, 1)),
        (dt.datetime(2026, 6, 17), dt.date(2026, 6, 1)),
        ("", None),
    ],
)
def test_a_month_is_read_in_the_usual_french_ways(cell, month):
    assert read_month(cell) == month


def test_a_month_thirteen_is_refused():
    with pytest.raises(CellError, match="Mois impossible : « 13/2026 »"):
        read_month("13/2026")


@pytest.mark.parametrize(
    ("cell", "typology"),
    [("T3", "T3"), ("t2", "T2"), ("F4", "T4"), ("5", "T5"), ("T6", "T5"), ("T5 et plus", "T5"),
     ("Studio", "T1"), ("", "")],
)  # fmt: skip
def test_a_typology_is_read_as_t1_to_t5(cell, typology):
    assert read_typology(cell) == typology


def test_an_unknown_typology_is_refused():
    with pytest.raises(CellError, match="Typologie inconnue : « duplex »"):
        read_typology("duplex")


@pytest.fixture
def claire(coop_a):
    return factories.UserFactory(
        cooperative=coop_a, first_name="Claire", last_name="Roché", email="claire@coop-a.fr"
    )


def _with_interlocutor(coop, value):
    data = f"Nom;Programme;Lot;Email;Interlocuteur\nMorel;JDI;JDI-1;m@exemple.fr;{value}\n"
    return read(coop, data=data.encode())


@pytest.mark.parametrize("value", ["claire@coop-a.fr", "CLAIRE@coop-a.fr", "Claire Roche",
                                   "roché claire"])  # fmt: skip
def test_the_interlocutor_is_found_by_e_mail_or_by_name(coop_a, programmes, claire, value):
    parsed = _with_interlocutor(coop_a, value)

    assert parsed.errors == []
    assert (parsed.rows[0]["interlocutor_id"], parsed.rows[0]["interlocutor"]) == (
        claire.pk, "Claire Roché",
    )  # fmt: skip


def test_a_board_member_or_someone_of_another_cooperative_is_no_interlocutor(
    coop_a, coop_b, programmes, claire
):
    factories.UserFactory(
        cooperative=coop_a, role=User.Role.BOARD, first_name="Sylvie", last_name="Pons"
    )
    factories.UserFactory(cooperative=coop_b, email="yves@coop-b.fr")

    board = _with_interlocutor(coop_a, "Sylvie Pons")
    outsider = _with_interlocutor(coop_a, "yves@coop-b.fr")

    assert [e["message"] for e in board.errors] == [
        "Interlocuteur inconnu : « Sylvie Pons » (le prénom et le nom, ou l'e-mail, d'un "
        "collaborateur actif de la coopérative)."
    ]
    assert [e["message"] for e in outsider.errors] == [
        "Interlocuteur inconnu : « yves@coop-b.fr » (l'e-mail d'un collaborateur actif de la "
        "coopérative)."
    ]


def test_two_colleagues_of_the_same_name_are_told_apart_by_e_mail(coop_a, programmes, claire):
    factories.UserFactory(cooperative=coop_a, first_name="Claire", last_name="Roché")

    parsed = _with_interlocutor(coop_a, "Claire Roché")

    assert [e["message"] for e in parsed.errors] == [
        "Plusieurs collaborateurs s'appellent « Claire Roché » : donnez son e-mail."
    ]


def test_dates_out_of_the_journey_order_are_refused_on_the_later_column(coop_a, programmes):
    data = (
        "Nom;Programme;Lot;Email;Date de réservation;Date de l'acte;Date de livraison;"
        "Visite de courtoisie;Mois de livraison annoncé\n"
        "Morel;JDI;JDI-1;m@exemple.fr;10/03/2025;01/03/2025;15/06/2026;14/06/2026;06/2026\n"
    )

    parsed = read(coop_a, data=data.encode())

    assert [(e["column"], e["message"]) for e in parsed.errors] == [
        ("Date de l'acte", "L'acte ne peut précéder le contrat de réservation."),
        ("Visite de courtoisie", "La visite de courtoisie ne peut précéder la livraison."),
        ("Annoncé le", "Le mois de livraison annoncé va avec la date de l'annonce : indiquez "
                       "les deux."),
    ]  # fmt: skip


def test_the_csv_template_is_the_header_row_and_an_example_excel_opens(coop_a):
    lines = template_csv().decode("utf-8-sig").splitlines()

    assert template_csv().startswith(b"\xef\xbb\xbf")
    assert lines[0] == ";".join(column.header for column in COLUMNS)
    assert lines[0].startswith("Nom;Prénom;Email;Téléphone;Programme;Lot;Typologie;")
    assert lines[1].startswith("Girard;Amélie;amelie.girard@exemple.fr;")
    assert len(lines) == 2


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_each_template_reads_back_as_one_valid_row(coop_a, kind):
    factories.ProgrammeFactory(cooperative=coop_a, name="Les Jardins de l'Ill", code="JDI")
    factories.UserFactory(cooperative=coop_a, email="claire.roche@votre-cooperative.fr")
    data = template_csv() if kind == "csv" else template_xlsx()

    parsed = buyer_file_read(data=data, filename=f"modele.{kind}", cooperative_id=coop_a.pk)

    assert parsed.report == []
    assert len(parsed.rows) == 1
    assert parsed.rows[0]["delivery_month_announced"] == "2026-06-01"
    assert parsed.rows[0]["reservation_date"] == "2025-01-15"


def test_the_xlsx_template_holds_real_dates():
    sheet = load_workbook(io.BytesIO(template_xlsx())).active

    assert sheet.title == "Acquéreurs"
    assert sheet["A1"].value == "Nom" and sheet["A1"].font.bold
    assert sheet["H2"].value == dt.datetime(2025, 1, 15)
    assert sheet["H2"].number_format == "DD/MM/YYYY"
