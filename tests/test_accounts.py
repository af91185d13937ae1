"""Accounts: login (with brute-force lockout), password reset by mail, logout, admin access."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperatives.tasks import password_reset_send_task
from tests.factories import PASSWORD, UserFactory
from tests.smtp import smtp_server  # noqa: F401  (fixture)

LOGIN_URL = "/accounts/login/"
RESET_URL = "/accounts/password_reset/"
NEW_PASSWORD = "Cerisier-en-fleur-2025"
RESET_SUBJECT = "Coopqualité : choisir un nouveau mot de passe"


def reset_link(text: str) -> str | None:
    """The path of the reset link of a mail, whose address starts with SITE_URL."""
    found = re.search(re.escape(settings.SITE_URL) + r"(/accounts/reset/[\w-]+/[\w-]+/)", text)
    return found.group(1) if found else None


def login(client, username, password, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def signed_in_user_id(client):
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


@pytest.fixture
def superuser(db):
    return UserFactory(
        username="racine", is_superuser=True, is_staff=True, cooperative=None, federation=None
    )


# Login ------------------------------------------------------------------------------------------


def test_login_page_is_in_french_with_a_skip_link(client, db):
    response = client.get(LOGIN_URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in content
    assert '<a class="skip-link" href="#contenu">Aller au contenu principal</a>' in content
    assert "Se connecter" in content
    assert "Mot de passe oublié" in content


def test_anonymous_user_on_a_staff_page_is_redirected_to_the_login_with_next(client, db):
    response = client.get("/engagements/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/engagements/"


def test_staff_user_logs_in_and_lands_on_the_scorecard(client, staff_a):
    response = login(client, "staff-a", PASSWORD, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("scorecard")
    assert signed_in_user_id(client) == staff_a.pk


def test_login_with_a_wrong_password_is_refused_in_french(client, staff_a):
    response = login(client, "staff-a", "pas-le-bon-mot-de-passe")

    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


# The lockout tests use the project's settings as they are (never override AXES_*): five
# failures for one username from one address lock that pair for fifteen minutes.


def fail_login(client, username, times, address="192.0.2.10"):
    for _ in range(times):
        login(client, username, "pas-le-bon-mot-de-passe", REMOTE_ADDR=address)


def test_login_still_works_after_four_failures(client, staff_a):
    fail_login(client, "staff-a", 4)

    response = login(client, "staff-a", PASSWORD, REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 302
    assert signed_in_user_id(client) == staff_a.pk


def test_login_is_locked_after_five_failures_even_with_the_right_password(client, staff_a):
    fail_login(client, "staff-a", 5)

    response = login(client, "staff-a", PASSWORD, REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert signed_in_user_id(client) is None


T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_the_lockout_still_holds_after_fourteen_minutes(client, staff_a):
    with time_machine.travel(T0, tick=False) as clock:
        fail_login(client, "staff-a", 5)
        clock.move_to(T0 + dt.timedelta(minutes=14, seconds=50))

        response = login(client, "staff-a", PASSWORD, REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 429
    assert signed_in_user_id(client) is None


def test_the_lockout_ends_after_fifteen_minutes(client, staff_a):
    with time_machine.travel(T0, tick=False) as clock:
        fail_login(client, "staff-a", 5)
        clock.move_to(T0 + dt.timedelta(minutes=15, seconds=10))

        response = login(client, "staff-a", PASSWORD, REMOTE_ADDR="192.0.2.10")
        signed_in = signed_in_user_id(client)  # the session expires at that time + 10 hours

    assert response.status_code == 302
    assert signed_in == staff_a.pk


def test_an_attempt_during_the_lockout_starts_the_fifteen_minutes_again(client, staff_a):
    with time_machine.travel(T0, tick=False) as clock:
        fail_login(client, "staff-a", 5)
        clock.move_to(T0 + dt.timedelta(minutes=10))
        assert login(client, "staff-a", PASSWORD, REMOTE_ADDR="192.0.2.10").status_code == 429
        clock.move_to(T0 + dt.timedelta(minutes=24, seconds=50))
        assert login(client, "staff-a", PASSWORD, REMOTE_ADDR="192.0.2.10").status_code == 429
        clock.move_to(T0 + dt.timedelta(minutes=40, seconds=10))

        response = login(client, "staff-a", PASSWORD, REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 302


def test_lockout_of_one_username_leaves_other_users_free_to_log_in(client, staff_a, director_a):
    fail_login(client, "staff-a", 5)

    response = login(client, "director-a", PASSWORD, REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 302
    assert signed_in_user_id(client) == director_a.pk


def test_lockout_of_one_address_leaves_the_same_user_free_to_log_in_from_another(client, staff_a):
    fail_login(client, "staff-a", 5, address="192.0.2.10")

    response = login(client, "staff-a", PASSWORD, REMOTE_ADDR="192.0.2.11")

    assert response.status_code == 302
    assert signed_in_user_id(client) == staff_a.pk


# Lockout behind a reverse proxy ---------------------------------------------------------------

PROXY = "10.0.0.2"  # the reverse proxy's address: REMOTE_ADDR of every request it forwards


def test_behind_a_trusted_proxy_failures_lock_the_forwarded_address_not_the_proxy(
    client, staff_a, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    for _ in range(5):
        login(client, "staff-a", "pas-le-bon-mot-de-passe", **attacker)

    locked = login(client, "staff-a", PASSWORD, **attacker)
    real_user = login(
        client, "staff-a", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )

    assert locked.status_code == 429
    assert real_user.status_code == 302
    assert signed_in_user_id(client) == staff_a.pk


def test_without_a_declared_proxy_a_forged_forwarded_address_does_not_escape_the_lockout(
    client, staff_a
):
    for n in range(5):
        login(
            client, "staff-a", "pas-le-bon-mot-de-passe",
            REMOTE_ADDR="192.0.2.66", HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}",
        )  # fmt: skip

    response = login(
        client, "staff-a", PASSWORD, REMOTE_ADDR="192.0.2.66", HTTP_X_FORWARDED_FOR="198.51.100.99"
    )

    assert response.status_code == 429
    assert signed_in_user_id(client) is None


# Password reset ---------------------------------------------------------------------------------


def request_reset(client, email, capture):
    """POST the reset page, then run what it queued (the task, eager in unit tests)."""
    with capture(execute=True):
        return client.post(RESET_URL, {"email": email})


def test_password_reset_sends_one_french_mail_with_text_and_html_and_a_reset_link(
    client, staff_a, mailoutbox, django_capture_on_commit_callbacks
):
    response = request_reset(client, staff_a.email, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [staff_a.email]
    assert mail.subject == RESET_SUBJECT
    assert reset_link(mail.body)
    assert "Bonjour" in mail.body
    html_parts = [content for content, mimetype in mail.alternatives if mimetype == "text/html"]
    assert len(html_parts) == 1
    assert reset_link(html_parts[0])


def test_password_reset_link_is_built_on_the_site_url_not_on_the_request_host(
    client, staff_a, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://qualite.example.org"

    request_reset(client, staff_a.email, django_capture_on_commit_callbacks)

    assert "https://qualite.example.org/accounts/reset/" in mailoutbox[0].body


def test_password_reset_page_sends_nothing_itself_and_queues_one_task_after_commit(
    client, staff_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(RESET_URL, {"email": staff_a.email})

    assert response.status_code == 302
    assert mailoutbox == []
    assert len(queued) == 1
    queued[0]()  # the task runs
    assert [mail.to for mail in mailoutbox] == [[staff_a.email]]


def test_password_reset_page_reads_no_account_for_a_known_or_an_unknown_address(
    client, staff_a, django_capture_on_commit_callbacks
):
    seen = {}
    for email in (staff_a.email, "inconnu@exemple.fr"):
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks() as queued,
        ):
            response = client.post(RESET_URL, {"email": email})
        seen[email] = (response.status_code, response["Location"], len(queries), len(queued))

    assert seen == {
        staff_a.email: (302, "/accounts/password_reset/done/", 0, 1),
        "inconnu@exemple.fr": (302, "/accounts/password_reset/done/", 0, 1),
    }


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(
    client, staff_a, mailoutbox, django_capture_on_commit_callbacks
):
    response = request_reset(client, "inconnu@exemple.fr", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    assert mailoutbox == []


def test_password_reset_mail_is_retried_after_a_temporary_smtp_refusal(
    staff_a,
    smtp_server,  # noqa: F811
):
    smtp_server.fail_data(1)  # the first DATA is answered 451

    # In-process, as a worker runs it: the retry runs at once instead of after its countdown.
    result = password_reset_send_task.apply(args=[staff_a.email], throw=False)

    assert result.successful()
    received = smtp_server.wait_for(1, timeout=5)
    assert [mail.to for mail in received] == [staff_a.email]
    assert received[0].header("Subject") == RESET_SUBJECT


def test_password_reset_mail_refused_for_good_is_dropped_without_the_address_in_the_log(
    staff_a,
    smtp_server,  # noqa: F811
    caplog,
):
    smtp_server.refuse(staff_a.email, 550)

    password_reset_send_task.delay(staff_a.email)

    assert smtp_server.messages == []
    assert "SMTPRecipientsRefused" in caplog.text
    assert staff_a.email not in caplog.text


def test_password_reset_link_sets_a_new_password_that_then_works_for_login(
    client, staff_a, mailoutbox, django_capture_on_commit_callbacks
):
    request_reset(client, staff_a.email, django_capture_on_commit_callbacks)
    link = reset_link(mailoutbox[0].body)

    form_page = client.get(link, follow=True)
    set_password_url = form_page.redirect_chain[-1][0]
    assert "Choisir un nouveau mot de passe" in form_page.content.decode()
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done["Location"] == "/accounts/reset/done/"

    response = login(client, "staff-a", NEW_PASSWORD)

    assert response.status_code == 302
    assert signed_in_user_id(client) == staff_a.pk


def test_password_reset_link_cannot_be_used_twice(
    client, staff_a, mailoutbox, django_capture_on_commit_callbacks
):
    request_reset(client, staff_a.email, django_capture_on_commit_callbacks)
    link = reset_link(mailoutbox[0].body)
    first = client.get(link, follow=True)
    client.post(
        first.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    response = client.get(link, follow=True)

    assert "Lien invalide" in response.content.decode()


# Logout -----------------------------------------------------------------------------------------


def test_logout_is_a_post_that_ends_the_session(client, staff_a):
    client.force_login(staff_a)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert signed_in_user_id(client) is None
    assert client.get("/engagements/").status_code == 302


def test_logout_by_get_is_refused_and_keeps_the_session(client, staff_a):
    client.force_login(staff_a)

    response = client.get("/accounts/logout/")

    assert response.status_code == 405
    assert signed_in_user_id(client) == staff_a.pk


# Admin ------------------------------------------------------------------------------------------


def test_admin_is_refused_to_a_staff_member_who_is_not_superuser(client, staff_a):
    client.force_login(staff_a)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_admin_is_open_to_a_superuser(client, superuser):
    client.force_login(superuser)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Coopqualité — administration" in response.content.decode()
