"""Confirming a population import runs as a background job (coopqualite.jobs): once for two
clicks, nothing written twice by a retried task, nothing by a file with errors, a broker down
is a failed job with a French message (never a 500), checked files purged after a day, and a
worker killed mid-import leaves nothing half-written."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from cooperatives.models import Buyer
from cooperatives.services.buyer_import import GONE, HAS_ERRORS, ImportRejected
from coopqualite.jobs.models import Job
from coopqualite.jobs.services import BROKER_DOWN, jobs_sweep
from enquetes.models import Invitation, PopulationImport, PopulationImportJob
from enquetes.services.import_jobs import population_import_request
from enquetes.services.importing import population_import_prepare, population_imports_purge
from enquetes.tasks import population_import_task
from tests import factories
from tests.enquetes.factories import campaign_create
from tests.faults import broker_at, closed_port
from tests.services import worker_start, worker_stop

SAMPLES = os.path.join(os.path.dirname(__file__), "..", "data", "samples")
T0 = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


def sample(name: str) -> bytes:
    with open(os.path.join(SAMPLES, name), "rb") as handle:
        return handle.read()


def generated(rows: int) -> bytes:
    """A population file of `rows` new buyers of one programme."""
    lines = ["Nom;Prénom;Email;Téléphone;Programme;Lot;Date de livraison"]
    lines += [
        f"Nom{i};Prénom{i};acquereur{i}@exemple.fr;;Les Jardins de l'Ill;JDI-{i:05d};18/04/2026"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def campaign(coop_a):
    for name, code in [
        ("Les Jardins de l'Ill", "JDI"),
        ("Résidence Belledonne", "BEL"),
        ("Le Clos des Canuts", "CDC"),
    ]:
        factories.ProgrammeFactory(cooperative=coop_a, name=name, code=code)
    return campaign_create(cooperative=coop_a)


def prepare(campaign, user, data=None, name="acquereurs.csv"):
    data = sample("acquereurs-utf8-bom.csv") if data is None else data
    return population_import_prepare(campaign=campaign, data=data, filename=name, user=user)


def confirm_url(campaign, pending):
    return reverse("population_import_confirm", args=[campaign.pk, pending.pk])


def test_two_clicks_on_confirm_make_one_job_and_forty_invitations(
    client, staff_a, campaign, django_capture_on_commit_callbacks
):
    pending = prepare(campaign, staff_a)
    client.force_login(staff_a)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(confirm_url(campaign, pending))
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(confirm_url(campaign, pending))

    job = PopulationImportJob.objects.get()
    assert (
        first["Location"]
        == second["Location"]
        == reverse("population_import_job", args=[campaign.pk, job.pk])
    )
    assert (job.status, job.added) == (Job.Status.DONE, 40)
    assert Invitation.objects.filter(campaign=campaign).count() == 40
    assert not PopulationImport.objects.exists()  # the personal data does not linger


def test_a_second_request_while_the_job_waits_returns_the_same_job(staff_a, campaign):
    pending = prepare(campaign, staff_a)

    first = population_import_request(pending=pending, user=staff_a, now=T0)
    second = population_import_request(pending=pending, user=staff_a, now=T0)

    assert first.pk == second.pk
    assert PopulationImportJob.objects.count() == 1


def test_a_task_delivered_twice_writes_once(staff_a, campaign):
    pending = prepare(campaign, staff_a)
    job = PopulationImportJob.objects.create(
        campaign=campaign, preview_id=pending.pk, filename="x", created_by=staff_a
    )

    population_import_task(job.pk)
    population_import_task(job.pk)

    job.refresh_from_db()
    assert (job.status, job.added) == (Job.Status.DONE, 40)
    assert Invitation.objects.filter(campaign=campaign).count() == 40


def test_a_job_run_again_after_its_file_was_written_writes_nothing(staff_a, campaign):
    pending = prepare(campaign, staff_a)
    job = PopulationImportJob.objects.create(
        campaign=campaign, preview_id=pending.pk, filename="x", created_by=staff_a
    )
    population_import_task(job.pk)
    buyers = Buyer.objects.count()
    PopulationImportJob.objects.filter(pk=job.pk).update(status=Job.Status.PENDING)

    population_import_task(job.pk)

    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, GONE)
    assert Invitation.objects.filter(campaign=campaign).count() == 40
    assert Buyer.objects.count() == buyers


def test_the_file_with_errors_is_refused_at_confirmation_and_writes_nothing(
    client, staff_a, campaign, django_capture_on_commit_callbacks
):
    pending = prepare(campaign, staff_a, sample("acquereurs-avec-erreurs.csv"))
    client.force_login(staff_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url(campaign, pending), follow=True)

    assert escape(HAS_ERRORS) in response.content.decode()
    assert not PopulationImportJob.objects.exists()
    assert Invitation.objects.filter(campaign=campaign).count() == 0
    with pytest.raises(ImportRejected):
        population_import_request(pending=pending, user=staff_a, now=T0)


def test_a_job_on_the_file_with_errors_fails_and_writes_nothing(staff_a, campaign):
    pending = prepare(campaign, staff_a, sample("acquereurs-avec-erreurs.csv"))
    buyers = Buyer.objects.count()
    job = PopulationImportJob.objects.create(
        campaign=campaign, preview_id=pending.pk, filename="x", created_by=staff_a
    )

    population_import_task(job.pk)

    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, HAS_ERRORS)
    assert Invitation.objects.filter(campaign=campaign).count() == 0
    assert Buyer.objects.count() == buyers


def test_broker_down_at_confirmation_fails_the_job_in_french_without_a_500(
    client, staff_a, campaign, django_capture_on_commit_callbacks
):
    pending = prepare(campaign, staff_a)
    client.force_login(staff_a)

    with (
        broker_at(f"redis://127.0.0.1:{closed_port()}/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(confirm_url(campaign, pending))
    page = client.get(response["Location"])

    job = PopulationImportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.error) == (Job.Status.FAILED, BROKER_DOWN)
    assert page.status_code == 200
    assert "Échec — relancer" in page.content.decode()
    assert "Relancer</button>" in page.content.decode()
    assert Invitation.objects.filter(campaign=campaign).count() == 0


def test_retrying_the_failed_job_writes_the_file(
    client, staff_a, campaign, django_capture_on_commit_callbacks
):
    pending = prepare(campaign, staff_a)
    job = PopulationImportJob.objects.create(
        campaign=campaign, preview_id=pending.pk, filename="x", created_by=staff_a,
        status=Job.Status.FAILED, error=BROKER_DOWN,
    )  # fmt: skip
    client.force_login(staff_a)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("population_import_job_retry", args=[campaign.pk, job.pk]))

    job.refresh_from_db()
    assert (job.status, job.added) == (Job.Status.DONE, 40)


def test_the_job_page_shows_the_progress_of_a_running_import(client, staff_a, campaign):
    job = PopulationImportJob.objects.create(
        campaign=campaign, preview_id=1, filename="acquereurs.csv", created_by=staff_a,
        status=Job.Status.RUNNING, progress=70, step="Création des invitations",
        started_at=dt.datetime.now(dt.UTC), heartbeat_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    client.force_login(staff_a)

    page = client.get(reverse("population_import_job", args=[campaign.pk, job.pk]))

    html = page.content.decode()
    assert "En cours" in html and "70 %" in html and "Création des invitations" in html
    assert '<progress class="job-progress" max="100" value="70"' in html
    assert '<meta http-equiv="refresh" content="2">' in html


def test_checked_files_are_purged_after_a_day_unless_a_job_is_writing_them(staff_a, campaign):
    with time_machine.travel(T0, tick=False):
        abandoned = prepare(campaign, staff_a)
        writing = prepare(campaign, factories.UserFactory(cooperative=campaign.cooperative))
    PopulationImportJob.objects.create(
        campaign=campaign, preview_id=writing.pk, filename="x", status=Job.Status.RUNNING
    )

    kept = population_imports_purge(now=T0 + dt.timedelta(hours=23, minutes=59))
    purged = population_imports_purge(now=T0 + dt.timedelta(hours=24, minutes=1))

    assert (kept, purged) == (0, 1)
    assert list(PopulationImport.objects.values_list("pk", flat=True)) == [writing.pk]
    assert not PopulationImport.objects.filter(pk=abandoned.pk).exists()


def test_a_new_file_does_not_replace_one_being_written(staff_a, campaign):
    pending = prepare(campaign, staff_a)
    population_import_request(pending=pending, user=staff_a, now=T0)

    prepare(campaign, staff_a)

    assert PopulationImport.objects.filter(pk=pending.pk).exists()


@pytest.mark.integration
def test_a_worker_killed_mid_import_leaves_nothing_then_the_sweep_runs_it_again(
    celery_worker, staff_a, campaign, settings
):
    """kill -9 of the worker while it writes 5,000 rows: nothing written, the job "en cours"
    until the sweep (heartbeat older than the timeout) queues it again; a new worker writes
    every row once."""
    pending = prepare(campaign, staff_a, generated(5_000))
    job = population_import_request(pending=pending, user=staff_a, now=dt.datetime.now(dt.UTC))
    deadline = time.monotonic() + 60
    while not PopulationImportJob.objects.filter(pk=job.pk, progress__gte=10).exists():
        assert time.monotonic() < deadline, "the worker never started the job"
        time.sleep(0.05)
    os.kill(celery_worker.pid, signal.SIGKILL)
    celery_worker.wait(timeout=10)

    job.refresh_from_db()
    assert (job.status, job.progress) == (Job.Status.RUNNING, 10)
    assert Invitation.objects.filter(campaign=campaign).count() == 0
    assert not Buyer.objects.filter(email="acquereur0@exemple.fr").exists()

    again = worker_start()  # answers its ping before the job keeps it busy
    try:
        later = dt.datetime.now(dt.UTC)
        later += dt.timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT + 1)
        assert jobs_sweep(now=later) == {"requeued": 1, "failed": 0}
        deadline = time.monotonic() + 120
        while PopulationImportJob.objects.get(pk=job.pk).status != Job.Status.DONE:
            assert time.monotonic() < deadline, "the job was not run again"
            time.sleep(0.2)
    finally:
        worker_stop(again)

    job.refresh_from_db()
    assert (job.attempts, job.added) == (2, 5_000)
    assert Invitation.objects.filter(campaign=campaign).count() == 5_000
    assert Buyer.objects.filter(email="acquereur0@exemple.fr").count() == 1
