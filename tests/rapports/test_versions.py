"""A report's life: a draft the director writes, previews and approves; an approved version is
frozen, dated and signed; a new version is a new draft copied from the last one."""

import datetime as dt
import html

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from coopqualite.jobs.services import BROKER_DOWN
from enquetes.models import Answer, Question, Response
from rapports.models import Report, ReportVersion
from rapports.services.versions import report_version_open
from tests.enquetes.factories import campaign_create
from tests.faults import broker_at, closed_port
from tests.rapports.pdftext import flat, pages_text
from tests.rapports.test_views import messages_of

YEAR = 2025
NOW = dt.datetime(2026, 2, 10, 9, 30, tzinfo=dt.UTC)
TODAY = dt.date(2026, 2, 10)
FROZEN = "Cette version est approuvée : elle ne change plus. Créez une nouvelle version."


def respond(campaign, n: int, comment: str = "Accueil chaleureux") -> None:
    questions = {q.key: q for q in Question.objects.filter(questionnaire=campaign.questionnaire)}
    for _ in range(n):
        response = Response.objects.create(campaign=campaign, completed=True)
        Answer.objects.create(
            response=response, question=questions["satisfaction_globale"], value="tres_satisfait"
        )
        Answer.objects.create(response=response, question=questions["commentaire"], text=comment)


@pytest.fixture
def closed(coop_a):
    campaign = campaign_create(
        cooperative=coop_a, name="Triennale 2025", opens_on=dt.date(YEAR, 3, 1),
        launched_at=timezone.now(), anonymous=True,
    )  # fmt: skip
    respond(campaign, 5)
    return campaign


@pytest.fixture
def running(coop_a):
    """A test campaign still open: one answer, a raw complaint."""
    campaign = campaign_create(
        cooperative=coop_a, name="Campagne de test", opens_on=dt.date(YEAR, 12, 1),
        days_open=120, launched_at=timezone.now(), anonymous=False,
    )  # fmt: skip
    respond(campaign, 1, comment="Scandaleux, personne ne répond")
    return campaign


@pytest.fixture
def draft(coop_a, closed, running):
    return report_version_open(cooperative=coop_a, year=YEAR, user=None, today=TODAY)


def test_a_first_draft_presents_the_closed_campaigns_of_the_year_not_the_running_ones(
    draft, closed
):
    assert (draft.number, draft.state) == (1, ReportVersion.State.DRAFT)
    assert list(draft.campaigns.all()) == [closed]
    assert draft.quotes == []


def test_opening_the_year_again_gives_the_same_draft(coop_a, draft):
    again = report_version_open(cooperative=coop_a, year=YEAR, user=None, today=TODAY)

    assert again.pk == draft.pk
    assert ReportVersion.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_draft_form_offers_only_closed_campaigns_unless_asked(
    client, director_a, draft, running
):
    client.force_login(director_a)
    url = reverse("report_version_edit", args=[draft.pk])

    assert "Campagne de test" not in client.get(url).content.decode()
    offered = client.get(url + "?en_cours=1").content.decode()
    assert (
        "Campagne de test (enquête triennale, du 1er décembre 2025 au 31 mars 2026) — en cours"
        in offered
    )


@time_machine.travel(NOW, tick=False)
def test_a_comment_is_quoted_once_the_director_ticks_it(client, director_a, draft, closed):
    client.force_login(director_a)
    url = reverse("report_version_edit", args=[draft.pk])
    form = client.get(url).context["form"]
    (key,) = [key for key, (_, text) in form.texts.items() if text == "Accueil chaleureux"]

    response = client.post(url, {"campaigns": [closed.pk], "quotes": [key]})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.quotes == [{"campaign": closed.pk, "text": "Accueil chaleureux"}]


@time_machine.travel(NOW, tick=False)
def test_the_comments_of_a_campaign_under_five_respondents_are_not_offered(
    client, director_a, coop_a, draft
):
    small = campaign_create(
        cooperative=coop_a, name="Petite enquête", opens_on=dt.date(YEAR, 2, 1),
        launched_at=timezone.now(), anonymous=True,
    )  # fmt: skip
    respond(small, 4, comment="Texte de quatre personnes")
    draft.campaigns.add(small)
    client.force_login(director_a)

    form = client.get(reverse("report_version_edit", args=[draft.pk])).context["form"]

    assert [text for _, text in form.texts.values()] == ["Accueil chaleureux"]


def test_each_change_of_the_draft_is_in_its_history(client, director_a, draft, closed):
    client.force_login(director_a)

    client.post(
        reverse("report_version_edit", args=[draft.pk]),
        {"campaigns": [closed.pk], "foreword": "Une année d'écoute."},
    )

    page = client.get(reverse("report_version_detail", args=[draft.pk])).content.decode()
    assert "<strong>éditorial</strong> : — → Une année d&#x27;écoute." in page


