"""Commitment 4 computed from the letters sent at the four essential phases."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from chantiers.metrics import letters_at_phases_share
from chantiers.models import Phase
from chantiers.services.letters import letter_save
from chantiers.services.phases import phase_add, phases_create_default
from chantiers.services.publishing import letter_publish
from engagements.models import Commitment, Indicator
from engagements.services.measuring import measurement_compute
from engagements.sources import Figure
from tests import factories
from tests.engagements.factories import IndicatorFactory

pytestmark = pytest.mark.django_db
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def _reached(programme, position, day):
    phase = Phase.objects.get(programme=programme, position=position)
    phase.actual_date = day
    phase.save()
    return phase


def _letter(phase, user, published_on):
    letter = letter_save(phase=phase, user=user, title="Lettre", text="x")
    moment = dt.datetime.combine(published_on, dt.time(10), tzinfo=dt.UTC)
    letter_publish(letter=letter, user=user, now=moment)


@pytest.fixture
def works(programme_a):
    phases_create_default(programme=programme_a)
    return programme_a


def test_a_phase_counts_as_kept_when_its_letter_left_within_30_days(works, staff_a, coop_a):
    _letter(_reached(works, 1, dt.date(2026, 1, 10)), staff_a, dt.date(2026, 2, 9))
    _letter(_reached(works, 2, dt.date(2026, 1, 20)), staff_a, dt.date(2026, 2, 20))
    _reached(works, 3, dt.date(2026, 2, 1))

    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.UTC)):
        figure = letters_at_phases_share(coop_a.pk, *Q1)

    # 10 Jan → 9 Feb: 30 days, kept; 20 Jan → 20 Feb: 31 days, late; 1 Feb: no letter.
    assert figure == Figure(Decimal("33.3"), 3)


def test_a_phase_within_its_30_days_counts_only_once_its_letter_left(works, staff_a, coop_a):
    phase = _reached(works, 1, dt.date(2026, 3, 20))

    with time_machine.travel(dt.datetime(2026, 3, 25, tzinfo=dt.UTC)):
        assert letters_at_phases_share(coop_a.pk, *Q1) is None
        _letter(phase, staff_a, dt.date(2026, 3, 25))
        assert letters_at_phases_share(coop_a.pk, *Q1) == Figure(Decimal("100.0"), 1)


def test_only_the_four_essential_phases_count(works, staff_a, coop_a):
    extra = phase_add(programme=works, name="Réunion de chantier")
    extra.actual_date = dt.date(2026, 1, 5)
    extra.save()

    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.UTC)):
        assert letters_at_phases_share(coop_a.pk, *Q1) is None


def test_a_letter_written_before_the_phase_was_reached_does_not_count(works, staff_a, coop_a):
    _letter(_reached(works, 1, dt.date(2026, 2, 1)), staff_a, dt.date(2026, 1, 15))

    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.UTC)):
        assert letters_at_phases_share(coop_a.pk, *Q1) == Figure(Decimal("0.0"), 1)


def test_another_cooperative_s_phases_do_not_count(works, staff_a, coop_a, coop_b):
    other = factories.ProgrammeFactory(cooperative=coop_b)
    phases_create_default(programme=other)
    _reached(other, 1, dt.date(2026, 1, 10))

    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.UTC)):
        assert letters_at_phases_share(coop_a.pk, *Q1) is None


def test_commitment_4_s_indicator_is_computed_from_the_letters(works, staff_a, coop_a):
    indicator = IndicatorFactory(
        commitment=Commitment.objects.get(cooperative=coop_a, charter_number=4),
        source=Indicator.Source.JOURNEY, journey_metric="letters_at_phases", period="quarter",
        target=Decimal("100"),
    )  # fmt: skip
    _letter(_reached(works, 1, dt.date(2026, 1, 10)), staff_a, dt.date(2026, 1, 12))

    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.UTC)):
        measurement = measurement_compute(indicator=indicator, period_start=Q1[0])

    assert (measurement.value, measurement.base) == (Decimal("100.00"), 1)
