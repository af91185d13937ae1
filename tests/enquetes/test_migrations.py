"""Data migrations of the surveys app, run forwards and backwards on rows of the older shape."""

import datetime as dt

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cooperatives.models import JourneyStep
from tests.enquetes.factories import campaign_create, campaign_launched

BEFORE = ("enquetes", "0002_invitation_draft")
AFTER = ("enquetes", "0003_population_steps_perfect_completion")


def _migrate(target) -> None:
    # Rows written by the test are checked now: a migration (of any app that depends on these,
    # unapplied on the way back) may alter a table that still has deferred checks pending.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def test_campaign_populations_name_the_year_of_perfect_completion_perfect_completion(coop_a):
    old = campaign_create(cooperative=coop_a, opens_on=dt.date(2026, 3, 2))
    other = campaign_create(cooperative=coop_a, opens_on=dt.date(2026, 3, 2), name="Sans étapes")
    _migrate(BEFORE)
    type(old).objects.filter(pk=old.pk).update(
        population={"source": "buyers", "programmes": [], "steps": ["deed", "parfait_achevement"]}
    )
    type(other).objects.filter(pk=other.pk).update(population={"source": "import"})

    _migrate(AFTER)

    old.refresh_from_db()
    other.refresh_from_db()
    assert old.population["steps"] == ["deed", "perfect_completion"]
    assert [JourneyStep(step) for step in old.population["steps"]] == [
        JourneyStep.DEED,
        JourneyStep.PERFECT_COMPLETION,
    ]
    assert other.population == {"source": "import"}


def test_the_renaming_is_undone_when_migrating_backwards(coop_a):
    campaign = campaign_create(cooperative=coop_a, opens_on=dt.date(2026, 3, 2))
    type(campaign).objects.filter(pk=campaign.pk).update(
        population={"steps": ["perfect_completion"]}
    )

    _migrate(BEFORE)

    campaign.refresh_from_db()
    assert campaign.population == {"steps": ["parfait_achevement"]}
    _migrate(AFTER)


def test_messages_the_old_sweep_failed_with_an_uncertain_note_become_uncertain(coop_a):
    before = ("enquetes", "0003_population_steps_perfect_completion")
    campaign = campaign_launched(cooperative=coop_a, buyers=2)
    swept, abandoned = campaign.invitations.order_by("pk")
    _migrate(before)
    old = MigrationExecutor(connection).loader.project_state([before]).apps
    Message = old.get_model("enquetes", "Message")
    Message.objects.create(
        invitation_id=swept.pk, number=0, status="failed", claimed_at=timezone.now(),
        error="Envoi interrompu : état incertain, le message n'est pas renvoyé automatiquement.",
    )  # fmt: skip
    Message.objects.create(
        invitation_id=abandoned.pk, number=0, status="failed", claimed_at=timezone.now(),
        error="Abandon après 5 essais : Serveur de messagerie injoignable (ConnectionRefusedError)",
    )  # fmt: skip
    if connection.vendor == "postgresql":  # check the new rows now: the migration alters the table
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    _migrate(("enquetes", "0004_message_outbox"))

    rows = dict(
        type(campaign)
        .objects.filter(pk=campaign.pk)
        .values_list("invitations__pk", "invitations__messages__status")
    )
    assert rows == {swept.pk: "uncertain", abandoned.pk: "failed"}
