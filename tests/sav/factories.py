"""Factories of the after-sales app."""

import datetime as dt

import factory
from django.utils import timezone

from enquetes.models import Campaign, Response
from enquetes.services.questionnaires import questionnaire_from_template
from sav.models import CallBack, Company
from tests.factories import CooperativeFactory


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    cooperative = factory.SubFactory(CooperativeFactory)
    name = factory.Sequence(lambda n: f"Entreprise {n}")
    trade = "Plomberie"
    contact_name = "Marc Durand"
    email = factory.Sequence(lambda n: f"entreprise{n}@exemple.fr")
    phone = "03 88 00 00 00"


def callback_create(buyer, *, due, reasons="Recommandation 2/10", campaign=None, **fields):
    """A call-back owed to `buyer` (a response of a nominative campaign behind it, created
    unless `campaign` is given)."""
    cooperative = buyer.lot.programme.cooperative
    if campaign is None:
        questionnaire = questionnaire_from_template(
            cooperative=cooperative, template_key="apres-reservation"
        )
        campaign = Campaign.objects.create(
            cooperative=cooperative, questionnaire=questionnaire, name="Après la réservation",
            kind="key_step", key_step="reservation", opens_on=due - dt.timedelta(days=30),
            closes_on=due + dt.timedelta(days=30), anonymous=False,
        )  # fmt: skip
    response = Response.objects.create(
        campaign=campaign, completed=True, submitted_on=due - dt.timedelta(days=7)
    )
    return CallBack.objects.create(
        cooperative=cooperative, response=response, buyer=buyer, reasons=reasons, due=due,
        opened_at=fields.pop("opened_at", timezone.now()), **fields,
    )  # fmt: skip
