"""Requesting, following and downloading annual reports; who may do what; the operators' command."""

import io
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import empty

from coopqualite.jobs.services import UNEXPECTED
from coopqualite.pdf import render_pdf
from coopqualite.storage import private_storage
from rapports.models import Report, ReportVersion
from rapports.services.building import report_build
from tests.rapports.scenario import YEAR

TEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@pytest.fixture(scope="module")
def small_pdf() -> bytes:
    """A PDF from the real renderer, for report rows that the tests do not need to build."""
    with override_settings(STORAGES=TEST_STORAGES):
        pdf = render_pdf("rapports/report.html", {"cooperative": {"name": "Coop A"}, "year": YEAR})
    return pdf.content


def draft_of(cooperative) -> ReportVersion:
    return ReportVersion.objects.get_or_create(cooperative=cooperative, year=YEAR)[0]


@pytest.fixture
def done_report(coop_a, director_a, small_pdf):
    report = Report.objects.create(
        cooperative=coop_a, year=YEAR, version=draft_of(coop_a), built_by=director_a,
        status=Report.Status.DONE,
        progress=100, step="Prêt", pages=1, size=len(small_pdf), finished_at=timezone.now(),
    )  # fmt: skip
    report.file.save(f"coop-a-{YEAR}-{report.pk}.pdf", ContentFile(small_pdf))
    return report


def request_build(client, user, cooperative, callbacks, *, execute=True):
    """POST a preview build of the year's draft as `user`; the worker's task runs once the
    transaction commits."""
    version = draft_of(cooperative)
    client.force_login(user)
    with callbacks(execute=execute) as captured:
        response = client.post(reverse("report_version_build", args=[version.pk]))
    return response, captured


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def private_pdfs(settings) -> list[Path]:
    return sorted((Path(settings.PRIVATE_MEDIA_ROOT) / "reports").glob("*.pdf"))


# The director's journey ------------------------------------------------------------------------


def test_a_director_requests_a_build_and_finds_it_ready_to_download(
    client, director_a, coop_a, django_capture_on_commit_callbacks
):
    response, _ = request_build(client, director_a, coop_a, django_capture_on_commit_callbacks)

    report = Report.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("report_detail", args=[report.pk])
    assert (report.status, report.year, report.built_by) == (Report.Status.DONE, YEAR, director_a)
    page = client.get(response.url).content.decode()
    assert "Le rapport est prêt" in page
    assert reverse("report_download", args=[report.pk]) in page
    assert 'http-equiv="refresh"' not in page


