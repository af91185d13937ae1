"""Accounts run in the portal: a director invites, changes roles, deactivates; a federation
administrator creates cooperatives and their first director; every change in the history."""

import datetime as dt
import re
import threading
import time

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from cooperatives.models import AccountChange, AccountInvitation, Cooperative, User
from cooperatives.services import accounts
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "Glycine-sur-le-mur-2026"
NOW = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)


def invitation_link(message) -> str:
    found = re.search(
        re.escape(settings.SITE_URL) + r"(/accounts/reset/[\w-]+/[\w-]+/)", message.body
    )
    assert found, message.body
    return found.group(1)


def choose_password(client, link: str):
    """Open the link, then post the new password on the page it redirects to."""
    page = client.get(link)
    if page.status_code != 302:
        return page
    return client.post(
        page["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )


def signs_in(client, username: str, password: str) -> bool:
    client.logout()
    client.post(reverse("login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def invite(client, director, django_capture_on_commit_callbacks, **fields):
    client.force_login(director)
    data = {"first_name": "Inès", "last_name": "Moreau", "email": "ines.moreau@exemple.fr",
            "role": "staff", **fields}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("user_invite"), data)


@pytest.fixture
def federation_admin(coop_a):
    return UserFactory(
        username="admin-federation", role=User.Role.FEDERATION, cooperative=None,
        federation=coop_a.federation, is_federation_admin=True,
    )  # fmt: skip


# Invitations --------------------------------------------------------------------------------


def test_a_director_invites_a_person_who_gets_an_account_without_a_password(
    client, director_a, django_capture_on_commit_callbacks
):
    response = invite(client, director_a, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    person = User.objects.get(username="ines.moreau@exemple.fr")
    assert (person.email, person.role, person.cooperative, person.is_active) == (
        "ines.moreau@exemple.fr", "staff", director_a.cooperative, True,
    )  # fmt: skip
    assert not person.has_usable_password()


def test_the_invitation_leaves_through_the_outbox_once_the_request_committed(
    client, director_a, django_capture_on_commit_callbacks
):
    client.force_login(director_a)
    data = {"first_name": "Inès", "last_name": "Moreau", "email": "ines.moreau@exemple.fr",
            "role": "board"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("user_invite"), data)
        sent_inside_the_request = len(mail.outbox)
    for callback in callbacks:
        callback()

    assert sent_inside_the_request == 0
    assert [m.to for m in mail.outbox] == [["ines.moreau@exemple.fr"]]
    assert mail.outbox[0].subject == "Coopqualité : votre compte pour Coop A"
    assert "en tant que « Administrateur »" in mail.outbox[0].body
    assert AccountInvitation.objects.get().status == "sent"


def test_the_invitation_link_sets_the_password_once_and_the_person_signs_in(
    client, director_a, django_capture_on_commit_callbacks
):
    invite(client, director_a, django_capture_on_commit_callbacks)
    link = invitation_link(mail.outbox[0])
    client.logout()

    done = choose_password(client, link)
    again = client.get(link, follow=True)

    assert done.status_code == 302
    assert "Lien invalide" in again.content.decode()
    assert signs_in(client, "ines.moreau@exemple.fr", NEW_PASSWORD)


def test_the_invitation_link_expires_after_the_reset_timeout(
    client, director_a, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        invite(client, director_a, django_capture_on_commit_callbacks)
    link = invitation_link(mail.outbox[0])
    client.logout()

    later = NOW + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)
    with time_machine.travel(later, tick=False):
        response = client.get(link, follow=True)

    assert "Lien invalide" in response.content.decode()
    assert not User.objects.get(username="ines.moreau@exemple.fr").has_usable_password()


def test_an_address_that_already_has_an_account_is_refused_in_french(
    client, director_a, staff_b, django_capture_on_commit_callbacks
):
    response = invite(
        client, director_a, django_capture_on_commit_callbacks, email="STAFF-B@exemple.fr"
    )

    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse." in response.content.decode()
    assert mail.outbox == []


def test_a_new_invitation_is_sent_until_a_password_is_chosen(
    client, director_a, django_capture_on_commit_callbacks
):
    invite(client, director_a, django_capture_on_commit_callbacks)
    person = User.objects.get(username="ines.moreau@exemple.fr")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("user_invitation_resend", args=[person.pk]))
    choose_password(client, invitation_link(mail.outbox[1]))
    client.force_login(director_a)
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(reverse("user_invitation_resend", args=[person.pk]), follow=True)

    assert len(mail.outbox) == 2
    assert "Cette personne a déjà choisi son mot de passe." in refused.content.decode()


def test_an_invitation_to_an_account_deactivated_before_sending_is_cancelled(
    director_a, coop_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        person = accounts.user_invite(
            cooperative=coop_a, actor=director_a, email="ines@exemple.fr", first_name="Inès",
            last_name="Moreau", role="staff", now=NOW,
        )  # fmt: skip
        accounts.user_deactivate(user=person, actor=director_a, now=NOW)
    for callback in callbacks:
        callback()

    assert mail.outbox == []
    assert AccountInvitation.objects.get().reason == "compte désactivé"


# Roles and deactivation ---------------------------------------------------------------------


def test_a_role_change_is_in_the_history_with_who_when_before_and_after(
    client, director_a, staff_a
):
    client.force_login(director_a)

    with time_machine.travel(NOW, tick=False):
        client.post(reverse("user_detail", args=[staff_a.pk]), {"role": "board"})

    staff_a.refresh_from_db()
    change = AccountChange.objects.get(user=staff_a)
    assert staff_a.role == "board"
    assert (change.actor, change.at, change.action, change.before, change.after) == (
        director_a, NOW, "role_changed", "Collaborateur", "Administrateur",
    )  # fmt: skip
    page = client.get(reverse("user_detail", args=[staff_a.pk])).content.decode()
    assert "28 novembre 2026" in page


def test_the_last_active_director_cannot_demote_themself(client, director_a):
    client.force_login(director_a)

    response = client.post(reverse("user_detail", args=[director_a.pk]), {"role": "staff"})

    director_a.refresh_from_db()
    assert director_a.role == "director"
    assert "La coopérative doit garder au moins un dirigeant actif." in response.content.decode()


def test_the_last_active_director_cannot_deactivate_themself(client, director_a):
    client.force_login(director_a)

    response = client.post(reverse("user_deactivate", args=[director_a.pk]), follow=True)

    director_a.refresh_from_db()
    assert director_a.is_active
    assert "La coopérative doit garder au moins un dirigeant actif." in response.content.decode()


def test_a_director_steps_down_when_another_director_remains(client, director_a, coop_a):
    UserFactory(username="director-a2", cooperative=coop_a, role=User.Role.DIRECTOR)
    client.force_login(director_a)

    client.post(reverse("user_detail", args=[director_a.pk]), {"role": "staff"})

    director_a.refresh_from_db()
    assert director_a.role == "staff"


def test_an_inactive_director_does_not_count_as_the_director_left(director_a, coop_a):
    UserFactory(username="director-a2", cooperative=coop_a, role="director", is_active=False)

    with pytest.raises(ValidationError):
        accounts.user_deactivate(user=director_a, actor=director_a, now=NOW)


def test_a_deactivated_account_is_signed_out_cannot_sign_in_and_is_kept(
    client, director_a, staff_a
):
    client.force_login(staff_a)
    accounts.user_deactivate(user=staff_a, actor=director_a, now=NOW)

    page = client.get(reverse("scorecard"))

    assert page.status_code == 302 and page["Location"].startswith(reverse("login"))
    assert not signs_in(client, "staff-a", PASSWORD)
    assert User.objects.filter(pk=staff_a.pk).exists()


def test_a_reactivated_account_signs_in_again_and_both_changes_are_in_the_history(
    client, director_a, staff_a
):
    client.force_login(director_a)
    client.post(reverse("user_deactivate", args=[staff_a.pk]))
    client.post(reverse("user_reactivate", args=[staff_a.pk]))

    actions = list(
        AccountChange.objects.filter(user=staff_a).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["deactivated", "reactivated"]
    assert signs_in(client, "staff-a", PASSWORD)


def test_a_director_cannot_give_the_federation_role(director_a, staff_a):
    with pytest.raises(ValidationError):
        accounts.user_change_role(user=staff_a, actor=director_a, role="federation", now=NOW)


def test_a_director_does_not_reach_the_accounts_of_another_cooperative(client, director_a, staff_b):
    client.force_login(director_a)

    assert client.get(reverse("user_detail", args=[staff_b.pk])).status_code == 404
    assert client.post(reverse("user_deactivate", args=[staff_b.pk])).status_code == 404


# The team page --------------------------------------------------------------------------------


def test_the_team_page_shows_role_state_and_last_sign_in(client, director_a, staff_a, coop_a):
    staff_a.last_login = NOW
    staff_a.save(update_fields=["last_login"])
    accounts.user_invite(
        cooperative=coop_a, actor=director_a, email="ines@exemple.fr", first_name="Inès",
        last_name="Moreau", role="board", now=NOW,
    )  # fmt: skip
    client.force_login(director_a)

    page = client.get(reverse("user_list")).content.decode()
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", page, re.S)
    text = [re.sub(r"<[^>]+>|\s+", " ", row).split() for row in rows]

    assert ["Inès", "Moreau", "ines@exemple.fr", "Administrateur", "Invitation",
            "en", "cours", "d'envoi", "Inactive", "Jamais"] in text  # fmt: skip
    assert ["staff-a", "staff-a", "Collaborateur", "Actif", "Inactive", "28", "novembre",
            "2026"] in text  # fmt: skip


def test_the_team_page_costs_the_same_queries_for_one_or_ten_accounts(
    client, director_a, coop_a, django_assert_max_num_queries
):
    client.force_login(director_a)
    client.get(reverse("user_list"))  # warm the session and the caches
    with django_assert_max_num_queries(20) as one:
        client.get(reverse("user_list"))
    for n in range(10):
        accounts.user_invite(
            cooperative=coop_a, actor=director_a, email=f"p{n}@exemple.fr", first_name="P",
            last_name=str(n), role="staff", now=NOW,
        )  # fmt: skip

    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("user_list"))


# The federation's administrator ---------------------------------------------------------------


def test_a_federation_administrator_creates_a_cooperative_and_invites_its_director(
    client, federation_admin, django_capture_on_commit_callbacks
):
    client.force_login(federation_admin)
    data = {"name": "Coop Nouvelle", "city": "Nantes", "director_first_name": "Jeanne",
            "director_last_name": "Roux", "director_email": "jeanne.roux@exemple.fr"}  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cooperative_new"), data)

    cooperative = Cooperative.objects.get(name="Coop Nouvelle")
    director = User.objects.get(username="jeanne.roux@exemple.fr")
    assert response.status_code == 302
    assert (cooperative.slug, cooperative.federation) == (
        "coop-nouvelle",
        federation_admin.federation,
    )
    assert (director.role, director.cooperative) == ("director", cooperative)
    assert [m.to for m in mail.outbox] == [["jeanne.roux@exemple.fr"]]
    change = AccountChange.objects.get(user=director)
    assert (change.actor, change.action, change.cooperative) == (
        federation_admin, "invited", cooperative,
    )  # fmt: skip
    page = client.get(reverse("federation_cooperatives")).content.decode()
    assert "Jeanne Roux (invité)" in page


def test_a_cooperative_name_already_taken_is_refused(client, federation_admin, coop_a):
    client.force_login(federation_admin)
    data = {"name": "coop a", "director_first_name": "J", "director_last_name": "R",
            "director_email": "j@exemple.fr"}  # fmt: skip

    response = client.post(reverse("cooperative_new"), data)

    assert "Une coopérative porte déjà ce nom." in response.content.decode()
    assert not User.objects.filter(username="j@exemple.fr").exists()


def test_a_federation_reader_without_the_flag_creates_no_cooperative(client, federation_a):
    client.force_login(federation_a)

    assert client.get(reverse("cooperative_new")).status_code == 403


def test_only_a_federation_reader_can_be_its_administrator(coop_a):
    with pytest.raises(IntegrityError):
        UserFactory(cooperative=coop_a, role="director", is_federation_admin=True)


def test_the_federation_page_lists_only_the_cooperatives_of_the_federation(
    client, federation_admin, coop_a, coop_b
):
    client.force_login(federation_admin)

    page = client.get(reverse("federation_cooperatives")).content.decode()

    assert "Coop A" in page
    assert "Coop B" not in page


def test_two_directors_demoting_each_other_at_once_leave_one_director(transactional_db, coop_a):
    first = UserFactory(username="director-1", cooperative=coop_a, role="director")
    second = UserFactory(username="director-2", cooperative=coop_a, role="director")
    demoted, holding, release = threading.Event(), threading.Event(), threading.Event()
    outcomes: list[str] = []

    def demote_first_and_hold():
        try:
            with transaction.atomic():
                accounts.user_change_role(user=first, actor=second, role="staff", now=NOW)
                demoted.set()
                holding.wait(10)  # commit only once the other demotion is waiting
            outcomes.append("first demoted")
        finally:
            connection.close()

    def demote_second():
        try:
            release.set()
            accounts.user_change_role(user=second, actor=first, role="staff", now=NOW)
            outcomes.append("second demoted")
        except ValidationError:
            outcomes.append("second refused")
        finally:
            connection.close()

    one = threading.Thread(target=demote_first_and_hold)
    one.start()
    assert demoted.wait(10)
    two = threading.Thread(target=demote_second)
    two.start()
    release.wait(10)
    time.sleep(0.5)  # let the second demotion reach the lock on the directors
    holding.set()
    one.join(10)
    two.join(10)

    assert sorted(outcomes) == ["first demoted", "second refused"]
    assert list(User.objects.active_directors().values_list("username", flat=True)) == [
        "director-2"
    ]
