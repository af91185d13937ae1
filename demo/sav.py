"""The demo's year of after-sales: the companies, the reserves of the delivery reports and the
claims of the last twelve months on the delivered programmes, and commitment 6's indicators
computed from them.

Every claim is a story told through the real services (`sav.services.claims`): filed, then
acknowledged, qualified, planned, done, lifted or contested, closed, each step at its own moment.
The stories run on one clock (`_Clock`) that moves forward from a year ago to the start of
today, always to the earliest step still to come, so that timelines are coherent across claims:
the daily lifting of the claims left without an answer (`claims_lift_unanswered`) runs at the
moment it would have run, and lifts what it would have lifted. A step whose moment has not come
yet is not taken: the recent claims are still received, acknowledged or waiting for their
intervention, some of them overdue.

Deterministic: one random generator per cooperative, and every story draws the same values in
the same order whatever happens to it. Idempotent: a cooperative that has claims is left as it
is. The e-mails the steps write are recorded as sent at their step's moment (no e-mail leaves
during the seed).

Satisfaction after the intervention: each cooperative runs, over the year, a nominative
"après intervention" campaign (`KeyStep.AFTER_INTERVENTION`, the shipped one-question
template), so that closing a lifted claim invites its buyer (`sav.services.surveys`); about
half of them answer within a few days through the survey's own saving service, most satisfied,
those whose intervention was contested less so. Each claim's answer is drawn from a generator
of its own (seeded by its programme, lot and receipt time, not its id): the claims' stories
draw exactly what they drew before.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections.abc import Generator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cooperatives.models import Buyer, Cooperative, User
from coopqualite.outbox.models import OutboxStatus
from engagements import periods
from engagements.models import Commitment, Indicator, Measurement
from engagements.services.measuring import measurement_compute
from enquetes import scales
from enquetes.answering.saving import response_save_page
from enquetes.answering.snapshot import QuestionSnapshot, snapshot_of
from enquetes.library import AFTER_INTERVENTION_QUESTION
from enquetes.models import KeyStep, Message, SurveyKind
from enquetes.services.campaigns import campaign_create, campaign_start
from sav import rules
from sav.metrics import SAV_METRICS
from sav.models import CallBack, Claim, ClaimEvent, ClaimMessage, Company, ServiceLevel
from sav.rules import Category
from sav.services import claims as services
from sav.services.callbacks import callback_record, callbacks_open

# (name, trade, contact, categories it takes)
COMPANIES = [
    ("Peintures du Rhône", "Peinture, revêtements", "Julien Brun",
     [Category.FINISHES, Category.OTHER]),
    ("Menuiseries Vercors", "Menuiseries", "Anne Sauvage", [Category.JOINERY]),
    ("Guillot Plomberie Chauffage", "Plomberie, chauffage", "Rachid Amrani",
     [Category.PLUMBING, Category.HEATING]),
    ("Élec Confluence", "Électricité", "Sandrine Perret", [Category.ELECTRICITY]),
    ("Étanchéité du Dauphiné", "Étanchéité, couverture", "Loïc Vial",
     [Category.WATERTIGHTNESS]),
    ("Bâtir Lyon Gros Œuvre", "Gros œuvre, VRD", "Farid Mansouri",
     [Category.STRUCTURE, Category.COMMON_AREAS]),
]  # fmt: skip
OTHER_COMPANIES = [
    ("Normandie Second Œuvre", "Tous corps d'état", "Hélène Lecoq", list(Category)),
]

# What the households report, per category: (room, description).
DISORDERS: dict[str, list[tuple[str, str]]] = {
    Category.FINISHES: [
        ("Séjour", "Fissures fines dans la peinture au-dessus de la porte-fenêtre."),
        ("Salle de bains", "Joints de faïence qui se décollent autour de la baignoire."),
        ("Chambre 1", "Plinthe décollée sur deux mètres le long du mur de la fenêtre."),
        ("Entrée", "Parquet qui grince et se soulève près de la porte d'entrée."),
    ],
    Category.JOINERY: [
        ("Séjour", "Le volet roulant de la baie vitrée se bloque à mi-hauteur."),
        ("Chambre 2", "La fenêtre ferme mal : de l'air passe quand il y a du vent."),
        ("Entrée", "La porte palière frotte sur le seuil et ferme difficilement."),
    ],
    Category.PLUMBING: [
        ("Salle de bains", "Fuite sous le lavabo, au raccord de l'évacuation."),
        ("Cuisine", "L'évier se vide très lentement malgré le débouchage."),
        ("WC", "La chasse d'eau coule en continu."),
    ],
    Category.ELECTRICITY: [
        ("Cuisine", "Deux prises du plan de travail ne fonctionnent pas."),
        ("Chambre 1", "Le disjoncteur de la chambre saute quand on allume le radiateur."),
    ],
    Category.HEATING: [
        ("Séjour", "Le radiateur reste froid malgré le thermostat au maximum."),
        ("Salle de bains", "La VMC fait un bruit important la nuit."),
        ("Cellier", "L'eau chaude met plusieurs minutes à arriver."),
    ],
    Category.WATERTIGHTNESS: [
        ("Chambre 2", "Auréole d'humidité au plafond après les fortes pluies."),
        ("Balcon", "Infiltration sous la porte-fenêtre quand il pleut."),
    ],
    Category.STRUCTURE: [
        ("Séjour", "Fissure en escalier qui s'allonge sur le mur porteur."),
    ],
    Category.COMMON_AREAS: [
        ("Parking", "La porte du parking ne se referme pas après le passage des voitures."),
        ("Hall", "L'interphone ne sonne plus dans le logement."),
    ],
    Category.OTHER: [
        ("Jardin", "Le gazon livré n'a pas pris : terre nue sur la moitié du jardin."),
    ],
}
# How often each category is reported (reserves at delivery: finishes and joinery mostly).
CLAIM_WEIGHTS = {
    Category.FINISHES: 6, Category.JOINERY: 5, Category.PLUMBING: 5, Category.ELECTRICITY: 3,
    Category.HEATING: 4, Category.WATERTIGHTNESS: 2, Category.STRUCTURE: 1,
    Category.COMMON_AREAS: 2, Category.OTHER: 1,
}  # fmt: skip
RESERVE_WEIGHTS = {
    Category.FINISHES: 8, Category.JOINERY: 4, Category.PLUMBING: 2, Category.ELECTRICITY: 2,
    Category.HEATING: 1, Category.WATERTIGHTNESS: 0, Category.STRUCTURE: 0,
    Category.COMMON_AREAS: 1, Category.OTHER: 1,
}  # fmt: skip
REFUSALS = [
    "Désordre lié à l'usage du logement : l'entretien courant reste à la charge de l'acquéreur.",
    "Après visite, aucun désordre constaté : l'équipement fonctionne normalement.",
]

# (commitment, journey metric, target, direction, period): the after-sales indicators of the
# demo, computed from the claims (their names are the metrics' own).
INDICATORS = [
    (6, "sav_acknowledged_same_day", 95, "higher"),
    (6, "sav_followed_up_in_time", 90, "higher"),
    (6, "sav_median_days_to_lift", 45, "lower"),
    (6, "sav_lifted_within_perfect_completion", 95, "higher"),
    (6, "sav_satisfaction_after_intervention", 80, "higher"),
    (6, "sav_called_back_in_time", 90, "higher"),
]
INDICATOR_PERIOD = periods.Period.QUARTER
HISTORY_DAYS = 365
# The planning of interventions slips now and then (14 working days more), and has fallen
# behind over the last weeks (half of the claims received since wait 30 more): the inbox has
# claims overdue.
SLIP = 0.1
BACKLOG_DAYS = 56
BACKLOG_SLIP = 0.5

# The after-intervention survey: who answers (buyers without e-mail find it in their space
# only), how many days after the close, and what (very or fairly satisfied mostly, less so
# after a contested intervention; "ne sait pas" now and then).
SURVEY_NAME = "Satisfaction après intervention du SAV"
SURVEY_ANSWER_SHARE = 0.55
SURVEY_ANSWER_SHARE_NO_EMAIL = 0.15
SURVEY_ANSWER_AFTER = [0, 0, 1, 1, 2, 3, 5, 8]  # days
SURVEY_VALUES = [*(value for value, _ in scales.SATISFACTION), scales.DONT_KNOW[0]]
SURVEY_WEIGHTS = [44, 32, 12, 6, 6]
SURVEY_WEIGHTS_CONTESTED = [14, 30, 30, 18, 8]

# The closed loop: an unhappy respondent who accepted a call is called back so many working
# days after the call-back opened (due 5 working days after the answer: mostly in time, now and
# then late), with this outcome.
CALLBACK_AFTER = [1, 1, 1, 1, 2, 2, 3, 4, 6, 8]
CALLBACK_OUTCOMES = {
    CallBack.Outcome.REACHED: (
        55,
        "Joint(e) au téléphone : explications données, pas de suite à donner.",
    ),
    CallBack.Outcome.SOLVED: (
        30,
        "Joint(e) : le point soulevé est réglé, l'acquéreur nous en remercie.",
    ),
    CallBack.Outcome.UNREACHABLE: (15, "Trois appels sans réponse, message laissé."),
}

Story = Generator[dt.datetime, dt.datetime, None]


class _Clock:
    """The seed's controllable clock: stories wait for a moment, the clock runs each at its
    moment, earliest first, and stops at `end` (what comes later has not happened yet)."""

    def __init__(self, end: dt.datetime) -> None:
        self.end = end
        self._queue: list[tuple[dt.datetime, int, Story]] = []
        self._order = itertools.count()

    def start(self, story: Story) -> None:
        self._wait(story, next(story), after=None)

    def _wait(self, story: Story, moment: dt.datetime, after: dt.datetime | None) -> None:
        # A story's next step never comes before its previous one (a reserve filed at 10 is
        # not accepted at 9 the same day): at the earliest, right after it.
        moment = max(moment, after) if after else moment
        if moment < self.end:
            heapq.heappush(self._queue, (moment, next(self._order), story))

    def run(self) -> None:
        while self._queue:
            moment, _, story = heapq.heappop(self._queue)
            try:
                self._wait(story, story.send(moment), after=moment)
            except StopIteration:
                continue


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _working(day: dt.date, days: int = 0) -> dt.date:
    """The `days`-th working day after `day` (the next working day, for 0, if `day` is not)."""
    if days == 0:
        while not rules.is_working_day(day):
            day += dt.timedelta(days=1)
        return day
    return rules.working_days_add(day, days)


def _working_before(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not rules.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class _Draws:
    """Every random value of one story, drawn up front in a fixed order."""

    hour: int
    minute: int
    acknowledge_after: int  # working days (households without e-mail)
    qualify_after: int  # working days
    refuse: float
    refusal: str
    wait: float
    wait_days: int
    assign_after: int  # working days after the qualification
    slip: float  # below SLIP: the planning slips past its deadline
    intervention_after: int  # working days after the assignment
    by_company: float
    answer: float
    answer_after: int  # days after the intervention
    close: float
    close_after: int  # days

    @classmethod
    def draw(cls, rng: random.Random) -> _Draws:
        return cls(
            hour=rng.randint(8, 17),
            minute=rng.choice([0, 10, 20, 30, 40, 50]),
            acknowledge_after=rng.choice([1, 2, 2, 3]),
            qualify_after=rng.choice([0, 1, 1, 1, 2, 2, 2, 3, 3, 5]),
            refuse=rng.random(),
            refusal=rng.choice(REFUSALS),
            wait=rng.random(),
            wait_days=rng.randint(4, 12),
            assign_after=rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 18]),
            slip=rng.random(),
            intervention_after=rng.choice([3, 5, 5, 7, 10, 12]),
            by_company=rng.random(),
            answer=rng.random(),
            answer_after=rng.choice([1, 2, 3, 4, 6, 9]),
            close=rng.random(),
            close_after=rng.choice([1, 2, 5, 8, 15, 30]),
        )


@dataclass
class _Context:
    staff: list[User]
    companies: dict[str, Company]
    auto_lift_days: int
    backlog_from: dt.date
    survey_question: QuestionSnapshot


def _story(
    context: _Context,
    draws: _Draws,
    *,
    buyer: Buyer,
    category: str,
    room: str,
    description: str,
    reported: dt.datetime,
    channel: str,
) -> Story:
    """One claim's life, step by step: each `yield` waits for the clock to reach a moment."""
    staff = context.staff
    filer = None if channel == Claim.Channel.SPACE else staff[draws.hour % len(staff)]
    now = yield reported
    claim = services.claim_file(
        lot=buyer.lot, buyer=buyer, channel=channel, category=category, room=room,
        description=description, now=now, user=filer,
    )  # fmt: skip
    day = timezone.localdate(now)
    if claim.status == rules.Status.RECEIVED:  # no e-mail address: acknowledged by letter
        now = yield _at(_working(day, draws.acknowledge_after), 9, draws.minute)
        services.claim_acknowledge(claim=claim, user=staff[0], now=now,
                                   comment="Accusé de réception envoyé par courrier.")  # fmt: skip
        day = timezone.localdate(now)
    now = yield _at(_working(day, draws.qualify_after), draws.hour, draws.minute)
    refused = draws.refuse < (0.6 if claim.guarantee == rules.Guarantee.NONE else 0.04)
    if refused:
        services.claim_refuse(claim=claim, user=staff[0], now=now, reason=draws.refusal)
        if draws.close < 0.6:
            now = yield now + dt.timedelta(days=draws.close_after)
            services.claim_close(claim=claim, user=staff[0], now=now)
        return
    services.claim_accept(claim=claim, user=staff[0], now=now,
                          comment="Désordre constaté, intervention à planifier.")  # fmt: skip
    day = timezone.localdate(now)
    if draws.wait < 0.08:
        services.claim_wait(claim=claim, user=staff[0], now=now,
                            comment="Accès au logement à convenir avec l'acquéreur.")  # fmt: skip
        now = yield now + dt.timedelta(days=draws.wait_days)
        services.claim_resume(claim=claim, now=now, comment="Créneau d'accès confirmé.")
        day = timezone.localdate(now)
    company = context.companies[category]
    assignee = staff[0] if draws.by_company < 0.7 else staff[-1]
    contested = False
    assign_after = draws.assign_after + (14 if draws.slip < SLIP else 0)
    if timezone.localdate(reported) >= context.backlog_from and draws.slip < BACKLOG_SLIP:
        assign_after += 30
    while True:
        now = yield _at(_working(day, assign_after), 10, draws.minute)
        intervention = _working(timezone.localdate(now), draws.intervention_after)
        services.claim_assign(claim=claim, company=company, intervention_on=intervention,
                              user=staff[0], now=now, assignee=assignee)  # fmt: skip
        now = yield _at(intervention, 16, draws.minute)
        if draws.by_company < 0.6:
            services.claim_mark_done(claim=claim, now=now, comment="Intervention réalisée.")
        else:
            services.claim_mark_done(
                claim=claim,
                now=now,
                user=staff[0],
                comment="Intervention constatée avec l'entreprise.",
            )
        day = timezone.localdate(now)
        if draws.answer < 0.6 or (contested and draws.answer < 0.75):
            now = yield _at(day + dt.timedelta(days=draws.answer_after), 19, draws.minute)
            services.claim_lift(claim=claim, now=now,
                                comment="Tout est réparé, merci.")  # fmt: skip
            break
        if draws.answer < 0.75:
            now = yield _at(day + dt.timedelta(days=draws.answer_after), 19, draws.minute)
            services.claim_contest(claim=claim, now=now,
                                   comment="Le problème est revenu deux jours après.")  # fmt: skip
            day, contested = timezone.localdate(now), True
            continue
        # No answer: the daily job lifts it once the cooperative's delay has passed.
        now = yield _at(day + dt.timedelta(days=context.auto_lift_days + 1), 7)
        services.claims_lift_unanswered(now=now)
        claim.refresh_from_db(fields=["status"])
        break
    if claim.status == rules.Status.LIFTED and draws.close < 0.8:
        now = yield now + dt.timedelta(days=draws.close_after)
        services.claim_close(claim=claim, user=staff[0], now=now)
        yield from _survey_answer(context, claim, closed=now, contested=contested)


