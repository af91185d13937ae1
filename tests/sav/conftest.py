"""Personas and records of the after-sales tests."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from tests.buyer.conftest import browser, phone  # noqa: F401  (fixtures of the browser tests)
from tests.sav.factories import CompanyFactory

PARIS = ZoneInfo("Europe/Paris")


def at(year, month, day, hour=10):
    """A moment in the portal's time zone."""
    return dt.datetime(year, month, day, hour, tzinfo=PARIS)


@pytest.fixture
def delivered_buyer(programme_a):
    """A household delivered on 2 April 2026, with an e-mail address."""
    lot = factories.LotFactory(programme=programme_a, code="JDI-101")
    return factories.BuyerFactory(
        lot=lot, last_name="Girard", first_name="Amélie", email="amelie.girard@exemple.fr",
        delivery_date=dt.date(2026, 4, 2), perfect_completion_end=dt.date(2027, 4, 2),
    )  # fmt: skip


@pytest.fixture
def company_a(coop_a):
    return CompanyFactory(cooperative=coop_a, name="Plomberie Schmitt", trade="Plomberie")
