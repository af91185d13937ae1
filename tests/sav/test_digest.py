"""The daily digest to each person responsible: overdue claims and those due today, once a
working day."""

import pytest
import time_machine
from django.core.management import call_command

from sav.models import Claim, DigestMessage
from sav.services import claims
from sav.services.daily import digests_plan
from tests.sav.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_claim(delivered_buyer, staff_a):
    staff_a.email = "staff-a@exemple.fr"
    staff_a.first_name = "Chloé"
    staff_a.save()
    claim = claims.claim_file(
        lot=delivered_buyer.lot, buyer=delivered_buyer, channel="space", category="plumbing",
        description="Fuite", now=at(2026, 7, 1),
    )  # fmt: skip
    Claim.objects.filter(pk=claim.pk).update(assignee=staff_a)  # follow-up due 6 July
    return claim


def test_the_digest_lists_the_overdue_claims_of_their_assignee_once_a_day(
    overdue_claim, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(at(2026, 7, 8, 8), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert digests_plan(now=at(2026, 7, 8, 8)) == 1
        assert digests_plan(now=at(2026, 7, 8, 9)) == 0

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["staff-a@exemple.fr"]
    assert mail.subject == "SAV du 8 juillet 2026 : 1 dossier à traiter, dont 1 en retard"
    assert f"{overdue_claim.reference}" in mail.body
    assert "échéance le 6 juillet 2026 (EN RETARD)" in mail.body


def test_no_digest_on_14_july_nor_on_a_sunday_nor_before_7(overdue_claim):
    assert digests_plan(now=at(2026, 7, 14, 8)) == 0
    assert digests_plan(now=at(2026, 7, 12, 8)) == 0
    assert digests_plan(now=at(2026, 7, 8, 6)) == 0
    assert DigestMessage.objects.count() == 0


def test_no_digest_for_a_claim_neither_overdue_nor_due_today(overdue_claim):
    assert digests_plan(now=at(2026, 7, 2, 8)) == 0


def test_the_command_runs_the_daily_work(overdue_claim, capsys):
    with time_machine.travel(at(2026, 7, 8, 8), tick=False):
        call_command("sav_daily")

    assert capsys.readouterr().out.strip() == (
        "0 réclamation levée, 1 récapitulatif mis en file d'envoi."
    )