def _survey_answer(
    context: _Context, claim: Claim, *, closed: dt.datetime, contested: bool
) -> Story:
    """The buyer invited at the close answers the one question, or does not."""
    invitation = claim.survey_invitation
    if invitation is None:
        return
    # Seeded by what the story made of the claim, not by its id (ids move with what the database
    # held before): the same answers whatever ran first.
    lot = claim.lot
    rng = random.Random(f"survey-{lot.programme.code}-{lot.code}-{claim.received_at.isoformat()}")
    answers, after, minute = rng.random(), rng.choice(SURVEY_ANSWER_AFTER), rng.randint(0, 59)
    weights = SURVEY_WEIGHTS_CONTESTED if contested else SURVEY_WEIGHTS
    value = rng.choices(SURVEY_VALUES, weights=weights)[0]
    if answers >= (SURVEY_ANSWER_SHARE if invitation.email else SURVEY_ANSWER_SHARE_NO_EMAIL):
        return
    now = yield _at(timezone.localdate(closed) + dt.timedelta(days=after), 20, minute)
    question = context.survey_question
    response_save_page(invitation=invitation, questions=[question],
                       cleaned={question.pk: value}, now=now, submit=True)  # fmt: skip


def _survey_campaign_seed(cooperative: Cooperative, start: dt.date) -> QuestionSnapshot:
    """The year's nominative "après intervention" campaign, launched on the first day of the
    demo's year of after-sales (before any claim is closed), and its one question."""
    campaign = campaign_create(
        cooperative=cooperative,
        fields={
            "questionnaire": None, "template": "apres-intervention", "reminders": [],
            "source": "buyers", "programmes": [], "steps": [], "name": SURVEY_NAME,
            "kind": SurveyKind.KEY_STEP, "key_step": KeyStep.AFTER_INTERVENTION,
            "days_after_step": 0, "opens_on": start,
            "closes_on": start + dt.timedelta(days=2 * HISTORY_DAYS), "anonymous": False,
        },
    )  # fmt: skip
    campaign_start(campaign=campaign, now=_at(start, 8))
    questions = snapshot_of(campaign.questionnaire, anonymous=campaign.anonymous).questions
    return next(q for q in questions if q.key == AFTER_INTERVENTION_QUESTION)


