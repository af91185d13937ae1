"""The demo seed: what it creates, that it is idempotent, and that it refuses to run in production.

The seed creates about 130 buyers: the tests of `TestSeededDemo` share one run, made in a
transaction that is rolled back once the class is done (each test still runs in its own
savepoint, so what one test changes is undone before the next).
"""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cooperatives.models import Buyer, Cooperative, Federation, JourneyStep, Lot, Programme, User
from demo.builders import DEMO_PASSWORD
from engagements.models import Commitment, Principle
from engagements.reference import COMMITMENTS, PRINCIPLES

SEED_SETTINGS = {
    "DEBUG": True,
    # The same fast hasher as the rest of the suite, so that the demo passwords can be checked.
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}
# Every model the seed may touch, many-to-many tables included, so that the models the apps gain
# later (indicators, measurements, actions, evidence...) are checked too.
SNAPSHOT_MODELS = [
    *apps.get_app_config("cooperatives").get_models(include_auto_created=True),
    *apps.get_app_config("engagements").get_models(include_auto_created=True),
    *apps.get_app_config("sav").get_models(include_auto_created=True),
]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every model the seed touches, as tuples of all their column values."""
    return {
        model._meta.label: list(
            model.objects.order_by("pk").values_list(
                *(field.attname for field in model._meta.concrete_fields)
            )
        )
        for model in SNAPSHOT_MODELS
    }


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


# The seeded class runs on one day (the clock still ticks), so that what the seed computes from
# its year of history can be pinned: a Monday morning.
SEED_DAY = dt.datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    with time_machine.travel(SEED_DAY), django_db_blocker.unblock(), transaction.atomic():
        try:
            with override_settings(**SEED_SETTINGS, SITE_URL="http://demo.example:8123"):
                output = seed()
            yield output
        finally:
            transaction.set_rollback(True)


@pytest.mark.usefixtures("seeded")
class TestSeededDemo:
    def test_the_printed_survey_link_opens_a_survey_on_the_site_url(self, db, seeded, client):
        lines = seeded.splitlines()
        link = lines[lines.index("Côté acquéreur, une enquête de démonstration à remplir :") + 1]
        assert link.strip().startswith("http://demo.example:8123/r/")
        response = client.get(link.strip().removeprefix("http://demo.example:8123"))
        assert response.status_code == 200
        assert "<h1>Votre livraison, un mois après</h1>" in response.content.decode()

    def test_the_printed_space_link_opens_a_buyer_space_with_letters_and_phases_to_come(
        self, db, seeded, client
    ):
        lines = seeded.splitlines()
        title = next(line for line in lines if line.startswith("L'espace acquéreur de "))
        link = lines[lines.index(title) + 1].strip()
        assert link.startswith("http://demo.example:8123/mon-espace/lien/")

        client.post(link.removeprefix("http://demo.example:8123"))
        home = client.get(reverse("espace_home")).content.decode()
        letters = client.get(reverse("espace_letters")).content.decode()

        assert "Le Clos des Canuts" in home
        assert home.count('class="step step-done"') == 2
        assert 'class="step step-current"' in home and 'class="step step-next"' in home
        assert letters.count('<article class="letter"') == 2
        assert "Plan de votre logement" in client.get(reverse("espace_documents")).content.decode()

    def test_commitment_4_is_computed_from_the_letters_with_a_history(self, db):
        from engagements.models import Indicator

        indicator = Indicator.objects.get(
            commitment__cooperative__slug="horizon-habitat", journey_metric="letters_at_phases"
        )

        assert indicator.source == "journey"
        assert indicator.measurements.count() >= 5

    def test_the_after_sales_inbox_has_claims_received_and_overdue_among_a_year_of_closed_ones(
        self, db
    ):
        from sav.models import Claim

        claims = Claim.objects.filter(cooperative__slug="horizon-habitat")
        today = timezone.localdate()

        # The households without e-mail address wrote yesterday: not acknowledged yet.
        assert claims.filter(status=Claim.Status.RECEIVED, channel=Claim.Channel.LETTER).exists()
        assert claims.overdue(today).exists()
        assert claims.filter(status=Claim.Status.CLOSED).count() > 50
        assert claims.filter(channel=Claim.Channel.DELIVERY_REPORT).exists()
        assert claims.earliest("received_at").received_at.date() >= today - dt.timedelta(366)

    def test_the_claims_timelines_hold_every_step_of_the_workflow(self, db):
        from sav.models import ClaimEvent

        kinds = set(
            ClaimEvent.objects.filter(claim__cooperative__slug="horizon-habitat").values_list(
                "kind", flat=True
            )
        )

        assert kinds == set(ClaimEvent.Kind.values) - {ClaimEvent.Kind.NOTE}

    def test_every_claim_s_steps_follow_one_another_before_today(self, db):
        from sav.models import Claim

        start_of_today = timezone.make_aware(
            dt.datetime.combine(timezone.localdate(), dt.time(0, 0))
        )
        for claim in Claim.objects.prefetch_related("events"):
            moments = [event.at for event in claim.events.all()]
            stamps = [claim.received_at, claim.acknowledged_at, claim.qualified_at,
                      claim.done_at, claim.lifted_at]  # fmt: skip
            assert moments == sorted(moments), claim
            assert moments[0] == claim.received_at and moments[-1] < start_of_today, claim
            present = [stamp for stamp in stamps if stamp is not None]
            assert present == sorted(present), claim

    def test_the_steps_e_mails_are_recorded_as_sent_when_the_step_was_taken(self, db):
        from sav.models import ClaimMessage

        messages = ClaimMessage.objects.select_related("event")
        assert messages.count() > 100
        assert not messages.exclude(status=ClaimMessage.Status.SENT).exists()
        assert all(message.sent_at == message.event.at for message in messages)

    def test_commitment_6_s_after_sales_indicators_are_computed_from_the_claims(self, db):
        from engagements.models import Indicator

        indicators = Indicator.objects.filter(
            commitment__cooperative__slug="horizon-habitat", commitment__number=6
        )

        assert not indicators.filter(source=Indicator.Source.MANUAL).exists()
        assert set(
            indicators.filter(source=Indicator.Source.JOURNEY).values_list(
                "journey_metric", flat=True
            )
        ) == {
            "sav_acknowledged_same_day",
            "sav_followed_up_in_time",
            "sav_median_days_to_lift",
            "sav_lifted_within_perfect_completion",
            "sav_satisfaction_after_intervention",
            "sav_called_back_in_time",
        }
        for key in ("sav_acknowledged_same_day", "sav_median_days_to_lift"):
            computed = indicators.get(journey_metric=key).measurements.filter(is_computed=True)
            assert computed.count() >= 3, key

    def test_the_satisfaction_after_intervention_is_computed_from_the_buyers_answers(self, db):
        from engagements.models import Indicator

        indicator = Indicator.objects.get(
            commitment__cooperative__slug="horizon-habitat",
            journey_metric="sav_satisfaction_after_intervention",
        )
        # The last complete quarter (July to September 2026), from the answers to the
        # "après intervention" survey of the buyers whose claim was closed.
        measurement = indicator.measurements.get(period_start=dt.date(2026, 7, 1))

        assert measurement.is_computed
        assert (measurement.value, measurement.base) == (Decimal("81.80"), 22)

    def test_unhappy_respondents_who_accepted_a_call_were_called_back_over_the_year(self, db):
        from engagements.models import Indicator
        from sav.models import CallBack

        callbacks = CallBack.objects.filter(cooperative__slug="horizon-habitat")
        indicator = Indicator.objects.get(
            commitment__cooperative__slug="horizon-habitat",
            journey_metric="sav_called_back_in_time",
        )
        # July to September 2026: the call-backs due then, and how many were made by their day.
        measurement = indicator.measurements.get(period_start=dt.date(2026, 7, 1))

        assert sorted(callbacks.values_list("outcome", flat=True)) == [
            "reached", "reached", "reached", "reached", "reached", "reached", "solved",
        ]  # fmt: skip
        assert all(c.outcome_at > c.opened_at for c in callbacks)
        assert measurement.is_computed
        assert (measurement.value, measurement.base) == (Decimal("71.40"), 7)  # 5 of 7 in time

    def test_the_seven_principles_are_those_of_the_charter(self, db):
        assert list(Principle.objects.order_by("position").values_list("code", flat=True)) == [
            code for code, _, _ in PRINCIPLES
        ]

    def test_every_cooperative_has_the_eight_charter_commitments(self, db):
        cooperatives = Cooperative.objects.all()
        assert {c.slug for c in cooperatives} == {"horizon-habitat", "toits-de-l-orne"}
        for cooperative in cooperatives:
            commitments = Commitment.objects.for_cooperative(cooperative).order_by("number")
            assert [(c.charter_number, c.title) for c in commitments] == [
                (number, title) for number, title, _, _ in COMMITMENTS
            ]

    def test_commitments_embody_the_principles_of_the_charter(self, db):
        commitment = Commitment.objects.get(cooperative__slug="horizon-habitat", number=7)
        assert {p.code for p in commitment.principles.all()} == {"democratie", "solidarite"}

    def test_horizon_habitat_has_three_programmes_and_120_lots(self, db):
        horizon = Cooperative.objects.get(slug="horizon-habitat")
        assert Programme.objects.for_cooperative(horizon).count() == 3
        assert Lot.objects.for_cooperative(horizon).count() == 120

    @pytest.mark.parametrize("step", list(JourneyStep))
    def test_horizon_habitat_has_buyers_at_every_journey_step(self, db, step):
        horizon = Cooperative.objects.get(slug="horizon-habitat")
        assert Buyer.objects.for_cooperative(horizon).at_step(step).exists()

    def test_there_is_a_user_with_each_role_and_a_superuser(self, db):
        assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
        assert User.objects.filter(is_superuser=True, username="admin").exists()

    def test_running_the_seed_again_changes_nothing(self, db):
        before = snapshot()
        for model in (Federation, Cooperative, User, Programme, Lot, Buyer, Principle, Commitment):
            assert before[model._meta.label], model
        assert before[Commitment.principles.through._meta.label]
        assert len(before["cooperatives.Buyer"]) > 100

        with override_settings(**SEED_SETTINGS):
            seed()

        assert snapshot() == before

    def test_demo_staff_login_works(self, client, db):
        response = client.post(
            "/accounts/login/",
            {"username": "collaborateur", "password": DEMO_PASSWORD},
            follow=True,
        )

        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == reverse("scorecard")
        assert int(client.session["_auth_user_id"]) == User.objects.get(username="collaborateur").pk


def test_seed_refuses_to_run_without_debug_and_writes_nothing(db, settings):
    settings.DEBUG = False
    before = snapshot()

    with pytest.raises(CommandError, match="DEBUG"):
        seed()

    assert snapshot() == before
    assert not Cooperative.objects.filter(slug="horizon-habitat").exists()
