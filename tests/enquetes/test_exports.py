"""Exports off the request: a CSV streamed (first bytes at once, rows as the cursors hand them)
up to 20,000 responses; above it, and for every XLSX, a job (coopqualite.jobs) a worker builds,
shown on the results page, downloaded for 24 hours under the export permission, then purged. A
broker down is a failed job with a retry button, a worker killed mid-export is swept."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import signal
import time

import pytest
import time_machine
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from coopqualite.jobs.models import Job
from coopqualite.jobs.services import BROKER_DOWN, jobs_sweep
from enquetes.models import Answer, ExportJob, Question, Response
from enquetes.services.export_jobs import export_request
from enquetes.services.exporting import exports_purge
from tests.enquetes.exports import export_asked, export_built
from tests.enquetes.factories import campaign_create
from tests.faults import broker_at, closed_port
from tests.services import worker_start, worker_stop

T0 = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def campaign(coop_a):
    return campaign_create(cooperative=coop_a, launched_at=timezone.now(), anonymous=False)


def respond(campaign, n: int, **values: str) -> None:
    """n completed responses, each with the given answers ({question key: value or text})."""
    questions = {q.key: q for q in Question.objects.filter(questionnaire=campaign.questionnaire)}
    responses = Response.objects.bulk_create(
        Response(campaign=campaign, completed=True) for _ in range(n)
    )
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question=questions[key],
            **({"text": value} if questions[key].type == "text" else {"value": value}),
        )  # fmt: skip
        for response in responses
        for key, value in values.items()
    )


def bare_responses(campaign, n: int) -> None:
    """n completed responses without answers: the count that decides how a CSV is served."""
    Response.objects.bulk_create(
        (Response(campaign=campaign, completed=True) for _ in range(n)),
        batch_size=5_000,
    )


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


# The streamed CSV ----------------------------------------------------------------------------


def test_the_csv_streams_its_first_bytes_before_reading_a_single_row(client, staff_a, campaign):
    respond(campaign, 3, commentaire="Bien")
    client.force_login(staff_a)

    response = client.get(reverse("campaign_export_csv", args=[campaign.pk]))
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        first = next(chunks)

    assert response.streaming is True
    assert first == "\ufeff".encode()
    assert len(queries.captured_queries) == 0
    rows = csv_rows(first + b"".join(chunks))
    assert [row[rows[0].index("commentaire")] for row in rows[1:]] == ["Bien", "Bien", "Bien"]


def test_the_streamed_csv_cannot_run_a_formula(client, staff_a, campaign):
    respond(campaign, 1, commentaire="@SUM(A1:A2)")
    client.force_login(staff_a)

    response = client.get(reverse("campaign_export_csv", args=[campaign.pk]))

    rows = csv_rows(b"".join(response.streaming_content))
    assert rows[1][rows[0].index("commentaire")] == "'@SUM(A1:A2)"


def test_a_campaign_of_20000_responses_streams_its_csv(client, staff_a, campaign):
    bare_responses(campaign, 20_000)
    client.force_login(staff_a)

    response = client.get(reverse("campaign_export_csv", args=[campaign.pk]))

    assert response.status_code == 200 and response.streaming


def test_a_campaign_of_20001_responses_offers_its_csv_as_a_job(client, staff_a, campaign):
    bare_responses(campaign, 20_001)
    client.force_login(staff_a)

    response = client.get(reverse("campaign_export_csv", args=[campaign.pk]), follow=True)

    page = response.content.decode()
    assert response.redirect_chain[0][0].endswith("#exports")
    assert "Plus de 20\u202f000 réponses" in page
    assert "Préparer l&#x27;export CSV" in page
    assert not ExportJob.objects.exists()  # a GET changes nothing


# Jobs ----------------------------------------------------------------------------------------


def test_an_xlsx_export_is_built_by_a_job_without_formulas_or_empty_cells(
    client, staff_a, campaign
):
    respond(campaign, 2, commentaire="=1+1", satisfaction_globale="assez_satisfait")
    client.force_login(staff_a)

    response = export_built(client, campaign, "xlsx")

    job = ExportJob.objects.get()
    assert (job.status, job.progress, job.rows) == (Job.Status.DONE, 100, 2)
    assert response["Content-Disposition"].startswith('attachment; filename="enquete-')
    rows = xlsx_rows(b"".join(response.streaming_content))
    assert rows[1][rows[0].index("commentaire")] == "'=1+1"
    assert rows[1][rows[0].index("satisfaction_globale")] == "Assez satisfait"
    assert rows[1][rows[0].index("lot")] is None  # no lot: the cell is not written


def test_a_csv_built_by_a_job_holds_the_same_bytes_as_the_streamed_one(client, staff_a, campaign):
    respond(campaign, 4, commentaire="Très bien ; merci", recommandation="9")
    client.force_login(staff_a)

    streamed = b"".join(
        client.get(reverse("campaign_export_csv", args=[campaign.pk])).streaming_content
    )
    built = b"".join(export_built(client, campaign, "csv").streaming_content)

    assert built == streamed
    assert len(csv_rows(built)) == 1 + 4


def test_a_second_request_while_the_first_is_unfinished_returns_the_first(staff_a, campaign):
    first = ExportJob.objects.create(campaign=campaign, format="xlsx", status="pending")

    again = export_request(campaign=campaign, format="xlsx", user=staff_a, now=timezone.now())

    assert again.pk == first.pk
    assert ExportJob.objects.count() == 1


def test_asking_while_the_broker_is_down_fails_the_job_with_a_retry_button(
    client, staff_a, campaign
):
    respond(campaign, 1, commentaire="Bien")
    client.force_login(staff_a)

    with broker_at(f"redis://127.0.0.1:{closed_port()}/0"):
        response = export_asked(client, campaign, "xlsx")
    page = client.get(response["Location"]).content.decode()

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.error) == (Job.Status.FAILED, BROKER_DOWN)
    assert "<strong>échec</strong>" in page
    assert reverse("campaign_export_retry", args=[campaign.pk, job.pk]) in page


def test_retrying_a_failed_export_builds_it(
    client, staff_a, campaign, django_capture_on_commit_callbacks
):
    respond(campaign, 1, commentaire="Bien")
    job = ExportJob.objects.create(
        campaign=campaign, format="xlsx", status=Job.Status.FAILED, error=BROKER_DOWN
    )
    client.force_login(staff_a)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("campaign_export_retry", args=[campaign.pk, job.pk]))

    job.refresh_from_db()
    assert (job.status, job.rows) == (Job.Status.DONE, 1)


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"status": "pending"}, "<strong>en attente</strong>"),
        ({"status": "running", "progress": 40}, "<strong>en cours — 40 %</strong>"),
        ({"status": "failed", "error": "Panne"}, "<strong>échec</strong> — Panne"),
    ],
)
def test_the_results_page_shows_the_state_of_an_export(client, staff_a, campaign, fields, shown):
    now = timezone.now()
    ExportJob.objects.create(
        campaign=campaign, format="xlsx", requested_at=now, heartbeat_at=now, started_at=now,
        **fields,
    )  # fmt: skip
    client.force_login(staff_a)

    page = client.get(reverse("campaign_results", args=[campaign.pk])).content.decode()

    assert shown in page


def test_the_results_page_refreshes_itself_while_an_export_is_unfinished(client, staff_a, campaign):
    ExportJob.objects.create(campaign=campaign, format="csv", status="pending")
    client.force_login(staff_a)

    page = client.get(reverse("campaign_results", args=[campaign.pk])).content.decode()

    assert '<meta http-equiv="refresh" content="5">' in page


def test_the_results_page_offers_a_built_export_for_24_hours(client, staff_a, campaign):
    respond(campaign, 1, commentaire="Bien")
    client.force_login(staff_a)
    with time_machine.travel(T0, tick=False):
        export_built(client, campaign, "xlsx")
    job = ExportJob.objects.get()
    link = reverse("campaign_export_download", args=[campaign.pk, job.pk])

    with time_machine.travel(T0 + dt.timedelta(hours=23, minutes=59), tick=False):
        page = client.get(reverse("campaign_results", args=[campaign.pk])).content.decode()
        kept = client.get(link)
    with time_machine.travel(T0 + dt.timedelta(hours=24, minutes=1), tick=False):
        gone = client.get(link)

    assert f'<a href="{link}">télécharger</a>' in page
    assert "<strong>prêt</strong> (1 ligne," in page
    assert (kept.status_code, gone.status_code) == (200, 404)


# Who may download ----------------------------------------------------------------------------


@pytest.fixture
def built(campaign, staff_a, client):
    respond(campaign, 1, commentaire="Bien")
    client.force_login(staff_a)
    export_built(client, campaign, "xlsx")
    client.logout()
    return ExportJob.objects.get()


@pytest.mark.parametrize(("persona", "status"), [("board_a", 403), ("federation_a", 403)])
def test_a_nominative_export_is_downloaded_only_by_who_reads_buyers_data(
    client, request, built, persona, status
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("campaign_export_download", args=[built.campaign_id, built.pk]))

    assert response.status_code == status


@pytest.mark.parametrize("outsider", ["staff_b", "federation_b"])
def test_an_export_of_another_cooperative_does_not_exist(client, request, built, outsider):
    client.force_login(request.getfixturevalue(outsider))

    download = client.get(reverse("campaign_export_download", args=[built.campaign_id, built.pk]))
    retry = client.post(reverse("campaign_export_retry", args=[built.campaign_id, built.pk]))

    assert (download.status_code, retry.status_code) == (404, 404)


def test_an_export_is_reached_only_through_its_own_campaign(client, staff_a, coop_a, built):
    other = campaign_create(cooperative=coop_a, launched_at=timezone.now(), anonymous=False)
    client.force_login(staff_a)

    response = client.get(reverse("campaign_export_download", args=[other.pk, built.pk]))

    assert response.status_code == 404


def test_the_board_downloads_an_anonymous_campaigns_built_export(client, staff_a, board_a, coop_a):
    anonymous = campaign_create(cooperative=coop_a, launched_at=timezone.now(), anonymous=True)
    respond(anonymous, 5, commentaire="Bien")
    client.force_login(board_a)

    response = export_built(client, anonymous, "xlsx")

    assert response.status_code == 200
    assert len(xlsx_rows(b"".join(response.streaming_content))) == 1 + 5


# Constant work -------------------------------------------------------------------------------


def test_building_an_export_reads_a_constant_number_of_queries(
    client, staff_a, campaign, django_assert_max_num_queries
):
    client.force_login(staff_a)
    respond(campaign, 2, commentaire="Bien", satisfaction_globale="tres_satisfait")
    with django_assert_max_num_queries(40) as few:
        export_asked(client, campaign, "xlsx")
    respond(campaign, 60, commentaire="Bof", satisfaction_globale="peu_satisfait")

    with django_assert_max_num_queries(len(few.captured_queries)):
        export_asked(client, campaign, "xlsx")

    assert list(ExportJob.objects.order_by("pk").values_list("rows", flat=True)) == [2, 62]


# Purge ---------------------------------------------------------------------------------------


def test_exports_are_purged_with_their_files_a_day_after_they_were_built(client, staff_a, campaign):
    respond(campaign, 1, commentaire="Bien")
    client.force_login(staff_a)
    with time_machine.travel(T0, tick=False):
        export_built(client, campaign, "xlsx")
    job = ExportJob.objects.get()
    path = job.file.path

    kept = exports_purge(now=T0 + dt.timedelta(hours=23, minutes=59))
    exists_after_a_day = os.path.exists(path)
    purged = exports_purge(now=T0 + dt.timedelta(hours=24, minutes=1))

    assert (kept, exists_after_a_day, purged) == (0, True, 1)
    assert not ExportJob.objects.exists()
    assert not os.path.exists(path)


def test_the_purge_leaves_an_unfinished_export_to_the_sweep(campaign):
    with time_machine.travel(T0, tick=False):
        ExportJob.objects.create(campaign=campaign, format="csv", status="running")

    assert exports_purge(now=T0 + dt.timedelta(days=3)) == 0


def test_the_purge_command_says_how_many_exports_it_deleted(campaign):
    ExportJob.objects.create(
        campaign=campaign, format="csv", status="failed",
        finished_at=timezone.now() - dt.timedelta(days=2),
    )  # fmt: skip
    out = io.StringIO()

    call_command("purge_exports", stdout=out)

    assert out.getvalue() == "1 export effacé.\n"
    assert not ExportJob.objects.exists()


# A real worker -------------------------------------------------------------------------------


@pytest.mark.integration
def test_a_worker_killed_mid_export_is_swept_and_the_export_built_again(
    celery_worker, staff_a, campaign, settings, monkeypatch
):
    """kill -9 of the worker while it reads the answers (held by a lock the test takes): the
    job stays "en cours" until the sweep (heartbeat older than the timeout) queues it again; a
    new worker builds the whole file."""
    respond(campaign, 30, commentaire="Bien", satisfaction_globale="tres_satisfait")
    lock = connections.create_connection(DEFAULT_DB_ALIAS)  # a session of the test's own
    lock.ensure_connection()
    lock.set_autocommit(False)
    with lock.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Answer._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    try:
        job = export_request(campaign=campaign, format="xlsx", user=staff_a, now=timezone.now())
        deadline = time.monotonic() + 60
        while not ExportJob.objects.filter(pk=job.pk, progress__gte=1).exists():
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.05)
        os.kill(celery_worker.pid, signal.SIGKILL)
        celery_worker.wait(timeout=10)
    finally:
        lock.rollback()
        lock.close()

    job.refresh_from_db()
    assert (job.status, job.progress, job.file.name) == (Job.Status.RUNNING, 1, "")

    monkeypatch.setenv("PRIVATE_MEDIA_ROOT", str(settings.PRIVATE_MEDIA_ROOT))
    again = worker_start()
    try:
        later = timezone.now() + dt.timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT + 1)
        assert jobs_sweep(now=later) == {"requeued": 1, "failed": 0}
        deadline = time.monotonic() + 120
        while ExportJob.objects.get(pk=job.pk).status != Job.Status.DONE:
            assert time.monotonic() < deadline, "the export was not built again"
            time.sleep(0.2)
    finally:
        worker_stop(again)

    job.refresh_from_db()
    assert (job.attempts, job.rows) == (2, 30)
    with job.file.open("rb") as handle:
        assert len(xlsx_rows(handle.read())) == 1 + 30