def _reserve_story(
    context: _Context, draws: _Draws, *, buyer: Buyer, category: str, room: str,
    description: str,
) -> Story:  # fmt: skip
    """A reserve of the delivery report: filed by staff at the handover, then as any claim."""
    assert buyer.delivery_date is not None
    reported = _at(_working(buyer.delivery_date), 10, draws.minute)
    yield from _story(context, draws, buyer=buyer, category=category, room=room,
                      description=description, reported=reported,
                      channel=Claim.Channel.DELIVERY_REPORT)  # fmt: skip


def _pick(rng: random.Random, weights: dict[str, int]) -> tuple[str, str, str]:
    category = rng.choices(list(weights), weights=list(weights.values()))[0]
    room, description = rng.choice(DISORDERS[category])
    return category, room, description


def _companies_seed(cooperative: Cooperative, specs: list) -> dict[str, Company]:
    by_category: dict[str, Company] = {}
    for name, trade, contact, categories in specs:
        slug = "".join(c for c in name.lower() if c.isascii() and c.isalnum())
        company, _ = Company.objects.get_or_create(
            cooperative=cooperative,
            name=name,
            defaults={
                "trade": trade,
                "contact_name": contact,
                "email": f"sav@{slug}.exemple.fr",
                "phone": "04 72 00 00 00",
            },
        )
        by_category.update({category: company for category in categories})
    return by_category


