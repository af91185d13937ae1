"""The outbox's hot statements keep to the primary key when PostgreSQL's statistics predate a
wave of pending messages (taken when nearly every row had been sent), and queuing a wave takes
the statistics again.

Found by the sending bench: with such statistics the planner read each claim through the status
index, every pending row of the wave scanned for each message (2.9 ms a claim against 0.6 ms).

ANALYZE writes the table's row and page counts in place: a rollback does not undo them, so the
fixture takes its own statistics first and no test depends on what an earlier one left.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coopqualite.outbox.services.dispatch import outbox_enqueue
from coopqualite.outbox.services.sending import outbox_send
from enquetes.models import Message
from enquetes.services.sending import messages_plan
from tests.enquetes.factories import campaign_launched

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner and statistics"
)

KIND = "enquetes.message"


def explain(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        return cursor.fetchone()[0][0]["Plan"]


def index_names(plan: dict) -> set[str]:
    names = {plan["Index Name"]} if "Index Name" in plan else set()
    for child in plan.get("Plans", []):
        names |= index_names(child)
    return names


@pytest.fixture
def wave_after_statistics(coop_a, programme_a):
    """Three real invitations with their e-mail planned, and 3,000 other messages: statistics
    taken while all 3,000 were sent, then 2,000 of them pending again (not due for a day)."""
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=3)
    now = timezone.now()
    messages_plan(now=now, campaign=campaign)
    invitation = campaign.invitations.order_by("pk").first()
    Message.objects.bulk_create(
        Message(invitation=invitation, number=n, status="sent", sent_at=now) for n in range(1, 3001)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enquetes_message")
    Message.objects.filter(invitation=invitation, number__range=(1, 2000)).update(
        status="pending", sent_at=None, next_attempt_at=now + dt.timedelta(days=1)
    )
    return campaign


def test_each_claim_finds_its_message_by_primary_key_whatever_the_statistics(
    wave_after_statistics, smtp_server
):
    ids = list(
        Message.objects.filter(invitation__campaign=wave_after_statistics, number=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    with CaptureQueriesContext(connection) as queries:
        report = outbox_send(kind=KIND, ids=ids)
    steps = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("WITH written AS")]

    assert report.sent == 3
    assert len(steps) == 2  # the outcome of the first and second message, with the next claim
    for sql in steps:
        assert index_names(explain(sql)) == {"enquetes_message_pkey"}


def test_queuing_a_thousand_messages_takes_the_statistics_again(wave_after_statistics):
    ids = list(
        Message.objects.filter(status="pending", number__gte=1)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    assert explain("SELECT id FROM enquetes_message WHERE status = 'pending'")["Plan Rows"] < 10

    # The statistics are taken by a callback registered before the send tasks' (eager here);
    # the rows are not due for a day, so those tasks send nothing.
    with TestCase.captureOnCommitCallbacks(execute=True):
        outbox_enqueue(kind=KIND, ids=ids, now=timezone.now())

    # 2,000 of the wave and the 3 invitations: 2,003 of 3,003 rows, every row sampled.
    assert explain("SELECT id FROM enquetes_message WHERE status = 'pending'")["Plan Rows"] == 2003


def test_queuing_fewer_than_a_thousand_messages_leaves_the_statistics_alone(
    wave_after_statistics,
):
    ids = list(
        Message.objects.filter(status="pending", number__gte=1)
        .order_by("pk")
        .values_list("pk", flat=True)[:999]
    )

    with TestCase.captureOnCommitCallbacks(execute=True):
        outbox_enqueue(kind=KIND, ids=ids, now=timezone.now())

    assert explain("SELECT id FROM enquetes_message WHERE status = 'pending'")["Plan Rows"] < 10
