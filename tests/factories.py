import datetime as dt

import factory

from cooperatives.models import Buyer, Cooperative, Federation, Lot, Programme, User

PASSWORD = "mot-de-passe-de-test"


class FederationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Federation

    name = factory.Sequence(lambda n: f"Fédération {n}")
    slug = factory.Sequence(lambda n: f"federation-{n}")


class CooperativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cooperative

    name = factory.Sequence(lambda n: f"Coopérative {n}")
    slug = factory.Sequence(lambda n: f"cooperative-{n}")
    federation = factory.SubFactory(FederationFactory)
    homes_count = 500


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@exemple.fr")
    role = User.Role.STAFF
    cooperative = factory.SubFactory(CooperativeFactory)
    password = factory.django.Password(PASSWORD)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    cooperative = factory.SubFactory(CooperativeFactory)
    name = factory.Sequence(lambda n: f"Résidence {n}")
    code = factory.Sequence(lambda n: f"P{n}")
    city = "Lyon"


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"LOT-{n:03d}")
    typology = "T3"


class BuyerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Buyer

    lot = factory.SubFactory(LotFactory)
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"acquereur{n}@exemple.fr")
    reservation_date = dt.date(2024, 1, 15)