@dataclass(frozen=True)
class SavDemo:
    """One cooperative of the demo's after-sales: its staff (the first one handles most
    claims) and its companies."""

    cooperative: Cooperative
    staff: list[User]
    companies: list = field(default_factory=lambda: COMPANIES)


def _stories_start(clock: _Clock, demo: SavDemo, reference: dt.date) -> None:
    """Start the stories of one cooperative's reserves and claims of the last year."""
    rng = random.Random(f"sav-{demo.cooperative.slug}")
    start = reference - dt.timedelta(days=HISTORY_DAYS)
    context = _Context(
        demo.staff,
        _companies_seed(demo.cooperative, demo.companies),
        ServiceLevel.of(demo.cooperative.pk).auto_lift_days,
        reference - dt.timedelta(days=BACKLOG_DAYS),
        _survey_campaign_seed(demo.cooperative, start),
    )
    buyers = (
        Buyer.objects.for_cooperative(demo.cooperative)
        .filter(delivery_date__lte=reference)
        .select_related("lot__programme")
        .order_by("lot__code", "pk")
    )
    channels = [Claim.Channel.SPACE] * 5 + [Claim.Channel.PHONE] * 2 + [
        Claim.Channel.EMAIL, Claim.Channel.LETTER,
    ]  # fmt: skip
    for buyer in buyers:
        delivery = buyer.delivery_date
        assert delivery is not None
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            category, room, description = _pick(rng, RESERVE_WEIGHTS)
            draws = _Draws.draw(rng)
            if delivery >= start:
                clock.start(_reserve_story(context, draws, buyer=buyer, category=category,
                                           room=room, description=description))  # fmt: skip
        for _ in range(rng.choice([0, 1, 1, 1, 2])):
            category, room, description = _pick(rng, CLAIM_WEIGHTS)
            draws, offset, channel = _Draws.draw(rng), rng.random(), rng.choice(channels)
            first = max(start, delivery + dt.timedelta(days=1))
            day = first + dt.timedelta(days=int(offset * max((reference - first).days, 0)))
            if not buyer.email:
                channel = Claim.Channel.PHONE
            if channel != Claim.Channel.SPACE:
                day = _working(day)
            reported = _at(day, draws.hour, draws.minute)
            clock.start(_story(context, draws, buyer=buyer, category=category, room=room,
                               description=description, reported=reported,
                               channel=channel))  # fmt: skip
        if not buyer.email:  # a letter received yesterday, to acknowledge by letter
            category, room, description = _pick(rng, CLAIM_WEIGHTS)
            draws, day = _Draws.draw(rng), _working_before(reference)
            clock.start(_story(context, draws, buyer=buyer, category=category, room=room,
                               description=description, reported=_at(day, 11),
                               channel=Claim.Channel.LETTER))  # fmt: skip