@time_machine.travel(NOW, tick=False)
def test_the_director_approves_and_the_pdf_is_dated_and_signed_by_name(
    client, director_a, draft, django_capture_on_commit_callbacks
):
    director_a.first_name, director_a.last_name = "Marc", "Lenoir"
    director_a.save()
    client.force_login(director_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("report_version_approve", args=[draft.pk]))

    draft.refresh_from_db()
    final = Report.objects.get(version=draft, final=True)
    assert response.url == reverse("report_detail", args=[final.pk])
    assert (draft.state, draft.approved_at, draft.approved_by_name) == (
        ReportVersion.State.APPROVED, NOW, "Marc Lenoir",
    )  # fmt: skip
    assert final.status == Report.Status.DONE
    with final.file.open("rb") as stored:
        cover = flat(pages_text(stored.read())[0])
    assert "Version 1 approuvée le 10 février 2026 par Marc Lenoir" in cover


@time_machine.travel(NOW, tick=False)
def test_an_approved_version_is_not_edited_rebuilt_or_approved_again(
    client, director_a, draft, django_capture_on_commit_callbacks
):
    client.force_login(director_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("report_version_approve", args=[draft.pk]))
    final = Report.objects.get(version=draft, final=True)
    frozen_file = final.file.name

    edit = client.post(reverse("report_version_edit", args=[draft.pk]), {"foreword": "Autre"})
    again = client.post(reverse("report_version_approve", args=[draft.pk]))
    build = client.post(reverse("report_version_build", args=[draft.pk]))

    assert messages_of(edit)[-1] == FROZEN
    assert messages_of(again)[-1] == FROZEN
    assert build.status_code == 302
    assert Report.objects.filter(version=draft).count() == 1
    final.refresh_from_db()
    assert final.status == Report.Status.DONE
    assert final.file.name == frozen_file != ""
    draft.refresh_from_db()
    assert draft.foreword == ""


def test_the_board_may_not_approve(client, board_a, draft):
    client.force_login(board_a)

    assert client.post(reverse("report_version_approve", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.state == ReportVersion.State.DRAFT


@time_machine.travel(NOW, tick=False)
def test_a_new_version_is_a_draft_copied_from_the_approved_one(
    client, director_a, coop_a, draft, closed
):
    ReportVersion.objects.filter(pk=draft.pk).update(
        foreword="Éditorial v1", quotes=[{"campaign": closed.pk, "text": "Accueil chaleureux"}]
    )
    client.force_login(director_a)
    client.post(reverse("report_version_approve", args=[draft.pk]))

    response = client.post(reverse("report_new"), {"cooperative": coop_a.pk, "year": YEAR})

    second = ReportVersion.objects.get(number=2)
    assert response.url == reverse("report_version_detail", args=[second.pk])
    assert second.state == ReportVersion.State.DRAFT
    assert second.foreword == "Éditorial v1"
    assert second.quotes == [{"campaign": closed.pk, "text": "Accueil chaleureux"}]
    assert list(second.campaigns.all()) == [closed]
    assert ReportVersion.objects.get(number=1).state == ReportVersion.State.APPROVED


def test_a_build_asked_while_the_broker_is_down_fails_with_a_french_message(
    client, director_a, draft, django_capture_on_commit_callbacks
):
    client.force_login(director_a)

    with (
        broker_at(f"redis://127.0.0.1:{closed_port()}/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("report_version_build", args=[draft.pk]))

    report = Report.objects.get()
    assert response.status_code == 302
    assert report.status == Report.Status.FAILED
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert html.escape(BROKER_DOWN) in page
    assert reverse("report_retry", args=[report.pk]) in page


def test_a_failed_build_is_built_again_on_retry(
    client, director_a, draft, django_capture_on_commit_callbacks
):
    report = Report.objects.create(
        cooperative=draft.cooperative, version=draft, year=YEAR, status=Report.Status.FAILED
    )
    client.force_login(director_a)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("report_retry", args=[report.pk]))

    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    assert report.file.name != ""


def test_a_build_whose_worker_died_is_built_again_by_the_page_that_shows_it(
    client, director_a, draft, settings, django_capture_on_commit_callbacks
):
    """The worker was killed mid-build: running, and no sign of life for longer than
    JOB_HEARTBEAT_TIMEOUT. Opening its page sweeps it: queued again, and (eager) built."""
    long_ago = timezone.now() - dt.timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT + 60)
    report = Report.objects.create(
        cooperative=draft.cooperative, version=draft, year=YEAR, status=Report.Status.RUNNING,
        progress=40, started_at=long_ago, heartbeat_at=long_ago, attempts=1,
    )  # fmt: skip
    client.force_login(director_a)

    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("report_detail", args=[report.pk]))

    report.refresh_from_db()
    assert (report.status, report.attempts) == (Report.Status.DONE, 2)
    assert report.file.name != ""


def test_a_build_that_died_too_often_is_failed_with_a_retry_button(
    client, director_a, draft, settings
):
    long_ago = timezone.now() - dt.timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT + 60)
    report = Report.objects.create(
        cooperative=draft.cooperative, version=draft, year=YEAR, status=Report.Status.RUNNING,
        progress=40, started_at=long_ago, heartbeat_at=long_ago, attempts=3,
    )  # fmt: skip
    client.force_login(director_a)

    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "Échec — relancer." in page
    assert reverse("report_retry", args=[report.pk]) in page
