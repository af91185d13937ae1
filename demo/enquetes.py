"""Demo surveys: two triennial waves (the latest finished, with a few thousand responses) and a
running key-step campaign over the demo buyers."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from cooperatives.models import Cooperative, Programme
from demo.builders import FIRST_NAMES, LAST_NAMES
from engagements import periods
from engagements.models import Indicator
from engagements.services.measuring import measurement_compute
from enquetes import scales
from enquetes.models import (
    Answer,
    Campaign,
    Invitation,
    KeyStep,
    Message,
    Question,
    Response,
)
from enquetes.services.campaigns import campaign_start
from enquetes.services.questionnaires import (
    questionnaire_freeze,
    questionnaire_from_template,
    questionnaire_new_version,
)

COMMENTS = [
    "Très bon accompagnement de notre conseillère, toujours disponible.",
    "Le chantier a pris du retard mais nous avons été prévenus à temps.",
    "Les finitions de la salle de bains laissent à désirer.",
    "Réactivité du service après-vente à améliorer : trois relances pour une porte.",
    "Nous sommes ravis de notre appartement, lumineux et bien isolé.",
    "Le parking souterrain est souvent sale.",
    "Merci pour la visite de chantier, c'était un beau moment pour nos enfants.",
    "Les charges de copropriété sont plus élevées que prévu.",
    "Accueil chaleureux, explications claires sur le PSLA.",
    "L'ascenseur est souvent en panne depuis la livraison.",
    "Rien à redire, nous recommandons la coopérative à nos amis.",
    "La date de livraison a été confirmée tard, difficile d'organiser le déménagement.",
]

# Average satisfaction (0 = not at all, 1 = very) per theme, for each wave: the action plan
# shows, after-sales improves between the two triennial waves.
THEME_MEANS = {
    "previous": {"sav": 0.52, "information": 0.6, "logement": 0.66, "prix": 0.7},
    "latest": {"sav": 0.64, "information": 0.68, "logement": 0.69, "prix": 0.72},
}


def _scale_value(rng: random.Random, mean: float) -> str:
    if rng.random() < 0.04:
        return scales.DONT_KNOW[0]
    x = min(max(rng.gauss(mean, 0.22), 0), 0.999)
    return scales.SATISFACTION[3 - int(x * 4)][0]


def _answers_for(rng, questions, means, response) -> list[Answer]:
    rows, given = [], {}
    person = rng.gauss(0, 0.1)
    for question in questions:
        condition = question.condition_question_id
        if condition and given.get(condition) not in question.condition_values:
            continue
        if not question.required and rng.random() < 0.15:
            continue
        kind = question.type
        if kind == Question.Type.SATISFACTION:
            value = _scale_value(rng, means.get(question.theme, 0.68) + person)
        elif kind == Question.Type.YES_NO:
            value = "oui" if rng.random() < (0.45 if question.theme == "sav" else 0.8) else "non"
        elif kind == Question.Type.NPS:
            value = str(min(10, max(0, round(rng.gauss(7.6 + person * 10, 2)))))
        elif kind == Question.Type.MULTIPLE:
            options = [c.value for c in question.choices.all()]
            for option in rng.sample(options, rng.randint(1, 3)):
                rows.append(Answer(response=response, question=question, value=option))
            continue
        elif kind == Question.Type.SINGLE:
            value = rng.choice([c.value for c in question.choices.all()])
        else:
            if rng.random() < 0.2:
                rows.append(Answer(response=response, question=question, text=rng.choice(COMMENTS)))
            continue
        given[question.pk] = value
        rows.append(Answer(response=response, question=question, value=value))
    return rows


def _wave(*, cooperative, questionnaire, name, opens_on, closes_on, invited, rate, means, rng):
    """A finished campaign with synthetic occupants (imported population), answered on the web
    and by phone."""
    campaign = Campaign.objects.create(
        cooperative=cooperative, questionnaire=questionnaire, name=name, kind="triennial",
        opens_on=opens_on, closes_on=closes_on, anonymous=True, reminder_days=[7, 14],
        population={"source": "import"},
        launched_at=timezone.make_aware(dt.datetime.combine(opens_on, dt.time(9))),
    )  # fmt: skip
    questionnaire_freeze(questionnaire=questionnaire)
    programmes = list(Programme.objects.for_cooperative(cooperative))
    invitations = []
    for i in range(invited):
        programme = programmes[i % len(programmes)]
        invitations.append(
            Invitation(
                campaign=campaign,
                programme=programme,
                lot_code=f"{programme.code}-{i:04d}",
                last_name=rng.choice(LAST_NAMES),
                first_name=rng.choice(FIRST_NAMES),
                email=f"occupant{i}.{opens_on.year}@exemple.fr",
                expires_at=campaign.closes_at,
            )  # fmt: skip
        )
    Invitation.objects.bulk_create(invitations, batch_size=1000)
    invitations = list(Invitation.objects.filter(campaign=campaign).order_by("pk"))
    sent_at = campaign.launched_at
    Message.objects.bulk_create(
        (Message(invitation=inv, number=0, status="sent", sent_at=sent_at) for inv in invitations),
        batch_size=2000,
    )
    questions = list(
        Question.objects.filter(questionnaire=questionnaire)
        .prefetch_related("choices")
        .order_by("section__position", "position")
    )
    days = (closes_on - opens_on).days
    responses, answers, answered = [], [], []
    for invitation in invitations:
        if rng.random() > rate:
            continue
        day = opens_on + dt.timedelta(days=min(days, int(rng.expovariate(1 / 8))))
        invitation.answered_at = timezone.make_aware(dt.datetime.combine(day, dt.time(19)))
        invitation.started_at = invitation.answered_at
        answered.append(invitation)
        response = Response(
            campaign=campaign, programme_id=invitation.programme_id, completed=True,
            channel="phone" if rng.random() < 0.12 else "web",
        )  # fmt: skip
        responses.append(response)
        answers += _answers_for(rng, questions, means, response)
    Invitation.objects.bulk_update(answered, ["answered_at", "started_at"], batch_size=1000)
    Response.objects.bulk_create(responses, batch_size=1000)
    Answer.objects.bulk_create(answers, batch_size=5000)
    return campaign


def enquetes_seed(*, cooperative: Cooperative, reference: dt.date, rng: random.Random) -> None:
    if Campaign.objects.filter(cooperative=cooperative).exists():
        return
    first = questionnaire_from_template(
        cooperative=cooperative, template_key="triennale-acquereurs"
    )
    # Autumn waves: the latest closed last year, so that last year's annual report presents it.
    latest_open = dt.date(reference.year - 1, 9, 15)
    previous_open = latest_open.replace(year=latest_open.year - 3)
    _wave(
        cooperative=cooperative, questionnaire=first,
        name=f"Enquête triennale {previous_open.year}", opens_on=previous_open,
        closes_on=previous_open + dt.timedelta(days=60), invited=2800, rate=0.55,
        means=THEME_MEANS["previous"], rng=rng,
    )  # fmt: skip
    second = questionnaire_new_version(questionnaire=first)
    _wave(
        cooperative=cooperative, questionnaire=second,
        name=f"Enquête triennale {latest_open.year}", opens_on=latest_open,
        closes_on=latest_open + dt.timedelta(days=60), invited=3200, rate=0.68,
        means=THEME_MEANS["latest"], rng=rng,
    )  # fmt: skip
    delivery = questionnaire_from_template(cooperative=cooperative, template_key="apres-livraison")
    running = Campaign.objects.create(
        cooperative=cooperative, questionnaire=delivery, name="Un mois après la livraison",
        kind="key_step", key_step="delivery", days_after_step=30,
        opens_on=reference - dt.timedelta(days=240), closes_on=reference + dt.timedelta(days=125),
        anonymous=False, reminder_days=[7, 14],
    )  # fmt: skip
    campaign_start(campaign=running, now=timezone.now())
    _answer_some(running, rng, share=0.45)
    _indicators_from_surveys(cooperative=cooperative, reference=reference)


def demo_invitation() -> Invitation | None:
    """An invitation of the demo's running campaign still waiting for its answer: the buyer-side
    link `seed_demo` prints (the same one on every run until someone answers it)."""
    return (
        Invitation.objects.filter(
            campaign__cooperative__slug="horizon-habitat",
            campaign__name="Un mois après la livraison",
            answered_at=None,
            unsubscribed_at=None,
        )
        .order_by("pk")
        .first()
    )


def _answer_some(campaign: Campaign, rng: random.Random, share: float) -> None:
    """Responses of a nominative key-step campaign, tied to their invitations. The campaign is
    dated back to its opening, and each household invited (its e-mail sent) on the day it
    became due (`days_after_step` after its key step); a share answers within three weeks of
    that day, never after today (what the closed loop of the after-sales demo calls back over
    the year)."""
    questions = list(
        Question.objects.filter(questionnaire=campaign.questionnaire).prefetch_related("choices")
    )
    now = timezone.now()
    today = timezone.localdate(now)
    Campaign.objects.filter(pk=campaign.pk).update(launched_at=min(_nine(campaign.opens_on), now))
    invitations = list(
        Invitation.objects.filter(campaign=campaign).select_related("buyer").order_by("pk")
    )
    invited = []
    for invitation in invitations:
        due = _due_day(campaign, invitation, today)
        if due is not None:
            invitation.created_at = _nine(due)
            invited.append(invitation)
    Invitation.objects.bulk_update(invited, ["created_at"])
    Message.objects.bulk_create(
        Message(invitation=inv, number=0, status="sent", sent_at=inv.created_at) for inv in invited
    )
    answers, answered = [], []
    for invitation in invitations:
        if rng.random() > share:
            continue
        at = _answered_at(campaign, invitation, today) or now
        response = Response.objects.create(
            campaign=campaign, invitation=invitation, programme_id=invitation.programme_id,
            completed=True, submitted_on=timezone.localdate(at),
        )  # fmt: skip
        answers += _answers_for(rng, questions, THEME_MEANS["latest"], response)
        invitation.answered_at = invitation.started_at = at
        answered.append(invitation)
    Answer.objects.bulk_create(answers)
    Invitation.objects.bulk_update(answered, ["answered_at", "started_at"])


def _nine(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def _due_day(campaign: Campaign, invitation: Invitation, today: dt.date) -> dt.date | None:
    """The day this household became due for the key-step campaign, if before today."""
    buyer = invitation.buyer
    if buyer is None or not campaign.key_step or not KeyStep(campaign.key_step).is_dated:
        return None
    step = getattr(buyer, KeyStep(campaign.key_step).buyer_date_field)
    if step is None:
        return None
    due = max(campaign.opens_on, step + dt.timedelta(days=campaign.days_after_step))
    return due if due < today else None


def _answered_at(campaign: Campaign, invitation: Invitation, today: dt.date) -> dt.datetime | None:
    """When this household answered: drawn from its own generator (seeded by the campaign and
    the household, not by ids, and apart from the answers' generator), or None for today."""
    due = _due_day(campaign, invitation, today)
    if due is None:
        return None
    draw = random.Random(f"{campaign.name}-{invitation.lot_code}-{invitation.last_name}")
    day = min(today, due + dt.timedelta(days=draw.randint(0, 21)))
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(draw.randint(8, 20))))
    return max(min(at, timezone.now()), _nine(due))


def _indicators_from_surveys(*, cooperative: Cooperative, reference: dt.date) -> None:
    """Compute the survey-sourced indicators over the years the waves cover."""
    for indicator in Indicator.objects.for_cooperative(cooperative).filter(source="survey"):
        for start in periods.last_starts(indicator.period, 4, reference):
            measurement_compute(indicator=indicator, period_start=start)
