import re

import pytest
from django.urls import reverse
from django.utils import timezone

from espace.access import COOKIE
from espace.services.signin import session_open
from tests import factories
from tests.buyer.conftest import browser, phone  # noqa: F401  (fixtures of the browser tests)


@pytest.fixture
def household(programme_a):
    """Two buyers of one lot (a household), each with their own address."""
    lot = factories.LotFactory(programme=programme_a, code="JDI-101")
    first = factories.BuyerFactory(
        lot=lot, first_name="Léa", last_name="Martin", email="lea.martin@exemple.fr"
    )
    second = factories.BuyerFactory(
        lot=lot, first_name="Karim", last_name="Martin", email="karim.martin@exemple.fr"
    )
    return first, second


@pytest.fixture
def buyer(household):
    return household[0]


def signed_in(client, buyer):
    """The client with a session of this buyer."""
    client.cookies[COOKIE] = session_open(buyer=buyer, now=timezone.now())
    return client


def link_in(message) -> str:
    """The path of the sign-in link of an e-mail."""
    match = re.search(r"http://[^/\s]+(/mon-espace/connexion/[\w-]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def request_link(client, mailoutbox, django_capture_on_commit_callbacks):
    """Ask for a link for an address as a buyer would; the e-mails sent."""

    def ask(email: str, ip: str = "203.0.113.7"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("espace_signin"), {"email": email}, REMOTE_ADDR=ip)
        return response

    return ask
