"""One meaning of "open" and "late" for actions (Action.open_q / late_q), wherever they are
counted: the scorecard, the federation page, the action pages and the annual report."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cooperatives.models import Cooperative
from engagements.models import Action, Commitment
from engagements.selectors import commitments_with_counts, cooperative_summaries
from rapports.models import ReportVersion
from rapports.selectors import report_context
from tests.engagements.factories import ActionFactory


def report_of(cooperative, year: int) -> dict:
    """What the report of `year` says today (a draft with no campaign chosen)."""
    return report_context(
        version=ReportVersion(cooperative=cooperative, year=year), today=timezone.localdate()
    )


PARIS = ZoneInfo("Europe/Paris")
DAY = dt.date(2026, 5, 15)


@pytest.fixture
def actions(coop_a):
    """Seven actions of commitment 1 around DAY; the titles say which are open and late."""
    commitment = Commitment.objects.get(cooperative=coop_a, number=1)
    before, after = DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1)
    for title, status, due in [
        ("late planned", "planned", before),
        ("late in progress", "in_progress", before),
        ("open due that day", "planned", DAY),
        ("open due after", "in_progress", after),
        ("open without due date", "planned", None),
        ("done past due", "done", before),
        ("abandoned past due", "abandoned", before),
    ]:
        ActionFactory(
            cooperative=coop_a, title=title, status=status, due_date=due,
            completed_on=before if status == "done" else None, commitments=[commitment],
        )  # fmt: skip
    return commitment


def test_the_queryset_and_the_instance_agree_on_late_and_open(actions):
    assert {a.title for a in Action.objects.late(DAY)} == {"late planned", "late in progress"}
    assert {a.title for a in Action.objects.all() if a.is_late(DAY)} == {
        "late planned",
        "late in progress",
    }
    assert Action.objects.open().count() == 5
    assert sum(a.is_open for a in Action.objects.all()) == 5


def test_counts_through_a_relation_agree_with_the_queryset(coop_a, actions):
    counted = commitments_with_counts(Commitment.objects.filter(pk=actions.pk), DAY).get()
    summary = cooperative_summaries(Cooperative.objects.filter(pk=coop_a.pk), DAY)[0].summary

    assert (counted.open_actions, counted.late_actions) == (5, 2)
    assert (summary["open_actions"], summary["late_actions"]) == (5, 2)


def test_the_report_counts_as_late_the_actions_late_on_the_31st_of_december(coop_a, actions):
    with time_machine.travel(dt.datetime(2027, 2, 1, 10, tzinfo=PARIS), tick=False):
        # Report of 2026: on 31 December 2026 every open action with a due date is late.
        context = report_context(
            version=ReportVersion(cooperative=coop_a, year=2026), today=timezone.localdate()
        )
    section = next(s for s in context["sections"] if s.commitment == actions)

    assert context["figures"]["actions_late"] == 4
    assert {a.title for a in section.late} == {
        "late planned",
        "late in progress",
        "open due that day",
        "open due after",
    }
    assert {a.title for a in section.done} == {"done past due"}


def test_an_action_done_after_the_31st_of_december_was_late_on_it(coop_a):
    commitment = Commitment.objects.get(cooperative=coop_a, number=1)
    for title, completed_on in [
        ("done in February", dt.date(2026, 2, 10)),
        ("done on the 31st", dt.date(2025, 12, 31)),
    ]:
        ActionFactory(
            cooperative=coop_a, title=title, status="done", due_date=dt.date(2025, 6, 30),
            completed_on=completed_on, commitments=[commitment],
        )  # fmt: skip

    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=PARIS), tick=False):
        context = report_of(coop_a, 2025)
    section = next(s for s in context["sections"] if s.commitment == commitment)

    assert {a.title for a in section.late} == {"done in February"}
    assert {a.title for a in section.done} == {"done on the 31st"}
    assert context["figures"]["actions_late"] == 1
    assert {a.title for a in Action.objects.late(dt.date(2025, 12, 31))} == {"done in February"}
    assert not Action.objects.late(dt.date(2026, 3, 2)).exists()  # done now: not late today


def test_the_commitment_page_marks_the_late_actions_only(client, staff_a, actions):
    client.force_login(staff_a)
    with time_machine.travel(dt.datetime(2026, 5, 15, 10, tzinfo=PARIS), tick=False):
        response = client.get(reverse("commitment_detail", args=[actions.pk]))

    rows = response.content.decode().split("<tr>")[1:]  # one row per action
    marked = {re.search(r">([^<]+)</a>", row).group(1) for row in rows if "En retard" in row}
    assert marked == {"late planned", "late in progress"}
