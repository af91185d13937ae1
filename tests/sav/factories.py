"""Factories of the after-sales app."""

import factory

from sav.models import Company
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
