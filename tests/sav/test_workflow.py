"""The workflow of a claim: each step dated, by whom, conditional, with the e-mails that matter
to the buyer; deadlines in French working days, paused while waiting on the buyer."""

import datetime as dt

import pytest
import time_machine

from sav.models import Claim, ClaimEvent, ClaimMessage, ServiceLevel
from sav.services import claims
from tests.sav.conftest import at

pytestmark = pytest.mark.django_db


def _file(buyer, *, now, channel=Claim.Channel.SPACE, user=None, category="plumbing"):
    return claims.claim_file(
        lot=buyer.lot, buyer=buyer, channel=channel, category=category, room="Salle de bains",
        description="Le robinet fuit.", now=now, user=user,
    )  # fmt: skip


def test_a_claim_from_the_space_is_acknowledged_at_once_by_e_mail(
    delivered_buyer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim = _file(delivered_buyer, now=at(2026, 7, 10))

    claim.refresh_from_db()
    assert claim.status == Claim.Status.ACKNOWLEDGED
    assert claim.acknowledged_at == at(2026, 7, 10)
    assert [m.subject for m in mailoutbox] == [
        f"Nous avons bien reçu votre demande {claim.reference}"
    ]
    body = mailoutbox[0].body
    assert "Relève de la garantie de parfait achèvement jusqu'au 2 avril 2027." in body
    assert "au plus tard le 16 juillet 2026" in body
    assert ClaimMessage.objects.get().status == ClaimMessage.Status.SENT


def test_deadlines_are_counted_in_working_days_across_a_weekend_and_14_july(delivered_buyer):
    claim = _file(delivered_buyer, now=at(2026, 7, 10))  # a Friday

    assert claim.follow_up_due == dt.date(2026, 7, 16)
    # 15 working days: 13, 15-17, 20-24, 27-31 July (14 July is a holiday), 3 August
    assert claim.planning_due == dt.date(2026, 8, 3)


def test_the_cooperative_sets_its_own_deadlines(delivered_buyer, coop_a):
    ServiceLevel.objects.create(cooperative=coop_a, follow_up_days=1, planning_days=5)

    claim = _file(delivered_buyer, now=at(2027, 5, 5))  # eve of Ascension

    assert claim.follow_up_due == dt.date(2027, 5, 7)
    assert claim.planning_due == dt.date(2027, 5, 13)


def test_a_claim_taken_by_phone_without_e_mail_waits_for_staff_to_acknowledge_it(
    delivered_buyer, staff_a, mailoutbox
):
    delivered_buyer.email = ""
    delivered_buyer.save()

    claim = _file(delivered_buyer, now=at(2026, 7, 10), channel=Claim.Channel.PHONE, user=staff_a)

    assert claim.status == Claim.Status.RECEIVED
    assert claim.assignee == staff_a
    assert list(claim.events.values_list("kind", "actor", "user")) == [
        ("received", "staff", staff_a.pk)
    ]
    assert mailoutbox == []


def test_a_reserve_of_the_delivery_report_is_acknowledged_without_e_mail(
    delivered_buyer, staff_a, mailoutbox
):
    claim = _file(
        delivered_buyer, now=at(2026, 4, 2), channel=Claim.Channel.DELIVERY_REPORT, user=staff_a
    )

    assert (claim.status, claim.guarantee) == (Claim.Status.ACKNOWLEDGED, "reserve")
    assert ClaimMessage.objects.count() == 0


def test_a_step_taken_twice_wins_once(delivered_buyer, staff_a):
    claim = _file(delivered_buyer, now=at(2026, 7, 10))
    stale = Claim.objects.get(pk=claim.pk)
    claims.claim_accept(claim=claim, user=staff_a, now=at(2026, 7, 13))

    with pytest.raises(claims.StepRefused):
        claims.claim_refuse(claim=stale, user=staff_a, now=at(2026, 7, 13), reason="Usure.")

    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.ACCEPTED
    assert claim.events.filter(kind="refused").count() == 0


def test_a_refusal_is_told_with_its_reason_and_closes_the_claim(
    delivered_buyer, staff_a, mailoutbox, django_capture_on_commit_callbacks
):
    claim = _file(delivered_buyer, now=at(2026, 7, 10))
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_refuse(
            claim=claim, user=staff_a, now=at(2026, 7, 13), reason="Dégât causé par un meuble."
        )

    claim.refresh_from_db()
    assert (claim.status, claim.closed_at) == (Claim.Status.REFUSED, at(2026, 7, 13))
    assert "Dégât causé par un meuble." in mailoutbox[-1].body


def test_the_whole_workflow_is_a_dated_timeline_with_who_and_comments(
    delivered_buyer, staff_a, company_a
):
    claim = _file(delivered_buyer, now=at(2026, 7, 10))
    claims.claim_accept(claim=claim, user=staff_a, now=at(2026, 7, 13), comment="Fuite avérée.")
    claims.claim_assign(claim=claim, company=company_a, intervention_on=dt.date(2026, 7, 20),
                        user=staff_a, now=at(2026, 7, 15))  # fmt: skip
    claims.claim_mark_done(claim=claim, now=at(2026, 7, 20, 16))
    claims.claim_lift(claim=claim, now=at(2026, 7, 21), comment="Plus de fuite.")
    claims.claim_close(claim=claim, user=staff_a, now=at(2026, 7, 22))

    assert list(claim.events.values_list("kind", "actor", "comment")) == [
        ("received", "buyer", ""),
        ("acknowledged", "system", ""),
        ("accepted", "staff", "Fuite avérée."),
        ("assigned", "staff", "Plomberie Schmitt, intervention prévue le 20/07/2026."),
        ("done", "company", ""),
        ("lifted", "buyer", "Plus de fuite."),
        ("closed", "staff", ""),
    ]
    claim.refresh_from_db()
    assert claim.status == Claim.Status.CLOSED
    assert (claim.done_at, claim.lifted_at) == (at(2026, 7, 20, 16), at(2026, 7, 21))


def test_the_e_mail_of_the_intervention_done_says_when_it_will_be_lifted_without_answer(
    delivered_buyer, staff_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    claim = _file(delivered_buyer, now=at(2026, 7, 10))
    claims.claim_accept(claim=claim, user=staff_a, now=at(2026, 7, 13))
    claims.claim_assign(claim=claim, company=company_a, intervention_on=dt.date(2026, 7, 20),
                        user=staff_a, now=at(2026, 7, 15))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_mark_done(claim=claim, now=at(2026, 7, 20))

    assert "Sans réponse de votre part sous 15 jours" in mailoutbox[-1].body


def test_a_claim_done_without_answer_is_lifted_after_the_cooperative_s_days(
    delivered_buyer, staff_a, company_a, coop_a
):
    ServiceLevel.objects.create(cooperative=coop_a, auto_lift_days=10)
    claim = _file(delivered_buyer, now=at(2026, 7, 10))
    claims.claim_accept(claim=claim, user=staff_a, now=at(2026, 7, 13))
    claims.claim_assign(claim=claim, company=company_a, intervention_on=dt.date(2026, 7, 20),
                        user=staff_a, now=at(2026, 7, 15))  # fmt: skip
    claims.claim_mark_done(claim=claim, now=at(2026, 7, 20))

    assert claims.claims_lift_unanswered(now=at(2026, 7, 29)) == 0
    assert claims.claims_lift_unanswered(now=at(2026, 7, 30)) == 1

    claim.refresh_from_db()
    assert (claim.status, claim.lifted_automatically) == (Claim.Status.LIFTED, True)
    assert claim.events.last().actor == ClaimEvent.Actor.SYSTEM


def test_the_daily_lifting_reads_the_claims_done_once_per_cooperative(
    delivered_buyer, staff_a, company_a, django_assert_num_queries
):
    for day in (13, 14, 15):
        claim = _file(delivered_buyer, now=at(2026, 7, 10))
        claims.claim_accept(claim=claim, user=staff_a, now=at(2026, 7, 13))
        claims.claim_assign(claim=claim, company=company_a, intervention_on=dt.date(2026, 7, 20),
                            user=staff_a, now=at(2026, 7, day))  # fmt: skip
        claims.claim_mark_done(claim=claim, now=at(2026, 7, 20))

    # The cooperatives with claims done, its service level, its claims done long enough ago.
    with django_assert_num_queries(3):
        assert claims.claims_lift_unanswered(now=at(2026, 7, 22)) == 0


def test_a_contested_lifting_is_planned_again_with_a_new_deadline(
    delivered_buyer, staff_a, company_a
):
    claim = _file(delivered_buyer, now=at(2026, 7, 10))
    claims.claim_accept(claim=claim, user=staff_a, now=at(2026, 7, 13))
    claims.claim_assign(claim=claim, company=company_a, intervention_on=dt.date(2026, 7, 20),
                        user=staff_a, now=at(2026, 7, 15))  # fmt: skip
    claims.claim_mark_done(claim=claim, now=at(2026, 7, 20))

    claims.claim_contest(claim=claim, now=at(2026, 9, 4), comment="Ça fuit toujours.")

    claim.refresh_from_db()
    assert claim.status == Claim.Status.CONTESTED
    assert claim.planning_due == dt.date(2026, 9, 25)
    claims.claim_assign(claim=claim, company=company_a, intervention_on=dt.date(2026, 9, 10),
                        user=staff_a, now=at(2026, 9, 7))  # fmt: skip
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.ASSIGNED


def test_a_claim_past_its_follow_up_is_overdue_unless_it_waits_on_the_buyer(
    delivered_buyer, staff_a
):
    claim = _file(delivered_buyer, now=at(2026, 7, 10))  # follow-up due Thursday 16 July

    assert not Claim.objects.overdue(dt.date(2026, 7, 16)).exists()
    assert list(Claim.objects.overdue(dt.date(2026, 7, 17))) == [claim]
    assert claim.is_overdue(dt.date(2026, 7, 17))

    claims.claim_wait(claim=claim, user=staff_a, now=at(2026, 7, 13), comment="Photos demandées.")

    assert not Claim.objects.overdue(dt.date(2026, 7, 17)).exists()
    assert claim.next_due() is None


def test_resuming_moves_the_deadlines_by_the_working_days_spent_waiting(delivered_buyer, staff_a):
    claim = _file(delivered_buyer, now=at(2026, 7, 10))
    claims.claim_wait(claim=claim, user=staff_a, now=at(2026, 7, 13), comment="Photos demandées.")

    # Waiting from Monday 13 to Friday 17 July: 14 July is a holiday, 3 working days paused
    with time_machine.travel(at(2026, 7, 17), tick=False):
        assert claims.claim_resume(claim=claim, now=at(2026, 7, 17), user=staff_a)

    claim.refresh_from_db()
    assert claim.waiting_since is None
    assert claim.follow_up_due == dt.date(2026, 7, 21)
    assert claim.events.last().comment == "Délais reportés de 3 jour(s) ouvré(s)."


def test_the_database_refuses_a_refusal_without_reason(delivered_buyer):
    claim = _file(delivered_buyer, now=at(2026, 7, 10))

    with pytest.raises(Exception, match="claim_refused_has_reason"):
        Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.REFUSED)
