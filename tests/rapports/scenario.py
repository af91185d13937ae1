"""A cooperative's year, as the annual report tells it: indicators, actions, evidence, surveys."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from cooperatives.models import Cooperative, User
from engagements.models import Action, Commitment, Evidence, Indicator, IsoSubject, Measurement
from engagements.services.charter import commitments_create_charter
from enquetes.answering.saving import response_save_page, response_submit
from enquetes.models import Campaign, Invitation, Question
from enquetes.services.campaigns import campaign_start
from enquetes.services.pool import pool_flush
from rapports.models import ReportVersion
from tests import factories
from tests.engagements.factories import (
    ActionFactory,
    IndicatorFactory,
    MeasurementFactory,
    NoteEvidenceFactory,
)
from tests.enquetes.factories import campaign_create

YEAR = timezone.localdate().year - 1  # a whole year, over by now
MALICIOUS_TITLE = '<img src="file:///etc/passwd"> & « test »'
COMMENT_WITH_QUESTION = "Pourquoi le SAV est-il si lent ?"
COMMENT_WITH_EXCLAMATION = "Très bon accompagnement, merci !"
CAMPAIGN_NAME = f"Enquête triennale {YEAR} : qu'en pensez-vous ?"
PREVIOUS_NAME = f"Enquête triennale {YEAR - 3}"

# Overall satisfaction of the six households who answered (nine invited): 4 satisfied out of
# 5 opinions ("ne sait pas" is left out) = 80 %, against 3 out of 6 (50 %) three years before.
ANSWERS = [
    ("tres_satisfait", COMMENT_WITH_EXCLAMATION),
    ("tres_satisfait", ""),
    ("assez_satisfait", COMMENT_WITH_QUESTION),
    ("assez_satisfait", ""),
    ("peu_satisfait", ""),
    ("nsp", ""),
]
PREVIOUS_ANSWERS = ["tres_satisfait"] * 3 + ["peu_satisfait"] * 3
INVITED = 9


def aware(year: int, month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 10, 0))


@dataclass
class Year:
    cooperative: Cooperative
    owner: User
    campaign: Campaign
    previous: Campaign
    done_actions: list[Action]
    late_action: Action
    rse_upcoming: Action


def answer(campaign: Campaign, invitation: Invitation, values: dict[str, str], now) -> None:
    """One household's answers, saved and sent as the survey pages do, and the anonymous pool
    turned into responses as the periodic job does."""
    questions = {q.key: q for q in Question.objects.filter(questionnaire=campaign.questionnaire)}
    asked = [questions[key] for key in values]
    cleaned = {questions[key].pk: value for key, value in values.items() if value}
    response_save_page(invitation=invitation, questions=asked, cleaned=cleaned, now=now)
    response_submit(invitation=invitation, now=now)
    pool_flush(now=now, campaign_id=campaign.pk, everything=True)


def survey(cooperative: Cooperative, *, year: int, name: str, buyers: int) -> Campaign:
    """An anonymous triennial campaign of `year`, launched over the cooperative's buyers."""
    programme = factories.ProgrammeFactory(cooperative=cooperative)
    for _ in range(buyers):
        factories.BuyerFactory(lot=factories.LotFactory(programme=programme))
    campaign = campaign_create(
        cooperative=cooperative, name=name, opens_on=dt.date(year, 3, 1), anonymous=True
    )
    campaign_start(campaign=campaign, now=aware(year, 3, 1))
    return campaign


def answered(campaign: Campaign, answers: list[tuple[str, str]]) -> None:
    invitations = list(campaign.invitations.order_by("pk")[: len(answers)])
    for invitation, (satisfaction, comment) in zip(invitations, answers, strict=True):
        values = {"satisfaction_globale": satisfaction, "commentaire": comment}
        answer(campaign, invitation, values, aware(campaign.opens_on.year, 3, 10))


def _previous_campaign(cooperative: Cooperative) -> Campaign:
    previous = survey(cooperative, year=YEAR - 3, name=PREVIOUS_NAME, buyers=len(PREVIOUS_ANSWERS))
    answered(previous, [(value, "") for value in PREVIOUS_ANSWERS])
    return previous


