"""Confirming a buyer import runs as a background job (coopqualite.jobs): once for two clicks,
nothing by the sample file with errors, a broker down is a failed job with a French message,
checked files purged after a day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from cooperatives.models import Buyer, BuyerImport, BuyerImportJob
from cooperatives.services.buyer_import import buyer_import_prepare, buyer_imports_purge
from cooperatives.tasks import buyer_import_task
from coopqualite.jobs.models import Job
from coopqualite.jobs.services import BROKER_DOWN
from tests import factories
from tests.faults import broker_at, closed_port

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
T0 = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def programmes(coop_a):
    for name, code in [
        ("Les Jardins de l'Ill", "JDI"),
        ("Résidence Belledonne", "BEL"),
        ("Le Clos des Canuts", "CDC"),
    ]:
        factories.ProgrammeFactory(cooperative=coop_a, name=name, code=code)


def prepare(coop, user, name="acquereurs-utf8-bom.csv"):
    data = (SAMPLES / name).read_bytes()
    return buyer_import_prepare(cooperative=coop, data=data, filename=name, user=user)


def test_two_clicks_on_confirm_make_one_job_and_forty_buyers(
    client, coop_a, staff_a, programmes, django_capture_on_commit_callbacks
):
    pending = prepare(coop_a, staff_a)
    client.force_login(staff_a)
    url = reverse("buyer_import_confirm", args=[pending.pk])

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url)

    job = BuyerImportJob.objects.get()
    assert first["Location"] == second["Location"] == reverse("buyer_import_job", args=[job.pk])
    assert job.status == Job.Status.DONE
    assert job.result == {"created": 40, "changed": 0, "unchanged": 0, "lots_created": 36}
    assert Buyer.objects.count() == 40
    assert not BuyerImport.objects.exists()


def test_a_task_delivered_twice_writes_once(coop_a, staff_a, programmes):
    pending = prepare(coop_a, staff_a)
    job = BuyerImportJob.objects.create(
        cooperative=coop_a, preview_id=pending.pk, filename="x", created_by=staff_a
    )

    buyer_import_task(job.pk)
    buyer_import_task(job.pk)

    job.refresh_from_db()
    assert (job.status, job.result["created"]) == (Job.Status.DONE, 40)
    assert Buyer.objects.count() == 40


def test_the_sample_file_with_errors_writes_nothing(
    client, coop_a, staff_a, programmes, django_capture_on_commit_callbacks
):
    pending = prepare(coop_a, staff_a, "acquereurs-avec-erreurs.csv")
    client.force_login(staff_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("buyer_import_confirm", args=[pending.pk]))

    assert response["Location"] == reverse("buyer_import")
    assert not BuyerImportJob.objects.exists()
    assert Buyer.objects.count() == 0


def test_broker_down_at_confirmation_fails_the_job_in_french_without_a_500(
    client, coop_a, staff_a, programmes, django_capture_on_commit_callbacks
):
    pending = prepare(coop_a, staff_a)
    client.force_login(staff_a)

    with (
        broker_at(f"redis://127.0.0.1:{closed_port()}/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("buyer_import_confirm", args=[pending.pk]))
    page = client.get(response["Location"]).content.decode()

    job = BuyerImportJob.objects.get()
    assert (job.status, job.error) == (Job.Status.FAILED, BROKER_DOWN)
    assert "Échec — relancer" in page and "Relancer</button>" in page
    assert Buyer.objects.count() == 0
    assert BuyerImport.objects.filter(pk=pending.pk).exists()  # kept for the retry


def test_checked_files_are_purged_after_a_day_by_the_command(coop_a, staff_a, programmes, capsys):
    with time_machine.travel(T0, tick=False):
        prepare(coop_a, staff_a)

    with time_machine.travel(T0 + dt.timedelta(hours=23, minutes=59), tick=False):
        call_command("purge_buyer_imports")
    with time_machine.travel(T0 + dt.timedelta(hours=24, minutes=1), tick=False):
        call_command("purge_buyer_imports")

    assert capsys.readouterr().out.splitlines() == ["0 fichier effacé.", "1 fichier effacé."]
    assert not BuyerImport.objects.exists()


def test_a_file_being_written_is_not_purged(coop_a, staff_a, programmes):
    with time_machine.travel(T0, tick=False):
        pending = prepare(coop_a, staff_a)
    BuyerImportJob.objects.create(
        cooperative=coop_a, preview_id=pending.pk, filename="x", status=Job.Status.RUNNING
    )

    assert buyer_imports_purge(now=T0 + dt.timedelta(days=2)) == 0