def test_a_preview_download_is_a_pdf_attachment_named_after_the_cooperative_and_year(
    client, director_a, done_report
):
    client.force_login(director_a)

    response = client.get(reverse("report_download", args=[done_report.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="rapport-rse-coop-a-{YEAR}-apercu.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_every_build_is_kept_and_stays_downloadable(
    client, director_a, coop_a, settings, django_capture_on_commit_callbacks
):
    request_build(client, director_a, coop_a, django_capture_on_commit_callbacks)
    request_build(client, director_a, coop_a, django_capture_on_commit_callbacks)

    reports = list(Report.objects.order_by("pk"))
    assert [r.status for r in reports] == [Report.Status.DONE, Report.Status.DONE]
    assert len({r.file.name for r in reports}) == 2
    assert len(private_pdfs(settings)) == 2
    for report in reports:
        download = client.get(reverse("report_download", args=[report.pk]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_pending_report_shows_its_progress_and_refreshes_itself(client, director_a, coop_a):
    report = Report.objects.create(
        cooperative=coop_a, year=YEAR, progress=40, step="Mise en page du PDF"
    )
    client.force_login(director_a)

    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()

    assert '<meta http-equiv="refresh" content="3">' in page
    assert '<progress max="100" value="40"' in page
    assert "Mise en page du PDF…" in page
    assert "Télécharger le PDF" not in page


def test_a_pending_report_cannot_be_downloaded_yet(client, director_a, coop_a):
    report = Report.objects.create(cooperative=coop_a, year=YEAR)
    client.force_login(director_a)

    assert client.get(reverse("report_download", args=[report.pk])).status_code == 404


# Roles -----------------------------------------------------------------------------------------


def test_staff_see_the_list_of_reports(client, staff_a, done_report):
    client.force_login(staff_a)

    response = client.get(reverse("report_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("report_version_detail", args=[done_report.version_id]) in page
    assert "Ouvrir le brouillon" not in page


def test_staff_may_preview_the_report(client, staff_a, coop_a):
    client.force_login(staff_a)

    response = client.get(reverse("report_preview", args=[draft_of(coop_a).pk]))

    assert response.status_code == 200
    assert "Notes de méthode" in response.content.decode()


def test_staff_may_not_request_a_build(client, staff_a, coop_a, django_capture_on_commit_callbacks):
    response, captured = request_build(
        client, staff_a, coop_a, django_capture_on_commit_callbacks, execute=False
    )

    assert response.status_code == 403
    assert not Report.objects.exists()
    assert captured == []


def test_staff_may_not_download_a_report(client, staff_a, done_report):
    client.force_login(staff_a)

    assert client.get(reverse("report_download", args=[done_report.pk])).status_code == 403


def test_staff_are_offered_no_download_link(client, staff_a, done_report):
    client.force_login(staff_a)

    page = client.get(reverse("report_detail", args=[done_report.pk])).content.decode()

    assert "Le rapport est prêt" in page
    assert reverse("report_download", args=[done_report.pk]) not in page


def test_the_board_may_request_a_build(client, board_a, coop_a, django_capture_on_commit_callbacks):
    response, captured = request_build(
        client, board_a, coop_a, django_capture_on_commit_callbacks, execute=False
    )

    report = Report.objects.get()
    assert response.url == reverse("report_detail", args=[report.pk])
    assert (report.cooperative, report.built_by, report.status) == (
        coop_a, board_a, Report.Status.PENDING,
    )  # fmt: skip
    assert len(captured) == 1  # the worker's task, sent once the request commits


def test_a_federation_reader_may_build_for_a_cooperative_of_its_federation(
    client, federation_a, coop_a, django_capture_on_commit_callbacks
):
    response, captured = request_build(
        client, federation_a, coop_a, django_capture_on_commit_callbacks, execute=False
    )

    report = Report.objects.get()
    assert response.url == reverse("report_detail", args=[report.pk])
    assert (report.cooperative, report.built_by) == (coop_a, federation_a)
    assert len(captured) == 1


def test_a_federation_reader_may_not_build_for_a_cooperative_of_another_federation(
    client, federation_a, coop_b, django_capture_on_commit_callbacks
):
    response, captured = request_build(
        client, federation_a, coop_b, django_capture_on_commit_callbacks, execute=False
    )

    assert response.status_code == 404
    assert not Report.objects.exists()
    assert captured == []


def test_a_year_that_is_not_offered_is_refused(
    client, director_a, coop_a, django_capture_on_commit_callbacks
):
    client.force_login(director_a)

    with django_capture_on_commit_callbacks(execute=False) as captured:
        response = client.post(reverse("report_new"), {"cooperative": coop_a.pk, "year": 1999})

    assert response.url == reverse("report_list")
    assert not ReportVersion.objects.exists()
    assert captured == []


def test_an_outsider_cannot_see_a_report_of_another_cooperative(client, staff_b, done_report):
    client.force_login(staff_b)

    assert client.get(reverse("report_detail", args=[done_report.pk])).status_code == 404


def test_an_outsider_cannot_download_a_report_of_another_cooperative(
    client, federation_b, done_report
):
    client.force_login(federation_b)

    assert client.get(reverse("report_download", args=[done_report.pk])).status_code == 404


def test_an_outsider_cannot_preview_another_cooperative(client, staff_b, coop_a):
    client.force_login(staff_b)

    assert client.get(reverse("report_preview", args=[draft_of(coop_a).pk])).status_code == 404


# The worker ------------------------------------------------------------------------------------


def test_a_failed_build_is_marked_failed_with_a_french_message(
    client, director_a, coop_a, settings, tmp_path
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the reports folder should be")
    settings.PRIVATE_MEDIA_ROOT = blocked
    private_storage._wrapped = empty
    report = Report.objects.create(cooperative=coop_a, year=YEAR, built_by=director_a)

    report_build(report=report)

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.error == UNEXPECTED
    assert report.finished_at is not None
    client.force_login(director_a)
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "Échec — relancer." in page
    assert reverse("report_retry", args=[report.pk]) in page
    assert 'http-equiv="refresh"' not in page


def test_a_duplicated_task_builds_nothing_more(coop_a, settings):
    report = Report.objects.create(cooperative=coop_a, year=YEAR)
    first = report_build(report=report)

    second = report_build(report=Report.objects.get(pk=report.pk))

    assert first.status == Report.Status.DONE
    assert second is None
    assert Report.objects.get(pk=report.pk).finished_at == first.finished_at
    assert len(private_pdfs(settings)) == 1


def test_a_report_claimed_by_another_worker_is_left_to_it(coop_a, settings):
    report = Report.objects.create(cooperative=coop_a, year=YEAR, status=Report.Status.RUNNING)

    assert report_build(report=report) is None

    report.refresh_from_db()
    assert (report.status, report.file.name) == (Report.Status.RUNNING, "")
    assert private_pdfs(settings) == []


# The operators' command ------------------------------------------------------------------------


def test_the_command_writes_the_report_to_a_pdf_file(coop_a, tmp_path):
    output, stdout = tmp_path / "rapport.pdf", io.StringIO()

    call_command("build_report", cooperative="coop-a", year=YEAR, output=str(output), stdout=stdout)

    report = Report.objects.get()
    assert output.read_bytes().startswith(b"%PDF-")
    assert output.stat().st_size == report.size
    assert f"{output} : {report.pages} pages, {report.size} octets." in stdout.getvalue()
    assert report.built_by is None


def test_the_command_refuses_an_unknown_cooperative_in_french(coop_a, tmp_path):
    output = tmp_path / "rapport.pdf"

    with pytest.raises(CommandError, match="^Coopérative inconnue : inconnue$"):
        call_command("build_report", cooperative="inconnue", year=YEAR, output=str(output))

    assert not output.exists()
    assert not Report.objects.exists()


def test_the_command_refuses_an_implausible_year_in_french(coop_a, tmp_path):
    with pytest.raises(CommandError, match="^Année invalide : 1850$"):
        call_command(
            "build_report", cooperative="coop-a", year=1850, output=str(tmp_path / "r.pdf")
        )

    assert not Report.objects.exists()
