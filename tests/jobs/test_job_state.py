"""The generic state of background jobs: claim once, progress, finish, fail, retry, and the
sweep that leaves no job stuck (time by time_machine)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections, transaction
from django.template.loader import render_to_string
from django.test import RequestFactory

from coopqualite.jobs import services
from coopqualite.jobs.models import Job
from coopqualite.jobs.services import (
    BROKER_DOWN,
    NEVER_STARTED,
    UNEXPECTED,
    WORKER_LOST,
    JobRejected,
    job_claim,
    job_queue,
    job_refresh,
    job_retry,
    jobs_sweep,
)
from tests.faults import broker_at, closed_port
from tests.jobs.conftest import RUNS, WORK, SampleJob, sample_job_task

T0 = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


def at(seconds: int) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def running_job(*, attempts: int = 1, heartbeat: dt.datetime = T0) -> SampleJob:
    return SampleJob.objects.create(
        status=Job.Status.RUNNING, attempts=attempts, requested_at=T0, queued_at=T0,
        started_at=T0, heartbeat_at=heartbeat, progress=40, step="Écriture",
    )  # fmt: skip


def test_a_queued_job_runs_and_ends_done(sample_kind, django_capture_on_commit_callbacks):
    job = SampleJob.objects.create()
    with django_capture_on_commit_callbacks(execute=True):
        job_queue(job=job, now=T0)

    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == (Job.Status.DONE, 100, 1)
    assert job.finished_at is not None


def test_a_job_is_claimed_by_one_worker_only(sample_kind):
    job = SampleJob.objects.create()

    first = job_claim(model=SampleJob, job_id=job.pk, now=T0)
    second = job_claim(model=SampleJob, job_id=job.pk, now=T0)

    assert first is not None and first.status == Job.Status.RUNNING
    assert second is None


def test_a_second_delivery_of_the_task_does_nothing(sample_kind):
    job = SampleJob.objects.create()
    calls = []
    WORK["fn"] = lambda job, progress: calls.append(job.pk)

    sample_job_task(job.pk)
    sample_job_task(job.pk)

    assert calls == [job.pk]
    assert [job.pk, job.pk] == RUNS


def test_progress_inside_the_jobs_transaction_is_seen_by_the_page_before_it_commits(
    sample_kind, transactional_db
):
    job = SampleJob.objects.create()
    seen = {}

    def work(job, progress):
        with transaction.atomic():
            with time_machine.travel(at(30), tick=False):
                progress(40, "Écriture des lignes")
            page = connections.create_connection("default")  # another request's connection
            try:
                with page.cursor() as cursor:
                    cursor.execute(
                        "SELECT progress, step, heartbeat_at FROM jobs_samplejob WHERE id = %s",
                        [job.pk],
                    )
                    seen["row"] = cursor.fetchone()
            finally:
                page.close()

    WORK["fn"] = work
    sample_job_task(job.pk)

    assert seen["row"] == (40, "Écriture des lignes", at(30))


def test_a_rejected_job_fails_with_its_french_reason(sample_kind):
    job = SampleJob.objects.create()

    def work(job, progress):
        raise JobRejected("Le fichier a expiré : envoyez-le de nouveau.")

    WORK["fn"] = work
    sample_job_task(job.pk)

    job.refresh_from_db()
    assert (job.status, job.error) == (
        Job.Status.FAILED, "Le fichier a expiré : envoyez-le de nouveau."
    )  # fmt: skip


def test_an_unexpected_error_fails_the_job_with_a_french_message(sample_kind):
    job = SampleJob.objects.create()

    def work(job, progress):
        raise ZeroDivisionError

    WORK["fn"] = work
    sample_job_task(job.pk)

    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, UNEXPECTED)


def test_broker_down_at_queueing_fails_the_job_with_a_french_message(
    sample_kind, django_capture_on_commit_callbacks
):
    job = SampleJob.objects.create()
    with (
        broker_at(f"redis://127.0.0.1:{closed_port()}/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job_queue(job=job, now=T0)

    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, BROKER_DOWN)


def test_a_failed_job_is_retried_once_for_two_clicks(
    sample_kind, django_capture_on_commit_callbacks
):
    job = SampleJob.objects.create(status=Job.Status.FAILED, error=WORKER_LOST, attempts=3)

    with django_capture_on_commit_callbacks(execute=True):
        first = job_retry(job=job, now=T0)
        second = job_retry(job=job, now=T0)

    job.refresh_from_db()
    assert (first, second) == (True, False)
    assert (job.status, job.error, job.attempts) == (Job.Status.DONE, "", 1)
    assert [job.pk] == RUNS


@pytest.mark.parametrize(
    ("seconds", "status"), [(299, Job.Status.RUNNING), (301, Job.Status.PENDING)]
)
def test_the_sweep_requeues_an_idempotent_job_after_the_heartbeat_timeout(
    sample_kind, settings, seconds, status
):
    settings.JOB_HEARTBEAT_TIMEOUT = 300
    job = running_job()
    with time_machine.travel(at(seconds), tick=False), pytest.MonkeyPatch.context() as mp:
        mp.setattr(services, "_send", lambda job: None)  # not run: its state is the point
        jobs_sweep(now=at(seconds))

    job.refresh_from_db()
    assert job.status == status


def test_a_requeued_job_runs_again_from_the_start(sample_kind, django_capture_on_commit_callbacks):
    job = running_job(attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        result = jobs_sweep(now=at(301))

    job.refresh_from_db()
    assert result == {"requeued": 1, "failed": 0}
    assert (job.status, job.attempts) == (Job.Status.DONE, 2)


def test_the_sweep_fails_a_job_that_used_its_attempts(sample_kind):
    job = running_job(attempts=3)

    result = jobs_sweep(now=at(301))

    job.refresh_from_db()
    assert result == {"requeued": 0, "failed": 1}
    assert (job.status, job.error) == (Job.Status.FAILED, WORKER_LOST)
    assert job.get_status_display() == "Échec — relancer"


def test_the_sweep_fails_a_dead_job_whose_task_is_not_idempotent(sample_kind):
    sample_kind(idempotent=False)
    job = running_job(attempts=1)

    jobs_sweep(now=at(301))

    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, WORKER_LOST)


def test_a_job_never_picked_up_is_queued_again_then_failed(
    sample_kind, settings, django_capture_on_commit_callbacks
):
    settings.JOB_QUEUE_TIMEOUT = 900
    sample_kind(max_attempts=1)
    job = SampleJob.objects.create(requested_at=T0, queued_at=T0, attempts=1)

    assert jobs_sweep(now=at(899)) == {"requeued": 0, "failed": 0}
    jobs_sweep(now=at(901))

    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, NEVER_STARTED)


def test_two_sweeps_act_once(sample_kind, monkeypatch):
    sent = []
    monkeypatch.setattr(services, "_send", sent.append)
    job = running_job()
    stale_copy = SampleJob.objects.get(pk=job.pk)

    first = services.job_sweep(job=job, now=at(301))
    second = services.job_sweep(job=stale_copy, now=at(301))

    assert (first, second) == ("requeued", "")
    assert len(sent) == 1


def test_the_page_sweeps_the_job_it_shows(sample_kind):
    job = running_job(attempts=3)

    shown = job_refresh(job=job, now=at(301))

    assert shown.status == Job.Status.FAILED


def test_the_page_costs_no_query_for_a_job_that_is_alive(sample_kind, django_assert_num_queries):
    job = running_job(heartbeat=at(200))

    with django_assert_num_queries(0):
        job_refresh(job=job, now=at(301))


def test_the_command_sweeps(sample_kind, capsys):
    running_job(attempts=3)

    with time_machine.travel(at(301), tick=False):
        call_command("sweep_jobs")

    assert capsys.readouterr().out.strip() == "0 traitement relancé, 1 marqué en échec."


def test_the_component_shows_state_progress_and_a_retry_button(sample_kind):
    running = running_job(heartbeat=at(0))
    failed = SampleJob(status=Job.Status.FAILED, error=WORKER_LOST)
    request = RequestFactory().get("/")

    shown = render_to_string(
        "components/job_status.html", {"job": running, "label": "Import"}, request=request
    )
    failed_html = render_to_string(
        "components/job_status.html", {"job": failed, "retry_url": "/relancer/"}, request=request
    )

    assert 'value="40"' in shown and "Écriture" in shown and "En cours" in shown
    assert "style=" not in shown
    assert WORKER_LOST.replace("'", "&#x27;") in failed_html
    assert 'action="/relancer/"' in failed_html and "csrfmiddlewaretoken" in failed_html
