"""Signing in to the buyer's space with a one-time link sent by e-mail."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espace.access import COOKIE
from espace.models import BuyerSession, SignInLink, SignInRequest
from tests.espace.conftest import link_in, signed_in

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def test_a_known_address_receives_a_link_that_opens_the_space(
    client, buyer, request_link, mailoutbox
):
    response = request_link("Lea.Martin@exemple.fr")

    assert response.status_code == 200
    assert "Consultez votre messagerie" in response.content.decode()
    assert [m.to for m in mailoutbox] == [["lea.martin@exemple.fr"]]
    link = link_in(mailoutbox[0])
    opened = client.post(link)
    assert opened.status_code == 302
    assert opened["Location"] == reverse("espace_home")
    assert "Bonjour Léa" in client.get(reverse("espace_home")).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(
    client, buyer, request_link, mailoutbox
):
    known = request_link("lea.martin@exemple.fr", ip="203.0.113.1")
    unknown = request_link("personne@exemple.fr", ip="203.0.113.2")

    assert unknown.status_code == known.status_code == 200
    assert unknown.content.decode().replace("personne@exemple.fr", "X") == (
        known.content.decode().replace("lea.martin@exemple.fr", "X")
    )
    assert len(mailoutbox) == 1


def test_the_request_page_does_the_same_work_for_a_known_and_an_unknown_address(
    client, buyer, django_capture_on_commit_callbacks
):
    counts = []
    for email in ("lea.martin@exemple.fr", "personne@exemple.fr"):
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=False) as queued,
        ):
            client.post(reverse("espace_signin"), {"email": email})
        counts.append((len(queries), len(queued)))

    assert counts[0] == counts[1]
    assert counts[0][1] == 1  # the lookup and the e-mail are a worker's job


def test_the_link_has_256_bits_and_only_its_digest_is_stored(buyer, request_link, mailoutbox):
    request_link("lea.martin@exemple.fr")

    token = link_in(mailoutbox[0]).rstrip("/").rsplit("/", 1)[1]
    assert len(token) == 43  # 32 bytes, base64
    row = SignInLink.objects.values().get()
    assert token not in [str(value) for value in row.values()]


def test_a_link_opened_by_a_mail_scanner_still_works(client, buyer, request_link, mailoutbox):
    request_link("lea.martin@exemple.fr")
    link = link_in(mailoutbox[0])

    assert client.get(link).status_code == 200
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302


def test_a_link_serves_only_once(client, buyer, request_link, mailoutbox):
    request_link("lea.martin@exemple.fr")
    link = link_in(mailoutbox[0])
    client.post(link)
    client.cookies.clear()

    again = client.post(link)

    assert again.status_code == 410
    assert "Ce lien a déjà servi" in again.content.decode()
    assert COOKIE not in again.cookies or again.cookies[COOKIE].value == ""


def test_a_link_expires_after_30_minutes(client, buyer, request_link, mailoutbox):
    with time_machine.travel(NOW, tick=False):
        request_link("lea.martin@exemple.fr")
    link = link_in(mailoutbox[0])

    with time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False):
        late = client.post(link)

    assert late.status_code == 410
    assert "Ce lien a expiré" in late.content.decode()
    assert BuyerSession.objects.count() == 0


def test_a_link_used_within_30_minutes_opens_the_space(client, buyer, request_link, mailoutbox):
    with time_machine.travel(NOW, tick=False):
        request_link("lea.martin@exemple.fr")
    link = link_in(mailoutbox[0])

    with time_machine.travel(NOW + dt.timedelta(minutes=29), tick=False):
        assert client.post(link).status_code == 302


def test_a_sixth_request_for_one_address_within_an_hour_is_refused(
    client, buyer, request_link, mailoutbox
):
    with time_machine.travel(NOW, tick=False):
        for n in range(5):
            assert request_link("lea.martin@exemple.fr", ip=f"203.0.113.{n}").status_code == 200
        refused = request_link("LEA.MARTIN@exemple.fr", ip="203.0.113.99")

    assert refused.status_code == 429
    assert "Trop de demandes" in refused.content.decode()
    assert len(mailoutbox) == 5
    with time_machine.travel(NOW + dt.timedelta(hours=1, seconds=1), tick=False):
        assert request_link("lea.martin@exemple.fr").status_code == 200


def test_a_twenty_first_request_from_one_client_within_an_hour_is_refused(
    client, buyer, request_link
):
    with time_machine.travel(NOW, tick=False):
        for n in range(20):
            assert request_link(f"p{n}@exemple.fr", ip="198.51.100.4").status_code == 200
        refused = request_link("lea.martin@exemple.fr", ip="198.51.100.4")

    assert refused.status_code == 429
    assert SignInRequest.objects.count() == 20


def test_the_rate_limit_reads_the_client_address_behind_the_proxy(
    client, buyer, settings, django_capture_on_commit_callbacks
):
    settings.TRUSTED_PROXY_COUNT = 1
    with time_machine.travel(NOW, tick=False):
        for n in range(20):
            client.post(
                reverse("espace_signin"), {"email": f"p{n}@exemple.fr"},
                REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            )  # fmt: skip
        other_client = client.post(
            reverse("espace_signin"), {"email": "q@exemple.fr"},
            REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.200",
        )  # fmt: skip

    assert other_client.status_code == 200


def test_no_address_is_stored_in_clear_for_the_rate_limit(client, buyer, request_link):
    request_link("lea.martin@exemple.fr", ip="203.0.113.7")

    row = SignInRequest.objects.values().get()
    assert "lea.martin" not in str(row)
    assert "203.0.113.7" not in str(row)


def test_the_session_lasts_30_days_on_the_device(client, buyer):
    with time_machine.travel(NOW, tick=False):
        signed_in(client, buyer)
    with time_machine.travel(NOW + dt.timedelta(days=29, hours=23), tick=False):
        assert client.get(reverse("espace_home")).status_code == 200
    with time_machine.travel(NOW + dt.timedelta(days=30), tick=False):
        assert client.get(reverse("espace_home"))["Location"] == reverse("espace_signin")


def test_the_session_cookie_is_http_only_lax_and_limited_to_the_space(
    client, buyer, request_link, mailoutbox
):
    request_link("lea.martin@exemple.fr")

    cookie = client.post(link_in(mailoutbox[0])).cookies[COOKIE]

    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/mon-espace/"
    assert cookie["max-age"] == 30 * 24 * 3600


def test_signing_out_ends_the_session_for_good(client, buyer):
    signed_in(client, buyer)
    key = client.cookies[COOKIE].value

    client.post(reverse("espace_signout"))
    client.cookies[COOKIE] = key

    assert client.get(reverse("espace_home"))["Location"] == reverse("espace_signin")
    assert BuyerSession.objects.count() == 0


def test_a_buyer_session_is_not_a_staff_login(client, buyer):
    signed_in(client, buyer)

    response = client.get(reverse("programme_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_person_with_two_lots_receives_one_link_per_lot(client, buyer, request_link, mailoutbox):
    from tests import factories

    factories.BuyerFactory(email="lea.martin@exemple.fr", last_name="Martin")

    request_link("lea.martin@exemple.fr")

    assert len(mailoutbox) == 2


def test_a_link_that_expired_before_it_left_is_not_sent(
    buyer, mailoutbox, django_capture_on_commit_callbacks
):
    from coopqualite.outbox.services.sending import outbox_send
    from espace.services.signin import SIGNIN_MESSAGES, signin_links_create

    with django_capture_on_commit_callbacks(execute=False):
        signin_links_create(email="lea.martin@exemple.fr", now=NOW)

    with time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False):
        outbox_send(kind=SIGNIN_MESSAGES.name, ids=[SignInLink.objects.get().pk])

    assert mailoutbox == []
    assert SignInLink.objects.get().status == "cancelled"


def test_the_space_without_a_session_leads_to_the_sign_in_page(client):
    response = client.get(reverse("espace_home"))

    assert response["Location"] == reverse("espace_signin")


def test_the_purge_keeps_live_sessions_and_recent_requests(client, buyer, request_link):
    from espace.services.signin import sessions_purge

    with time_machine.travel(NOW, tick=False):
        signed_in(client, buyer)
        request_link("lea.martin@exemple.fr")
    with time_machine.travel(NOW + dt.timedelta(minutes=59), tick=False):
        signed_in(client, buyer)

    sessions_purge(now=NOW + dt.timedelta(days=30))

    assert BuyerSession.objects.count() == 1
    assert SignInRequest.objects.count() == 0