def _indicators_seed(*, cooperative: Cooperative, reference: dt.date) -> None:
    """Commitment 6's indicators, computed from the claims: the typed-in ones of old give way."""
    commitments = {c.number: c for c in Commitment.objects.for_cooperative(cooperative)}
    for position, (number, key, target, direction) in enumerate(INDICATORS, start=30):
        metric = SAV_METRICS[key]
        indicator, _ = Indicator.objects.get_or_create(
            commitment=commitments[number],
            journey_metric=key,
            defaults={
                "name": metric.label,
                "unit": metric.unit,
                "direction": direction,
                "target": Decimal(target),
                "period": INDICATOR_PERIOD,
                "source": Indicator.Source.JOURNEY,
                "position": position,
                "is_public": True,
            },
        )
        for period_start in periods.last_starts(indicator.period, 5, reference)[:-1]:
            if not Measurement.objects.filter(indicator=indicator,
                                              period_start=period_start).exists():  # fmt: skip
                measurement_compute(indicator=indicator, period_start=period_start)


def sav_seed(*, demos: list[SavDemo], reference: dt.date) -> None:
    """The year of after-sales of the demo's cooperatives, on one clock (the daily lifting of
    unanswered claims runs over every cooperative), then their computed indicators."""
    clock = _Clock(end=_at(reference, 0))
    fresh = []
    for demo in demos:
        if not Claim.objects.for_cooperative(demo.cooperative).exists():
            _stories_start(clock, demo, reference)
            fresh.append(demo.cooperative)
        else:
            _companies_seed(demo.cooperative, demo.companies)
    clock.run()
    # The steps' e-mails are in the past: recorded as sent at their step's moment.
    step_at = Subquery(ClaimEvent.objects.filter(pk=OuterRef("event_id")).values("at")[:1])
    ClaimMessage.objects.filter(
        event__claim__cooperative__in=fresh, status=OutboxStatus.PENDING
    ).update(status=OutboxStatus.SENT, attempts=1, sent_at=step_at, claimed_at=step_at,
             first_attempt_at=step_at)  # fmt: skip
    # So are the survey invitations, at the close of their claim.
    closed_at = Subquery(
        ClaimEvent.objects.filter(
            claim__survey_invitation=OuterRef("invitation_id"), kind=ClaimEvent.Kind.CLOSED
        ).values("at")[:1]
    )
    Message.objects.filter(
        invitation__campaign__cooperative__in=fresh,
        invitation__campaign__key_step=KeyStep.AFTER_INTERVENTION,
        status=OutboxStatus.PENDING,
    ).update(status=OutboxStatus.SENT, attempts=1, sent_at=closed_at, claimed_at=closed_at,
             first_attempt_at=closed_at)  # fmt: skip
    if fresh:
        _callbacks_seed(demos=[d for d in demos if d.cooperative in fresh], reference=reference)
    for demo in demos:
        _indicators_seed(cooperative=demo.cooperative, reference=reference)


