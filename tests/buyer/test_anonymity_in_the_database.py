"""Anonymity against someone who reads the database: an anonymous answer is sealed into a pool in
the transaction that marks the invitation answered, and becomes a response later, in another
transaction, shuffled among others. Neither PostgreSQL's transaction ids (`xmin`) nor the rows'
physical order (`ctid`) nor their keys tie a response to its invitation.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from enquetes.answering.saving import response_save_page, response_submit
from enquetes.models import Invitation, Response, SealedResponse
from enquetes.selectors import respondents_count
from enquetes.services.pool import pool_flush
from tests.buyer.conftest import make_campaign, make_invitation, questions_by_key

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("xmin et ctid : PostgreSQL seulement (DATABASE_URL)")


def answered_in_turn(campaign, count: int, *, now: dt.datetime = NOW) -> list[Invitation]:
    """`count` invitees answer one after the other, each with a comment naming their rank."""
    questions = questions_by_key(campaign)
    asked = [questions["satisfaction_globale"], questions["commentaire"]]
    invitations = []
    for rank in range(1, count + 1):
        invitation = make_invitation(campaign, last_name=f"Invité {rank}")
        cleaned = {asked[0].pk: "tres_satisfait", asked[1].pk: f"Réponse {rank}"}
        at = now + dt.timedelta(minutes=rank)
        response_save_page(invitation=invitation, questions=asked, cleaned=cleaned, now=at)
        response_submit(invitation=invitation, now=at)
        invitations.append(invitation)
    return invitations


def joined_on_xmin(table: str) -> int:
    """How many rows of `table` share their transaction id with an invitation."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {table} t JOIN enquetes_invitation i ON t.xmin = i.xmin"  # noqa: S608
        )
        return cursor.fetchone()[0]


def comments_in(order_by: str) -> list[str]:
    """The comments of the responses, in the order of `order_by` on the response table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.text FROM enquetes_response r JOIN enquetes_answer a ON a.response_id = r.id"
            f" WHERE a.text <> '' ORDER BY r.{order_by}"  # noqa: S608
        )
        return [text for (text,) in cursor.fetchall()]


IN_TURN = [f"Réponse {rank}" for rank in range(1, 9)]


@pytest.mark.django_db(transaction=True)
def test_no_response_or_answer_shares_a_transaction_id_with_an_invitation(coop_a):
    postgresql_only()
    campaign = make_campaign(coop_a)
    answered_in_turn(campaign, 8)
    assert joined_on_xmin("enquetes_sealedresponse") == 8  # the join works: the pool is named

    pool_flush(now=NOW + dt.timedelta(hours=1), seed=7)

    assert not SealedResponse.objects.exists()
    assert Response.objects.count() == 8
    assert joined_on_xmin("enquetes_response") == 0
    assert joined_on_xmin("enquetes_answer") == 0


@pytest.mark.django_db(transaction=True)
def test_in_a_named_campaign_the_same_join_names_every_respondent(coop_a):
    postgresql_only()
    campaign = make_campaign(coop_a, anonymous=False)
    answered_in_turn(campaign, 3)

    assert joined_on_xmin("enquetes_response") == 3


@pytest.mark.django_db(transaction=True)
def test_the_physical_order_of_the_responses_does_not_follow_the_order_of_answering(coop_a):
    postgresql_only()
    campaign = make_campaign(coop_a)
    answered_in_turn(campaign, 8)

    pool_flush(now=NOW + dt.timedelta(hours=1), seed=7)

    assert sorted(comments_in("ctid")) == sorted(IN_TURN)
    assert comments_in("ctid") != IN_TURN
    assert comments_in("id") != IN_TURN


@pytest.mark.django_db(transaction=True)
def test_two_flushes_of_the_same_answers_with_other_seeds_write_them_in_other_orders(coop_a):
    postgresql_only()
    orders = []
    for seed in (7, 8):
        Response.objects.all().delete()
        answered_in_turn(make_campaign(coop_a), 8)
        pool_flush(now=NOW + dt.timedelta(hours=1), seed=seed)
        orders.append(comments_in("ctid"))

    assert orders[0] != orders[1]


def test_answers_wait_in_the_pool_and_count_in_the_results_once_flushed(coop_a, settings):
    settings.ANONYMOUS_POOL_SIZE = 5
    campaign = make_campaign(coop_a)
    answered_in_turn(campaign, 4)

    assert pool_flush(now=NOW + dt.timedelta(hours=1)).responses == 0
    assert respondents_count(campaign) == 0
    assert Invitation.objects.filter(campaign=campaign).answered().count() == 4

    answered_in_turn(campaign, 1)
    flushed = pool_flush(now=NOW + dt.timedelta(hours=1))

    assert (flushed.campaigns, flushed.responses) == (1, 5)
    assert respondents_count(campaign) == 5
    assert not SealedResponse.objects.exists()


def test_a_pool_that_waited_long_enough_is_flushed_however_small(coop_a, settings):
    settings.ANONYMOUS_POOL_MAX_WAIT = 6 * 3600
    campaign = make_campaign(coop_a)
    answered_in_turn(campaign, 1)  # sealed at NOW + 1 minute

    assert pool_flush(now=NOW + dt.timedelta(hours=6)).responses == 0
    assert pool_flush(now=NOW + dt.timedelta(hours=6, minutes=1)).responses == 1


def test_closing_the_campaign_flushes_its_pool(coop_a):
    campaign = make_campaign(coop_a, closes_in_days=30)
    answered_in_turn(campaign, 1, now=timezone.now())
    closed = timezone.now() + dt.timedelta(days=31)

    assert pool_flush(now=timezone.now()).responses == 0
    assert pool_flush(now=closed).responses == 1
    assert respondents_count(campaign) == 1


def test_the_pool_of_another_campaign_waits(coop_a, settings):
    settings.ANONYMOUS_POOL_SIZE = 2
    full, waiting = make_campaign(coop_a), make_campaign(coop_a)
    answered_in_turn(full, 2)
    answered_in_turn(waiting, 1)

    pool_flush(now=NOW + dt.timedelta(hours=1))

    assert respondents_count(full) == 2
    assert respondents_count(waiting) == 0
    assert SealedResponse.objects.filter(campaign=waiting).count() == 1


def test_a_submitted_anonymous_answer_leaves_no_draft_and_no_link(coop_a):
    campaign = make_campaign(coop_a)
    (invitation,) = answered_in_turn(campaign, 1)

    invitation.refresh_from_db()
    sealed = SealedResponse.objects.get()
    assert invitation.draft == {}
    assert invitation.answered_at is not None
    assert {f.name for f in SealedResponse._meta.get_fields()} == {
        "id", "campaign", "programme", "channel", "entered_by", "answers", "sealed_at",
    }  # fmt: skip
    assert sorted(text for _, _, text in sealed.answers if text) == ["Réponse 1"]
