"""Report builds are throttled per person: one in progress, ten an hour."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from rapports.models import Report
from rapports.throttle import report_request_refusal
from tests.rapports.scenario import YEAR
from tests.rapports.test_views import draft_of, messages_of, request_build

IN_PROGRESS = (
    "Un rapport que vous avez demandé est encore en construction : attendez qu'il soit prêt "
    "avant d'en demander un autre."
)


def past_report(cooperative, user, *, minutes_ago: int, status=Report.Status.DONE) -> Report:
    report = Report.objects.create(cooperative=cooperative, year=YEAR, built_by=user, status=status)
    requested = timezone.now() - dt.timedelta(minutes=minutes_ago)
    Report.objects.filter(pk=report.pk).update(requested_at=requested)
    return report


def test_a_second_build_while_the_first_is_in_progress_is_refused_on_the_report_page(
    client, director_a, coop_a, django_capture_on_commit_callbacks
):
    request_build(client, director_a, coop_a, django_capture_on_commit_callbacks, execute=False)

    response, queued = request_build(
        client, director_a, coop_a, django_capture_on_commit_callbacks, execute=False
    )

    assert response.status_code == 302
    assert response.url == reverse("report_version_detail", args=[draft_of(coop_a).pk])
    assert messages_of(response)[-1] == IN_PROGRESS  # after the first one's "lancée"
    assert queued == []
    assert Report.objects.count() == 1
    page = client.get(response.url).content.decode()
    assert "encore en construction" in page


def test_the_eleventh_build_within_an_hour_is_refused_with_the_wait_in_minutes(
    client, director_a, coop_a, django_capture_on_commit_callbacks
):
    for minutes_ago in (50, 45, 40, 35, 30, 25, 20, 15, 10, 5):
        past_report(coop_a, director_a, minutes_ago=minutes_ago)

    response, _ = request_build(client, director_a, coop_a, django_capture_on_commit_callbacks)

    assert messages_of(response) == [
        "Vous avez demandé 10 rapports au cours de la dernière heure, le plus que le portail "
        "accepte : réessayez dans 10 minutes."
    ]
    assert Report.objects.count() == 10


def test_nine_builds_within_an_hour_and_older_ones_leave_room_for_another(
    client, director_a, coop_a, django_capture_on_commit_callbacks
):
    for minutes_ago in (70, 65, 50, 45, 40, 35, 30, 25, 20, 15, 10):
        past_report(coop_a, director_a, minutes_ago=minutes_ago)

    response, _ = request_build(client, director_a, coop_a, django_capture_on_commit_callbacks)

    assert messages_of(response) == ["Construction de l'aperçu lancée."]
    assert Report.objects.count() == 12


def test_a_build_lost_for_more_than_half_an_hour_no_longer_blocks_its_author(director_a, coop_a):
    past_report(coop_a, director_a, minutes_ago=31, status=Report.Status.PENDING)

    assert report_request_refusal(user=director_a, now=timezone.now()) is None


def test_a_build_of_the_last_half_hour_still_blocks_its_author(director_a, coop_a):
    past_report(coop_a, director_a, minutes_ago=29, status=Report.Status.RUNNING)

    assert report_request_refusal(user=director_a, now=timezone.now()) == IN_PROGRESS


def test_someone_elses_build_in_progress_does_not_block_another_user(board_a, director_a, coop_a):
    past_report(coop_a, director_a, minutes_ago=1, status=Report.Status.PENDING)

    assert report_request_refusal(user=board_a, now=timezone.now()) is None


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_of_one_user_are_counted_in_turn(director_a, coop_a):
    """The first request holds the lock until it has recorded its report; the second, from
    another connection, waits for it and then sees it in progress."""
    first_checked = threading.Event()
    second_result = {}

    def second_request():
        try:
            with transaction.atomic():
                second_result["refusal"] = report_request_refusal(
                    user=director_a, now=timezone.now()
                )
        finally:
            connection.close()

    with transaction.atomic():
        assert report_request_refusal(user=director_a, now=timezone.now()) is None
        first_checked.set()
        other = threading.Thread(target=second_request)
        other.start()
        other.join(timeout=0.5)
        assert other.is_alive()  # waiting for the first request's lock
        Report.objects.create(cooperative=coop_a, year=YEAR, built_by=director_a)
    other.join(timeout=10)

    assert second_result == {"refusal": IN_PROGRESS}
