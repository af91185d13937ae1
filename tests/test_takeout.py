"""manage.py export_cooperative: everything of one cooperative in a zip, nothing of another.

Two cooperatives get one row of every kind, each text marked with the cooperative's mark (ALPHA,
BRAVO); the export of ALPHA must hold ALPHA's rows and files and no byte, row or id of BRAVO.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tracemalloc
import zipfile
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.utils import load_backend
from django.utils import timezone

from cooperatives.models import (
    Buyer,
    BuyerImport,
    Cooperative,
    DeliveryAnnouncement,
    Lot,
    User,
)
from coopqualite import takeout
from coopqualite.storage import private_storage
from engagements.models import Commitment, Evidence, Indicator, Measurement, Principle
from engagements.services.evidence import evidence_add
from enquetes.models import (
    Answer,
    Campaign,
    Choice,
    Invitation,
    Message,
    PopulationImport,
    Question,
    Response,
    SealedResponse,
)
from enquetes.services.questionnaires import questionnaire_from_template
from rapports.models import Report, ReportVersion
from tests import factories
from tests.engagements.factories import (
    ActionFactory,
    CommitmentFactory,
    IndicatorFactory,
    MeasurementFactory,
)
from tests.services import skip_or_fail

DAY = dt.date(2026, 3, 2)


def fill(mark: str) -> Cooperative:
    """A cooperative with one row of every kind, every text carrying `mark`."""
    federation = factories.FederationFactory(name=f"Fédération {mark}", slug=f"fede-{mark.lower()}")
    coop = factories.CooperativeFactory(
        name=f"Coopérative {mark}", slug=mark.lower(), federation=federation, city=f"Ville {mark}"
    )
    staff = factories.UserFactory(
        username=f"{mark.lower()}-staff", first_name=mark, cooperative=coop, role=User.Role.STAFF
    )
    lot = factories.LotFactory(
        programme=factories.ProgrammeFactory(
            cooperative=coop, name=f"Résidence {mark}", code=mark[:3]
        ),
        code=f"{mark}-001",
    )
    buyer = factories.BuyerFactory(
        lot=lot, last_name=f"{mark}-Acquéreur", email=f"{mark.lower()}@exemple.fr"
    )
    commitment = CommitmentFactory(cooperative=coop, title=f"Engagement {mark}")
    # Transactional tests flush the principles that a migration loads.
    principle = Principle.objects.order_by("position").first() or Principle.objects.create(
        code="adhesion", name="Adhésion volontaire", description="Ouverte à tous.", position=1
    )
    commitment.principles.add(principle)
    commitment.title = f"Engagement {mark} révisé"
    commitment.save()
    indicator = IndicatorFactory(commitment=commitment, name=f"Indicateur {mark}")
    MeasurementFactory(indicator=indicator, value=Decimal("85.5"), comment=f"Mesure {mark}")
    deleted = IndicatorFactory(commitment=commitment, name=f"Indicateur supprimé {mark}")
    MeasurementFactory(indicator=deleted, comment=f"Mesure supprimée {mark}")
    deleted.delete()
    action = ActionFactory(
        cooperative=coop, title=f"Action {mark}", owner=staff, commitments=[commitment]
    )
    evidence_add(
        target=action,
        user=staff,
        kind=Evidence.Kind.FILE,
        title=f"Preuve {mark}",
        fact_date=DAY,
        upload=SimpleUploadedFile(f"devis {mark}.pdf", f"%PDF-1.4 devis {mark}".encode()),
        content_type="application/pdf",
    )
    version = ReportVersion.objects.create(cooperative=coop, year=2025, foreword=f"Mot {mark}")
    report = Report.objects.create(
        cooperative=coop, year=2025, version=version, status=Report.Status.DONE, built_by=staff
    )
    report.file.save(f"{coop.slug}-2025-{report.pk}.pdf", ContentFile(f"%PDF rapport {mark}"))
    questionnaire = questionnaire_from_template(
        cooperative=coop, template_key="triennale-acquereurs"
    )
    campaign = Campaign.objects.create(
        cooperative=coop,
        questionnaire=questionnaire,
        name=f"Enquête {mark}",
        kind=questionnaire.kind,
        opens_on=DAY,
        closes_on=DAY + dt.timedelta(days=30),
        anonymous=True,
        launched_at=timezone.now(),
    )
    invitation = Invitation.objects.create(
        campaign=campaign,
        buyer=buyer,
        last_name=buyer.last_name,
        email=buyer.email,
        expires_at=campaign.closes_at,
        draft={"1": f"brouillon {mark}"},
    )
    Message.objects.create(invitation=invitation, number=0, reason=f"Erreur {mark}")
    response = Response.objects.create(campaign=campaign, completed=True)
    comment = Question.objects.get(questionnaire=questionnaire, key="commentaire")
    Answer.objects.create(response=response, question=comment, text=f"Commentaire {mark}")
    SealedResponse.objects.create(
        campaign=campaign,
        answers=[[comment.pk, "", f"En attente {mark}"]],
        sealed_at=timezone.now(),
    )
    PopulationImport.objects.create(
        campaign=campaign, filename=f"import-{mark}.csv", created_by=staff, rows=[{"nom": mark}]
    )
    DeliveryAnnouncement.objects.create(
        buyer=buyer, month=dt.date(2026, 6, 1), announced_on=DAY, recorded_by=staff
    )
    BuyerImport.objects.create(
        cooperative=coop, filename=f"acquereurs-{mark}.csv", created_by=staff,
        rows=[{"last_name": mark}],
    )  # fmt: skip
    return coop


@pytest.fixture
def alpha(db):
    return fill("ALPHA")


@pytest.fixture
def bravo(db):
    return fill("BRAVO")


def export(cooperative: Cooperative, tmp_path) -> zipfile.ZipFile:
    output = tmp_path / f"{cooperative.slug}.zip"
    call_command(
        "export_cooperative", cooperative.slug, "--output", str(output), stdout=io.StringIO()
    )
    return zipfile.ZipFile(output)


def table(archive: zipfile.ZipFile, model) -> list[dict[str, str]]:
    name = f"tables/{model._meta.label_lower}.csv"
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def column(archive, model, name="id") -> set[str]:
    return {row[name] for row in table(archive, model)}


def ids(queryset) -> set[str]:
    return {str(pk) for pk in queryset.values_list("pk", flat=True)}


# Everything of the cooperative, nothing of another ----------------------------------------------


def test_the_export_holds_no_byte_of_another_cooperative(alpha, bravo, tmp_path):
    archive = export(alpha, tmp_path)

    leaks = [name for name in archive.namelist() if b"bravo" in archive.read(name).lower()]
    assert leaks == []


def test_the_export_holds_the_rows_of_the_cooperative_and_none_of_another_by_id(
    alpha, bravo, tmp_path
):
    archive = export(alpha, tmp_path)

    checked = 0
    for model in takeout.our_models():
        if not hasattr(model, "cooperative_path"):
            continue
        exported = column(archive, model)
        assert ids(model.objects.for_cooperative(alpha)) <= exported, model
        assert not ids(model.objects.for_cooperative(bravo)) & exported, model
        checked += 1
    # sav: companies, service levels, claims, their photos, steps and e-mails; the import jobs
    assert checked == 38  # and the retention rules, the ISO 26000 self-assessments, the exports
    assert column(archive, User) == ids(User.objects.filter(cooperative=alpha))
    assert column(archive, Cooperative) == {str(alpha.pk)}
    assert column(archive, Choice) == ids(
        Choice.objects.filter(question__questionnaire__cooperative=alpha)
    )
    assert column(archive, Answer, "response_id") == ids(
        Response.objects.filter(campaign__cooperative=alpha)
    )


def test_the_history_of_the_cooperative_is_exported_with_the_history_of_its_deleted_rows(
    alpha, bravo, tmp_path
):
    archive = export(alpha, tmp_path)

    commitments = {row["title"] for row in table(archive, Commitment.history.model)}
    indicators = {row["name"] for row in table(archive, Indicator.history.model)}
    measurements = {row["comment"] for row in table(archive, Measurement.history.model)}
    assert commitments == {"Engagement ALPHA", "Engagement ALPHA révisé"}
    assert indicators == {"Indicateur ALPHA", "Indicateur supprimé ALPHA"}
    assert measurements == {"Mesure ALPHA", "Mesure supprimée ALPHA"}
    assert table(archive, Commitment.principles.through)[0]["commitment_id"] == str(
        Commitment.objects.get(cooperative=alpha).pk
    )
    history_links = table(archive, apps.get_model("engagements", "HistoricalCommitment_principles"))
    assert {row["commitment_id"] for row in history_links} == {
        str(Commitment.objects.get(cooperative=alpha).pk)
    }


def test_the_evidence_files_and_built_reports_of_the_cooperative_are_in_the_export(
    alpha, bravo, tmp_path
):
    archive = export(alpha, tmp_path)

    evidence = Evidence.objects.get(cooperative=alpha)
    report = Report.objects.get(cooperative=alpha)
    assert archive.read(f"fichiers/engagements.evidence/{evidence.pk}-devis_ALPHA.pdf") == (
        b"%PDF-1.4 devis ALPHA"
    )
    assert archive.read(f"fichiers/rapports.report/{report.pk}-alpha-2025-{report.pk}.pdf") == (
        b"%PDF rapport ALPHA"
    )
    index = list(
        csv.DictReader(io.StringIO(archive.read("fichiers.csv").decode("utf-8-sig")), delimiter=";")
    )
    assert [(row["table"], row["etat"]) for row in index] == [
        ("engagements.Evidence", "présent"),
        ("rapports.Report", "présent"),
    ]


def test_a_file_missing_from_storage_is_listed_as_absent_and_the_rest_exported(alpha, tmp_path):
    evidence = Evidence.objects.get(cooperative=alpha)
    private_storage.delete(evidence.file.name)

    archive = export(alpha, tmp_path)

    index = list(
        csv.DictReader(io.StringIO(archive.read("fichiers.csv").decode("utf-8-sig")), delimiter=";")
    )
    assert [(row["table"], row["etat"]) for row in index] == [
        ("engagements.Evidence", "absent"),
        ("rapports.Report", "présent"),
    ]
    assert json.loads(archive.read("manifest.json"))["files"] == {
        "index": "fichiers.csv",
        "written": 1,
        "missing": 1,
    }


# What is never exported -----------------------------------------------------------------------


def test_users_are_exported_with_names_roles_and_emails_but_never_a_password_hash(alpha, tmp_path):
    archive = export(alpha, tmp_path)

    (user,) = table(archive, User)
    assert (user["username"], user["first_name"], user["role"], user["email"]) == (
        "alpha-staff",
        "ALPHA",
        "staff",
        "alpha-staff@exemple.fr",
    )
    assert "password" not in user
    password_hash = User.objects.get(cooperative=alpha).password
    assert all(password_hash.encode() not in archive.read(name) for name in archive.namelist())


def test_survey_tokens_and_answers_in_progress_are_never_exported(alpha, tmp_path):
    archive = export(alpha, tmp_path)

    (invitation,) = table(archive, Invitation)
    assert {"token", "token_prefix", "draft"}.isdisjoint(invitation)
    assert invitation["last_name"] == "ALPHA-Acquéreur"
    token = Invitation.objects.get(campaign__cooperative=alpha).token
    assert all(token[:12].encode() not in archive.read(name) for name in archive.namelist())
    assert all(b"brouillon" not in archive.read(name) for name in archive.namelist())


def test_a_response_of_an_anonymous_campaign_is_exported_without_any_link_to_a_person(
    alpha, tmp_path
):
    archive = export(alpha, tmp_path)

    (response,) = table(archive, Response)
    assert response["invitation_id"] == ""
    assert response["submitted_on"] == ""
    (answer,) = table(archive, Answer)
    assert answer["text"] == "Commentaire ALPHA"


# Format ----------------------------------------------------------------------------------------


def test_tables_are_utf8_with_bom_semicolon_separated_with_french_decimals(alpha, tmp_path):
    archive = export(alpha, tmp_path)

    raw = archive.read("tables/engagements.measurement.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw.decode("utf-8-sig").splitlines()[0]
    assert header.split(";")[:4] == ["id", "indicator_id", "period_start", "value"]
    (measurement,) = table(archive, Measurement)
    assert measurement["value"] == "85,50"
    assert measurement["period_start"] == "2026-01-01"
    assert measurement["is_computed"] == "non"


def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(alpha, tmp_path):
    Invitation.objects.filter(campaign__cooperative=alpha).update(last_name="=HYPERLINK(1)")

    archive = export(alpha, tmp_path)

    assert table(archive, Invitation)[0]["last_name"] == "'=HYPERLINK(1)"


def test_the_readme_and_manifest_describe_each_table_with_its_row_count(alpha, tmp_path):
    archive = export(alpha, tmp_path)

    manifest = json.loads(archive.read("manifest.json"))
    by_model = {entry["model"]: entry for entry in manifest["tables"]}
    assert manifest["cooperative"] == {"id": alpha.pk, "slug": "alpha", "name": "Coopérative ALPHA"}
    assert by_model["cooperatives.Buyer"]["rows"] == 1
    assert by_model["cooperatives.Buyer"]["description"] == "Acquéreurs"
    assert by_model["engagements.Principle"]["rows"] == Principle.objects.count()
    assert set(by_model["enquetes.Invitation"]["excluded_columns"]) == {
        "token",
        "token_prefix",
        "draft",
    }
    readme = archive.read("LISEZMOI.txt").decode()
    assert "tables/cooperatives.buyer.csv (1 lignes) : Acquéreurs" in readme
    assert f"Exporté le {manifest['exported_at']}" in readme


# Every model has a rule ----------------------------------------------------------------------


def test_every_model_of_our_apps_is_exported_or_excluded_with_a_reason():
    assert takeout.unclassified_models() == []


def test_a_model_without_a_rule_is_reported_unclassified():
    unclassified = takeout.unclassified_models(paths={}, shared={})

    assert set(unclassified) == {
        "cooperatives.Cooperative",
        "cooperatives.Federation",
        "engagements.Principle",
        "enquetes.Choice",
        "enquetes.Answer",
        "enquetes.CampaignTally",
    }


def test_every_exclusion_states_its_reason():
    reasons = list(takeout.EXCLUDED.values()) + [
        reason for columns in takeout.EXCLUDED_COLUMNS.values() for reason in columns.values()
    ]
    assert all(len(reason) > 20 for reason in reasons)
    for label in takeout.EXCLUDED:
        assert apps.get_model(label)


# The command ---------------------------------------------------------------------------------


def test_the_command_refuses_an_unknown_cooperative_in_french(db, tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("export_cooperative", "inconnue", "--output", str(tmp_path / "x.zip"))

    assert "Aucune coopérative n'a l'identifiant « inconnue »" in str(refused.value)
    assert not [p for p in tmp_path.iterdir() if p.is_file()]


def test_the_command_refuses_an_output_folder_that_does_not_exist(alpha, tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("export_cooperative", "alpha", "--output", str(tmp_path / "absent" / "x.zip"))

    assert "Le dossier" in str(refused.value) and "n'existe pas" in str(refused.value)


def test_the_command_reports_what_it_wrote(alpha, tmp_path):
    out = io.StringIO()

    call_command("export_cooperative", "alpha", "--output", str(tmp_path / "a.zip"), stdout=out)

    assert out.getvalue().startswith(f"{tmp_path / 'a.zip'} : ")
    assert "2 fichiers." in out.getvalue()
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["a.zip"]


def test_memory_does_not_grow_with_the_size_of_the_data(alpha, tmp_path):
    """12 MB of notes go through the export with less than half of it in memory at once (all
    at once would take 15 MB)."""
    commitment = Commitment.objects.get(cooperative=alpha)
    note = "x" * 4000
    Evidence.objects.bulk_create(
        Evidence(
            cooperative=alpha,
            commitment=commitment,
            kind=Evidence.Kind.NOTE,
            title=f"Note {n}",
            note=note,
        )
        for n in range(3000)
    )

    tracemalloc.start()
    try:
        takeout.cooperative_export(cooperative=alpha, output=tmp_path / "big.zip")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert len(table(zipfile.ZipFile(tmp_path / "big.zip"), Evidence)) == 3001
    assert peak < 6_000_000


def test_outside_a_transaction_every_table_is_read_from_the_same_snapshot(
    transactional_db, alpha, tmp_path
):
    """A buyer committed by someone else while the export reads the first table is not in it."""
    if connection.vendor != "postgresql":
        skip_or_fail("Une base PostgreSQL est nécessaire (DATABASE_URL)")
    lot = Lot.objects.get(programme__cooperative=alpha)
    other = load_backend(connection.settings_dict["ENGINE"]).DatabaseWrapper(
        connection.settings_dict, "other"
    )
    committed = []

    def commit_a_buyer_after_the_first_read(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not committed and "cooperatives_federation" in sql:
            with other.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO cooperatives_buyer (lot_id, last_name, first_name, email, phone,"
                    " created_at, updated_at) VALUES (%s, 'Arrivé-pendant', '', '', '', now(),"
                    " now())",
                    [lot.pk],
                )
            committed.append(True)
        return result

    try:
        with connection.execute_wrapper(commit_a_buyer_after_the_first_read):
            archive = export(alpha, tmp_path)
    finally:
        other.close()

    assert committed == [True]
    assert Buyer.objects.filter(last_name="Arrivé-pendant").exists()
    assert column(archive, Buyer, "last_name") == {"ALPHA-Acquéreur"}


def test_an_anonymous_answer_waiting_in_the_pool_is_exported_without_its_time(alpha, tmp_path):
    archive = export(alpha, tmp_path)

    (sealed,) = table(archive, SealedResponse)
    assert "sealed_at" not in sealed
    assert "En attente ALPHA" in sealed["answers"]