def _callbacks_seed(*, demos: list[SavDemo], reference: dt.date) -> None:
    """The closed loop over the demo's year: every evening the daily work opens the call-backs
    owed to the unhappy respondents of the nominative surveys who accepted a call; the person
    in charge records each call a few working days later (the last ones are still to make)."""
    now = timezone.now()
    day = reference - dt.timedelta(days=HISTORY_DAYS)
    while day <= reference:
        callbacks_open(now=min(_at(day, 21), now))
        day += dt.timedelta(days=1)
    outcomes = list(CALLBACK_OUTCOMES)
    weights = [weight for weight, _ in CALLBACK_OUTCOMES.values()]
    for demo in demos:
        callbacks = (
            CallBack.objects.for_cooperative(demo.cooperative)
            .filter(outcome="")
            .select_related("buyer__lot__programme", "response")
            .order_by("opened_at", "pk")
        )
        for callback in callbacks:
            # Seeded by the household and the day of its answer, not by ids (see _survey_answer).
            lot = callback.buyer.lot if callback.buyer else None
            key = f"{lot.programme.code}-{lot.code}" if lot else str(callback.reasons)
            rng = random.Random(f"callback-{key}-{callback.response.submitted_on}")
            after, outcome = rng.choice(CALLBACK_AFTER), rng.choices(outcomes, weights)[0]
            opened = timezone.localdate(callback.opened_at)
            moment = _at(_working(opened, after), rng.randint(9, 17), rng.choice([0, 20, 40]))
            if moment >= now:
                continue
            callback_record(
                callback=callback, outcome=outcome, note=CALLBACK_OUTCOMES[outcome][1],
                user=callback.assignee or demo.staff[0], now=moment,
            )  # fmt: skip
