"""Fixtures of the tenancy tests: the browser of the buyer tests (the second factor's pages are
checked in it)."""

from tests.buyer.conftest import browser, phone  # noqa: F401  (fixtures)
