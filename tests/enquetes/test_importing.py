"""Importing a survey population from the sample files cooperatives really export."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cooperatives.models import Buyer
from enquetes.models import Invitation, PopulationImport
from enquetes.services.importing import (
    ImportFileError,
    ImportRejected,
    population_import_confirm,
    population_import_prepare,
    population_parse,
)
from tests import factories
from tests.enquetes.factories import campaign_create

# Copies of shared/samples: the buyer files cooperatives really export.
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture
def campaign(coop_a):
    for name, code in [
        ("Les Jardins de l'Ill", "JDI"),
        ("Résidence Belledonne", "BEL"),
        ("Le Clos des Canuts", "CDC"),
    ]:
        factories.ProgrammeFactory(cooperative=coop_a, name=name, code=code)
    return campaign_create(cooperative=coop_a)


def _parse(campaign, name):
    return population_parse(campaign=campaign, data=(SAMPLES / name).read_bytes(), filename=name)


@pytest.mark.parametrize(
    "name",
    ["acquereurs-export-excel.csv", "acquereurs-utf8-bom.csv", "acquereurs.xlsx"],
)
def test_every_export_shape_gives_the_same_forty_buyers(campaign, name):
    parsed = _parse(campaign, name)

    assert parsed.errors == []
    assert len(parsed.rows) == 40
    first = parsed.rows[0]
    assert (first["last_name"], first["first_name"], first["lot"]) == (
        "Girard",
        "Amélie",
        "JDI-043",
    )
    assert first["delivery_date"] == "2026-04-18"


def test_windows_1252_accents_are_read(campaign):
    rows = _parse(campaign, "acquereurs-export-excel.csv").rows

    assert any(row["last_name"] == "Öztürk" or "é" in row["first_name"] for row in rows)
    assert "Amélie" in {row["first_name"] for row in rows}


def test_the_faulty_file_reports_each_mistake_by_row_and_column_in_french(campaign):
    parsed = _parse(campaign, "acquereurs-avec-erreurs.csv")

    report = {(e["row"], e["column"]): e["message"] for e in parsed.report}
    assert "invalide" in report[(3, "Email")]
    assert report[(4, "Nom")] == "Nom manquant."
    assert "Date impossible" in report[(5, "Date de livraison")]
    assert "Doublon de la ligne 2" in report[(6, "Email")]
    assert report[(7, "Lot")] == "Lot manquant."
    assert "Date impossible" in report[(9, "Date de livraison")]
    assert "Programme inconnu" in report[(10, "Programme")]
    warning = next(e for e in parsed.report if e["row"] == 8)
    assert warning["level"] == "warning"
    assert [r["email"] for r in parsed.rows if r["row"] == 8] == ["gabriel.roux7@exemple.fr"]
    assert len(parsed.errors) == 7


def test_a_file_without_the_required_columns_is_refused_as_a_whole(campaign):
    with pytest.raises(ImportFileError, match="Colonnes manquantes"):
        population_parse(campaign=campaign, data=b"Nom;Ville\nDupont;Lyon\n", filename="x.csv")


def test_parsing_writes_nothing(campaign):
    before = (Buyer.objects.count(), Invitation.objects.count())

    _parse(campaign, "acquereurs-utf8-bom.csv")

    assert (Buyer.objects.count(), Invitation.objects.count()) == before


def test_confirming_writes_every_row_as_buyers_and_invitations(campaign, staff_a):
    data = (SAMPLES / "acquereurs.xlsx").read_bytes()
    pending = population_import_prepare(
        campaign=campaign, data=data, filename="acquereurs.xlsx", user=staff_a
    )

    added = population_import_confirm(pending=pending)

    assert added == 40
    assert Invitation.objects.filter(campaign=campaign).count() == 40
    assert not PopulationImport.objects.exists()  # the personal data does not linger


def test_a_file_with_errors_writes_nothing_even_if_confirmed(campaign, staff_a):
    data = (SAMPLES / "acquereurs-avec-erreurs.csv").read_bytes()
    pending = population_import_prepare(
        campaign=campaign, data=data, filename="x.csv", user=staff_a
    )

    with pytest.raises(ImportRejected):
        population_import_confirm(pending=pending)

    assert Invitation.objects.filter(campaign=campaign).count() == 0


def test_a_failure_midway_leaves_nothing_half_written(campaign, staff_a):
    data = (SAMPLES / "acquereurs-utf8-bom.csv").read_bytes()
    pending = population_import_prepare(
        campaign=campaign, data=data, filename="x.csv", user=staff_a
    )
    rows = pending.rows
    rows[20]["delivery_date"] = "2026-13-01"  # row 21 cannot be stored: the write stops there
    pending.rows = rows
    pending.save()

    with pytest.raises(ValidationError):
        population_import_confirm(pending=pending)

    assert Invitation.objects.filter(campaign=campaign).count() == 0
    assert not Buyer.objects.filter(email=rows[0]["email"]).exists()


def test_the_import_page_shows_the_report_then_imports(
    client, staff_a, campaign, django_capture_on_commit_callbacks
):
    client.force_login(staff_a)
    url = reverse("population_import", args=[campaign.pk])

    with open(SAMPLES / "acquereurs-avec-erreurs.csv", "rb") as handle:
        page = client.post(url, {"file": handle}).content.decode()
    assert "Doublon de la ligne 2" in page
    assert "Importer les" not in page  # errors: no confirmation button

    with open(SAMPLES / "acquereurs-export-excel.csv", "rb") as handle:
        page = client.post(url, {"file": handle}).content.decode()
    pending = PopulationImport.objects.get(campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True):  # the job runs in-process
        response = client.post(reverse("population_import_confirm", args=[campaign.pk, pending.pk]))
    job_page = client.get(response["Location"]).content.decode()

    assert "Importer 40 lignes" in page
    assert Invitation.objects.filter(campaign=campaign).count() == 40
    assert "Terminé" in job_page
    assert "40 invitations ajoutées depuis le fichier." in job_page


def test_an_import_whose_programme_disappeared_is_refused(campaign, staff_a):
    data = (SAMPLES / "acquereurs-utf8-bom.csv").read_bytes()
    pending = population_import_prepare(campaign=campaign, data=data, filename="x", user=staff_a)
    pending.rows[0]["programme_id"] = 10**9
    pending.save()

    with pytest.raises(ImportRejected):
        population_import_confirm(pending=pending)

    assert Invitation.objects.filter(campaign=campaign).count() == 0


def test_another_users_pending_import_cannot_be_confirmed(client, staff_a, campaign, coop_a):
    colleague = factories.UserFactory(cooperative=coop_a)
    data = (SAMPLES / "acquereurs-utf8-bom.csv").read_bytes()
    pending = population_import_prepare(campaign=campaign, data=data, filename="x", user=colleague)
    client.force_login(staff_a)

    response = client.post(reverse("population_import_confirm", args=[campaign.pk, pending.pk]))

    assert response.status_code == 404