def annual_year(*, name: str, slug: str) -> Year:
    cooperative = factories.CooperativeFactory(name=name, slug=slug)
    commitments_create_charter(cooperative=cooperative)
    number = {c.number: c for c in Commitment.objects.for_cooperative(cooperative)}
    owner = factories.UserFactory(
        cooperative=cooperative, username="julie", first_name="Julie", last_name="Martin"
    )

    # Two indicators measured in the year (and outside it).
    handed_over = IndicatorFactory(
        commitment=number[1], name="Logements livrés sans réserve", unit="%",
        target=Decimal("80"), period="quarter",
    )  # fmt: skip
    for month, value in [(1, "70"), (4, "78"), (7, "85")]:
        MeasurementFactory(
            indicator=handed_over, period_start=dt.date(YEAR, month, 1), value=Decimal(value)
        )
    MeasurementFactory(
        indicator=handed_over, period_start=dt.date(YEAR + 1, 1, 1), value=Decimal("12")
    )
    cost = IndicatorFactory(
        commitment=number[6], name="Coût moyen d'une intervention", unit="€",
        direction=Indicator.Direction.LOWER, target=Decimal("1000"), period="year",
    )  # fmt: skip
    MeasurementFactory(indicator=cost, period_start=dt.date(YEAR - 1, 1, 1), value=Decimal("1100"))
    MeasurementFactory(indicator=cost, period_start=dt.date(YEAR, 1, 1), value=Decimal("1234.5"))

    # Actions: two done in the year, one done the year before, one late, one not due yet.
    energy = ActionFactory(
        cooperative=cooperative, title="Réduire l'énergie consommée sur les chantiers",
        status=Action.Status.DONE, completed_on=dt.date(YEAR, 3, 15),
        due_date=dt.date(YEAR, 3, 31), iso_subject=IsoSubject.ENVIRONMENT,
        commitments=[number[2]],
    )  # fmt: skip
    hotline = ActionFactory(
        cooperative=cooperative, title="Ouvrir une astreinte du service après-vente",
        status=Action.Status.DONE, completed_on=dt.date(YEAR, 6, 30), commitments=[number[6]],
    )  # fmt: skip
    ActionFactory(
        cooperative=cooperative, title="Action terminée l'année précédente",
        status=Action.Status.DONE, completed_on=dt.date(YEAR - 1, 12, 1),
        commitments=[number[1]],
    )  # fmt: skip
    late = ActionFactory(
        cooperative=cooperative, title="Publier les délais d'intervention",
        status=Action.Status.PLANNED, due_date=dt.date(YEAR, 10, 31), owner=owner,
        iso_subject=IsoSubject.CONSUMERS, commitments=[number[6]],
    )  # fmt: skip
    upcoming = ActionFactory(
        cooperative=cooperative, title="Soutenir une association de quartier",
        status=Action.Status.IN_PROGRESS, due_date=dt.date(YEAR + 1, 3, 31),
        iso_subject=IsoSubject.COMMUNITY, commitments=[number[7]],
    )  # fmt: skip
    Action.objects.filter(pk__in=[late.pk, upcoming.pk]).update(created_at=aware(YEAR, 1, 10))

    # Evidence dated in the year (one with a hostile title), and one dated the year before.
    NoteEvidenceFactory(action=energy, title=MALICIOUS_TITLE, fact_date=dt.date(YEAR, 3, 16))
    NoteEvidenceFactory(
        commitment=number[7], title="Première assemblée de copropriété tenue",
        fact_date=dt.date(YEAR, 9, 1),
    )  # fmt: skip
    NoteEvidenceFactory(
        commitment=number[7], title="Preuve datée de l'année précédente",
        fact_date=dt.date(YEAR - 1, 5, 1),
    )  # fmt: skip
    Evidence.objects.create(
        cooperative=cooperative, kind=Evidence.Kind.LINK, title="Procès-verbaux de livraison",
        url="https://example.org/pv-livraison",
        measurement=Measurement.objects.get(indicator=handed_over, period_start__month=7),
        fact_date=dt.date(YEAR, 7, 20),
    )  # fmt: skip

    # Surveys: the previous triennial campaign, then this year's.
    previous = _previous_campaign(cooperative)
    campaign = survey(
        cooperative, year=YEAR, name=CAMPAIGN_NAME, buyers=INVITED - len(PREVIOUS_ANSWERS)
    )
    answered(campaign, ANSWERS)

    # Homes delivered and reservations signed in the year (after the survey was sent).
    programme = factories.ProgrammeFactory(cooperative=cooperative, name="Les Jardins")
    for delivered, reserved in [(True, False)] * 3 + [(False, True)] * 2:
        factories.BuyerFactory(
            lot=factories.LotFactory(programme=programme),
            delivery_date=dt.date(YEAR, 6, 15) if delivered else None,
            reservation_date=dt.date(YEAR, 2, 1) if reserved else dt.date(YEAR - 2, 5, 1),
        )
    return Year(
        cooperative=cooperative, owner=owner, campaign=campaign, previous=previous,
        done_actions=[energy, hotline], late_action=late, rse_upcoming=upcoming,
    )  # fmt: skip


def chosen_version(year: Year) -> ReportVersion:
    """The year's report as its director wrote it: this year's survey, its two comments
    quoted, a foreword, highlights, priorities and the profile figures."""
    version = ReportVersion.objects.create(
        cooperative=year.cooperative, year=YEAR,
        quotes=[
            {"campaign": year.campaign.pk, "text": COMMENT_WITH_EXCLAMATION},
            {"campaign": year.campaign.pk, "text": COMMENT_WITH_QUESTION},
        ],
        foreword=FOREWORD, highlights=HIGHLIGHTS, priorities=PRIORITIES,
        members=1250, homes_sold=48, programmes_delivered=3, board_members=12,
        agm_attendance=Decimal("41.5"),
    )  # fmt: skip
    version.campaigns.set([year.campaign])
    return version


FOREWORD = "Une année d'écoute : nous avons interrogé nos acquéreurs et tenu parole."
HIGHLIGHTS = "Livraison des Jardins ; ouverture d'une astreinte du service après-vente."
PRIORITIES = "Publier nos délais d'intervention ; réduire les réserves à la livraison."
