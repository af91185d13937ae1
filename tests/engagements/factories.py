"""Factories of the engagements app (indicators, measurements, actions, evidence)."""

import datetime as dt
from decimal import Decimal

import factory

from engagements.models import Action, Commitment, Evidence, Indicator, Measurement
from tests.factories import CooperativeFactory


class CommitmentFactory(factory.django.DjangoModelFactory):
    """A commitment of the cooperative's own (the charter ones come from the fixtures)."""

    class Meta:
        model = Commitment

    cooperative = factory.SubFactory(CooperativeFactory)
    number = factory.Sequence(lambda n: 100 + n)
    title = factory.Sequence(lambda n: f"Engagement maison {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    commitment = factory.SubFactory(CommitmentFactory)
    name = factory.Sequence(lambda n: f"Indicateur {n}")
    unit = "%"
    direction = Indicator.Direction.HIGHER
    target = Decimal("80")
    period = "quarter"
    source = Indicator.Source.MANUAL


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    period_start = dt.date(2026, 1, 1)
    value = Decimal("85")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    cooperative = factory.SubFactory(CooperativeFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    status = Action.Status.PLANNED

    @factory.post_generation
    def commitments(self, create, extracted, **kwargs):
        if create and extracted:
            self.commitments.set(extracted)


def _cooperative_of_target(evidence) -> object:
    if evidence.action is not None:
        return evidence.action.cooperative
    if evidence.commitment is not None:
        return evidence.commitment.cooperative
    return evidence.measurement.indicator.commitment.cooperative


class NoteEvidenceFactory(factory.django.DjangoModelFactory):
    """A dated note (no file): pass exactly one of action=, measurement= or commitment=."""

    class Meta:
        model = Evidence

    action = None
    measurement = None
    commitment = None
    cooperative = factory.LazyAttribute(_cooperative_of_target)
    kind = Evidence.Kind.NOTE
    title = factory.Sequence(lambda n: f"Compte rendu {n}")
    note = "Réunion tenue avec les acquéreurs."
    fact_date = dt.date(2026, 2, 1)
