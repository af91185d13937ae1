"""Tallies: a campaign's counts are stored by the worker (final once closed, at most once a
minute while it runs) and read instead of its answers; they agree with a recomputation; without
stored counts a page computes them at most once a minute."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enquetes.answering.saving import response_enter
from enquetes.answering.snapshot import snapshot_of
from enquetes.models import Answer, CampaignTally, Invitation, Question, Response
from enquetes.selectors import campaign_results, programme_rates
from enquetes.services.pool import pool_flush
from enquetes.services.tallies import tallies_check, tallies_store
from enquetes.tallies import campaign_counts, counts_compute
from tests import factories
from tests.enquetes.factories import campaign_create

NOW = dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC)
TODAY = NOW.date()


def _respond(campaign, values, *, programme=None, channel="web", n=1):
    """n completed responses (and as many answered invitations) with the given answers."""
    questions = {q.key: q for q in Question.objects.filter(questionnaire=campaign.questionnaire)}
    for _ in range(n):
        Invitation.objects.create(
            campaign=campaign, programme=programme, last_name="Martin",
            expires_at=campaign.closes_at, answered_at=NOW - dt.timedelta(days=3),
        )  # fmt: skip
        response = Response.objects.create(
            campaign=campaign, completed=True, programme=programme, channel=channel
        )
        for key, value in values.items():
            for v in value if isinstance(value, list) else [value]:
                Answer.objects.create(response=response, question=questions[key], value=v)


@pytest.fixture
def closed(coop_a):
    """A closed anonymous campaign: 12 responses over two programmes, two channels, a
    multiple-choice question and two themes."""
    north = factories.ProgrammeFactory(cooperative=coop_a, name="Les Tilleuls")
    south = factories.ProgrammeFactory(cooperative=coop_a, name="Le Verger")
    campaign = campaign_create(
        cooperative=coop_a, launched_at=NOW - dt.timedelta(days=60),
        opens_on=TODAY - dt.timedelta(days=60), days_open=30, anonymous=True,
    )  # fmt: skip
    _respond(
        campaign,
        {"satisfaction_globale": "tres_satisfait", "qualite_logement": "peu_satisfait",
         "points_forts": ["prix", "quartier"]},
        programme=north, n=7,
    )  # fmt: skip
    _respond(
        campaign,
        {"satisfaction_globale": "nsp", "qualite_logement": "assez_satisfait",
         "points_forts": ["prix"]},
        programme=south, channel="paper", n=5,
    )  # fmt: skip
    Invitation.objects.create(campaign=campaign, programme=south, expires_at=campaign.closes_at)
    return campaign


pytestmark = pytest.mark.usefixtures("_frozen_time")


@pytest.fixture
def _frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_closed_campaign_gets_its_counts_stored_once(closed):
    assert tallies_store() == 1
    assert tallies_store() == 0

    counts = CampaignTally.objects.get(campaign=closed).counts
    assert counts["invited"] == 13
    assert counts["answered"] == 12
    assert counts["channels"] == {"web": 7, "paper": 5}
    assert counts["values"]["satisfaction_globale"] == {"tres_satisfait": 7, "nsp": 5}
    assert counts["values"]["points_forts"] == {"prix": 12, "quartier": 7}
    assert counts["multiple"] == {"points_forts": 12}
    assert counts["themes"] == {"general": 7, "logement": 12}


def test_a_running_campaign_s_counts_are_refreshed_at_most_once_a_minute(coop_a):
    running = campaign_create(cooperative=coop_a, launched_at=NOW, opens_on=TODAY)
    _respond(running, {"satisfaction_globale": "tres_satisfait"}, n=2)
    assert tallies_store() == 1

    _respond(running, {"satisfaction_globale": "tres_satisfait"}, n=1)  # answered 3 days ago
    with time_machine.travel(NOW + dt.timedelta(seconds=30), tick=False):
        assert tallies_store() == 0  # too soon
    with time_machine.travel(NOW + dt.timedelta(seconds=61), tick=False):
        Invitation.objects.filter(campaign=running).update(answered_at=timezone.now())
        assert tallies_store() == 1
        assert campaign_counts(running).responses == 3


def test_a_running_campaign_without_new_answers_is_not_recomputed(coop_a):
    running = campaign_create(cooperative=coop_a, launched_at=NOW, opens_on=TODAY)
    _respond(running, {"satisfaction_globale": "tres_satisfait"}, n=2)
    tallies_store()

    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        assert tallies_store() == 0


def test_counts_stored_while_running_are_stored_again_once_closed(coop_a):
    campaign = campaign_create(cooperative=coop_a, launched_at=NOW, opens_on=TODAY, days_open=2)
    _respond(campaign, {"satisfaction_globale": "tres_satisfait"}, n=2)
    tallies_store()

    with time_machine.travel(NOW + dt.timedelta(days=4), tick=False):
        assert tallies_store() == 1
        assert tallies_store() == 0


def test_stored_counts_equal_a_recomputation_from_the_answers(closed):
    tallies_store()

    assert tallies_check() == {}
    assert CampaignTally.objects.get(campaign=closed).counts == counts_compute(closed).to_json()


def test_the_check_names_a_campaign_whose_answers_changed_behind_its_counts(closed):
    tallies_store()
    Answer.objects.filter(question__key="satisfaction_globale", value="nsp").delete()

    differences = tallies_check()[closed.pk]

    assert any(line.startswith("values: ") for line in differences)
    with pytest.raises(CommandError, match="1 campagne a des décomptes faux"):
        call_command("tally_campaigns", "--check")


def test_the_command_stores_then_checks(closed, capsys):
    call_command("tally_campaigns")
    call_command("tally_campaigns", "--check")

    out = capsys.readouterr().out
    assert "1 campagne décomptée." in out
    assert "Les décomptes enregistrés sont ceux des réponses." in out


def test_a_closed_campaign_s_results_read_its_counts_not_its_answers(closed):
    before = campaign_results(closed)
    tallies_store()
    Answer.objects.filter(response__campaign=closed).delete()  # the counts stand for them

    after = campaign_results(closed)

    assert after.responses == before.responses == 12
    rate = next(q for q in after.questions if q.question.key == "qualite_logement").rate
    assert (rate.opinions, rate.satisfied) == (12, 5)


def test_the_results_queries_do_not_grow_with_the_answers(coop_a, closed):
    small = campaign_create(
        cooperative=coop_a, name="Petite", launched_at=NOW - dt.timedelta(days=60),
        opens_on=TODAY - dt.timedelta(days=59), days_open=30, anonymous=True,
        kind="new_occupant",
    )  # fmt: skip
    programme = factories.ProgrammeFactory(cooperative=coop_a)
    _respond(small, {"satisfaction_globale": "tres_satisfait"}, programme=programme, n=5)
    tallies_store()

    counted = []
    for campaign in (small, closed):
        with CaptureQueriesContext(connection) as ctx:
            campaign_results(campaign)
            programme_rates(campaign)
        counted.append(len(ctx.captured_queries))

    assert counted[0] == counted[1]


def test_the_anonymity_mask_is_applied_to_stored_counts(coop_a, closed):
    small = factories.ProgrammeFactory(cooperative=coop_a, name="Les Aulnes")
    _respond(closed, {"satisfaction_globale": "tres_satisfait"}, programme=small, n=3)
    tallies_store()

    rows = {row["name"]: row for row in programme_rates(closed)}

    assert rows["Les Tilleuls"]["answered"] == 7
    # 3 respondents: hidden, and the next smallest with them (5 + 3 >= 5)
    assert (rows["Les Aulnes"]["answered"], rows["Les Aulnes"]["hidden"]) == (None, True)
    assert (rows["Le Verger"]["answered"], rows["Le Verger"]["hidden"]) == (None, True)


def test_the_anonymity_mask_hides_a_small_closed_campaign_read_from_its_counts(coop_a):
    small = campaign_create(
        cooperative=coop_a, launched_at=NOW - dt.timedelta(days=60),
        opens_on=TODAY - dt.timedelta(days=60), days_open=30, anonymous=True,
    )  # fmt: skip
    _respond(small, {"satisfaction_globale": "tres_satisfait"}, n=4)
    tallies_store()

    assert campaign_results(small).hidden is True


def test_a_response_entered_after_the_closing_forgets_the_stored_counts(closed, staff_a):
    tallies_store()
    invitation = Invitation.objects.get(campaign=closed, answered_at=None)

    response_enter(
        invitation=invitation,
        snapshot=snapshot_of(closed.questionnaire, anonymous=closed.anonymous),
        answers={"satisfaction_globale": "tres_satisfait"}, channel="phone", user=staff_a,
        now=timezone.now(),
    )  # fmt: skip
    # Anonymous: the answer waits in the pool, the stored counts still hold until it is flushed.
    assert CampaignTally.objects.filter(campaign=closed).exists()
    pool_flush(now=timezone.now())  # a closed campaign's pool is flushed however small

    assert not CampaignTally.objects.filter(campaign=closed).exists()
    assert campaign_counts(closed).responses == 13
    assert tallies_store() == 1


def test_without_stored_counts_a_page_computes_them_at_most_once_a_minute(coop_a):
    running = campaign_create(cooperative=coop_a, launched_at=NOW, opens_on=TODAY)
    _respond(running, {"satisfaction_globale": "tres_satisfait"}, n=2)
    assert campaign_counts(running).responses == 2

    _respond(running, {"satisfaction_globale": "tres_satisfait"}, n=1)
    with CaptureQueriesContext(connection) as ctx:
        assert campaign_counts(running).responses == 2
    assert len(ctx.captured_queries) == 1  # looked for stored counts only

    with time_machine.travel(NOW + dt.timedelta(seconds=61), tick=False):
        assert campaign_counts(running).responses == 3


def test_the_results_page_of_a_closed_campaign_shows_its_stored_counts(client, staff_a, closed):
    tallies_store()
    Answer.objects.filter(response__campaign=closed).delete()
    client.force_login(staff_a)

    page = client.get(reverse("campaign_results", args=[closed.pk])).content.decode()

    assert "Les Tilleuls" in page
    assert "12" in page
