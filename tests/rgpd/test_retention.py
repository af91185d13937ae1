"""Retention: each cooperative's rules make personal data anonymous when due; the dry run the
director sees is what the job does; figures and results do not move."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from cooperatives.models import Buyer
from enquetes.models import Answer, Invitation, Question, Response
from enquetes.selectors import campaign_results, programme_rates
from rgpd.models import RetentionSettings
from rgpd.services.retention import retention_apply
from tests import factories
from tests.enquetes.factories import campaign_create

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def year(coop_a, programme_a):
    """Two buyers of coop A: one delivered in 2000 (guarantee over in 2010), one in 2024; a
    nominative campaign closed in January 2026 that invited both and that the old one answered;
    a campaign closed in October 2026."""
    old = factories.BuyerFactory(
        lot=factories.LotFactory(programme=programme_a), last_name="Ancien-Nom",
        first_name="Paule", email="ancien@exemple.fr", phone="0601020304",
        reservation_date=dt.date(1999, 1, 4), delivery_date=dt.date(2000, 1, 1),
    )  # fmt: skip
    recent = factories.BuyerFactory(
        lot=factories.LotFactory(programme=programme_a), last_name="Recent-Nom",
        email="recent@exemple.fr", reservation_date=dt.date(2023, 1, 4),
        delivery_date=dt.date(2024, 6, 1),
    )  # fmt: skip
    old.last_name = "Ancien-Nom"  # a second history row, as an edit leaves
    old.save()
    closed = campaign_create(
        cooperative=coop_a, opens_on=dt.date(2026, 1, 2), days_open=28, anonymous=False,
        launched_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC), name="Janvier",
    )  # fmt: skip
    latest = campaign_create(
        cooperative=coop_a, opens_on=dt.date(2026, 10, 1), days_open=20, anonymous=False,
        launched_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC), name="Octobre",
    )  # fmt: skip
    satisfaction = Question.objects.get(
        questionnaire=closed.questionnaire, key="satisfaction_globale"
    )
    for campaign in (closed, latest):
        for buyer in (old, recent):
            invitation = Invitation.objects.create(
                campaign=campaign, buyer=buyer, programme=programme_a, last_name=buyer.last_name,
                first_name=buyer.first_name, email=buyer.email, phone=buyer.phone,
                expires_at=campaign.closes_at, lot_code="L1",
            )  # fmt: skip
            if buyer is old:
                invitation.answered_at = campaign.closes_at
                invitation.save()
                response = Response.objects.create(
                    campaign=campaign, invitation=invitation, programme=programme_a,
                    completed=True, submitted_on=campaign.opens_on,
                )  # fmt: skip
                Answer.objects.create(
                    response=response, question=satisfaction, value="tres_satisfait"
                )
    return {"old": old, "recent": recent, "closed": closed, "latest": latest}


def counts(lines) -> dict[str, int]:
    return {line.rule.key: line.count for line in lines}


def test_the_dry_run_counts_what_the_real_run_then_does(coop_a, year):
    dry = retention_apply(cooperative=coop_a, today=TODAY, dry_run=True)
    real = retention_apply(cooperative=coop_a, today=TODAY, dry_run=False)
    again = retention_apply(cooperative=coop_a, today=TODAY, dry_run=True)

    assert counts(dry) == counts(real) == {"buyer_identity": 1, "survey_invitations": 2}
    assert counts(again) == {"buyer_identity": 0, "survey_invitations": 0}


def test_the_dry_run_changes_nothing(coop_a, year):
    retention_apply(cooperative=coop_a, today=TODAY, dry_run=True)

    assert Buyer.objects.filter(last_name="Ancien-Nom").count() == 1
    assert Invitation.objects.filter(email="ancien@exemple.fr").count() == 2


def test_the_results_of_the_campaigns_do_not_move(coop_a, year):
    before = [(campaign_results(c), programme_rates(c)) for c in (year["closed"], year["latest"])]

    retention_apply(cooperative=coop_a, today=TODAY, dry_run=False)

    after = [(campaign_results(c), programme_rates(c)) for c in (year["closed"], year["latest"])]
    assert after == before


def test_an_expired_buyer_is_unfindable_by_name_email_or_phone_even_in_the_history(coop_a, year):
    retention_apply(cooperative=coop_a, today=TODAY, dry_run=False)

    for lookup in (
        {"last_name": "Ancien-Nom"}, {"email": "ancien@exemple.fr"}, {"phone": "0601020304"},
        {"first_name": "Paule"},
    ):  # fmt: skip
        assert not Buyer.objects.filter(**lookup).exists()
        assert not Buyer.history.filter(**lookup).exists()
        assert not Invitation.objects.filter(**lookup).exists()
    old = Buyer.objects.get(pk=year["old"].pk)
    assert old.delivery_date == dt.date(2000, 1, 1)  # the journey's dates still count


def test_what_is_not_due_is_kept(coop_a, year):
    retention_apply(cooperative=coop_a, today=TODAY, dry_run=False)

    assert Buyer.objects.get(pk=year["recent"].pk).email == "recent@exemple.fr"
    # The October campaign closed less than 6 months ago: its invitations keep their copy.
    assert Invitation.objects.filter(campaign=year["latest"], email="recent@exemple.fr").exists()
    # The January one is past: the copy and the link to the buyer are gone, the flag stays.
    january = Invitation.objects.filter(campaign=year["closed"])
    assert set(january.values_list("email", "buyer_id")) == {("", None)}
    assert january.filter(answered_at__isnull=False).count() == 1


def test_a_longer_duration_set_by_the_director_keeps_the_invitations(coop_a, year):
    RetentionSettings.objects.create(cooperative=coop_a, survey_invitations=12)

    lines = retention_apply(cooperative=coop_a, today=TODAY, dry_run=True)

    assert counts(lines)["survey_invitations"] == 0


def test_the_director_sees_the_dry_run_and_sets_durations_within_bounds(
    client, director_a, year, time_machine
):
    time_machine.move_to(dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC))
    client.force_login(director_a)
    page = client.get(reverse("privacy_retention")).content.decode()
    assert "6 mois après la clôture de l&#x27;enquête" in page

    refused = client.post(
        reverse("privacy_retention"), {"buyer_identity": 11, "survey_invitations": 6}
    )
    accepted = client.post(
        reverse("privacy_retention"), {"buyer_identity": 3, "survey_invitations": 12}
    )

    assert refused.status_code == 200
    assert "inférieure ou égale à 10" in refused.content.decode()
    assert accepted.status_code == 302
    assert RetentionSettings.objects.get().values() == {
        "buyer_identity": 3, "survey_invitations": 12,
    }  # fmt: skip


def test_the_command_runs_every_cooperative(coop_a, year, time_machine, capsys):
    time_machine.move_to(dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC))

    call_command("apply_retention", "--essai")
    call_command("apply_retention")

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "1 acquéreur et 2 invitations à anonymiser.",
        "1 acquéreur et 2 invitations anonymisés.",
    ]
