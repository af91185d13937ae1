"""The e-mails of a campaign on its page: a count per state, the messages a person must look at
(with their reason), and resending — failed ones at once, uncertain ones after a confirmation."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from enquetes.models import Message
from enquetes.services.sending import messages_plan
from tests.enquetes.factories import campaign_launched
from tests.enquetes.test_campaign_pages import stat

UNCERTAIN = (
    "État incertain : connexion perdue (SMTPServerDisconnected) après la transmission du "
    "message ; le serveur a peut-être reçu le message, il n'est pas renvoyé automatiquement"
)


def campaign_with(coop, states: list[tuple[str, str]], **fields):
    """A launched campaign with one invitation e-mail per (status, reason), tried an hour ago."""
    campaign = campaign_launched(cooperative=coop, buyers=len(states), **fields)
    now = timezone.now()
    messages_plan(now=now, campaign=campaign)
    rows = Message.objects.filter(invitation__campaign=campaign).order_by("pk")
    for message, (status, reason) in zip(rows, states, strict=True):
        Message.objects.filter(pk=message.pk).update(
            status=status,
            reason=reason,
            attempts=0 if status == "pending" else 1,
            claimed_at=None if status == "pending" else now - dt.timedelta(hours=1),
            sent_at=now - dt.timedelta(hours=1) if status == "sent" else None,
            next_attempt_at=now + dt.timedelta(minutes=5) if reason == "retry" else None,
        )
    return campaign


def page(client, campaign, **params):
    response = client.get(reverse("campaign_detail", args=[campaign.pk]), params)
    assert response.status_code == 200
    return response


def problem_rows(content: str) -> list[str]:
    section = content[content.index('id="titre-envois"') : content.index('id="titre-invites"')]
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
        for row in re.findall(r"<tr>(.*?)</tr>", section, flags=re.S)[1:]
    ]


def resend(client, campaign, response, state: str, **extra):
    data = {"etat": state, "vu_le": response.context["seen_at"].isoformat(), **extra}
    return client.post(reverse("campaign_messages_resend", args=[campaign.pk]), data, follow=True)


def flashed(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def redirected_to_the_campaign(response, campaign) -> bool:
    return response.redirect_chain == [(reverse("campaign_detail", args=[campaign.pk]), 302)]


def test_the_campaign_page_counts_the_e_mails_in_each_state(client, staff_a, coop_a):
    campaign = campaign_with(
        coop_a,
        [
            ("pending", ""), ("pending", "retry"), ("pending", "retry"), ("sent", ""),
            ("sent", ""), ("sent", ""), ("bounced", "Adresse refusée (550)"),
            ("failed", "Le serveur de messagerie a répondu 554"), ("uncertain", UNCERTAIN),
            ("cancelled", "désinscrit"),
        ],
    )  # fmt: skip
    client.force_login(staff_a)

    content = page(client, campaign).content.decode()

    figures = {
        label: stat(content, label)
        for label in (
            "À envoyer", "Nouvel essai prévu", "Envoi en cours", "Envoyés", "Adresse refusée",
            r"Échec \(non transmis\)", r"Incertain \(peut-être reçu\)", "Annulés",
        )
    }  # fmt: skip
    assert list(figures.values()) == ["1", "2", "0", "3", "1", "1", "1", "1"]


def test_the_page_lists_failed_uncertain_and_bounced_e_mails_with_their_reason(
    client, staff_a, coop_a
):
    campaign = campaign_with(
        coop_a,
        [
            ("sent", ""), ("uncertain", UNCERTAIN), ("bounced", "Adresse refusée (550)"),
            ("failed", "Le serveur de messagerie a répondu 554"), ("cancelled", "désinscrit"),
        ],
    )  # fmt: skip
    client.force_login(staff_a)

    content = page(client, campaign).content.decode()

    rows = problem_rows(content)
    invitations = {m.status: m.invitation for m in Message.objects.select_related("invitation")}
    assert [row.split(" Invitation ")[0] for row in rows] == [
        str(invitations["failed"]), str(invitations["uncertain"]), str(invitations["bounced"])
    ]  # fmt: skip
    assert "Échec (non transmis) Le serveur de messagerie a répondu 554" in rows[0]
    assert f"Incertain (peut-être reçu) {UNCERTAIN}" in rows[1]
    assert "Adresse refusée Adresse refusée (550)" in rows[2]
    assert all(row.endswith("(1 essai)") for row in rows)
    assert "E-mails à examiner : 3" in content
    tokens = [m.invitation.token for m in Message.objects.select_related("invitation")]
    assert not [token for token in tokens if token in content]


def test_the_e_mails_to_examine_come_20_a_page(client, staff_a, coop_a):
    campaign = campaign_with(coop_a, [("failed", f"motif {i}") for i in range(21)])
    client.force_login(staff_a)

    first = page(client, campaign, filtre="sans-reponse")
    second = page(client, campaign, filtre="sans-reponse", envois=2)

    assert len(first.context["problems"]) == 20
    assert len(second.context["problems"]) == 1
    content = first.content.decode()
    assert "Page 1 / 2" in content
    assert 'href="?filtre=sans-reponse&amp;envois=2#envois"' in content


def test_staff_resend_the_failed_e_mails_and_a_second_click_resends_nothing(
    client, staff_a, coop_a, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = campaign_with(
        coop_a, [("failed", "Le serveur de messagerie a répondu 554"), ("uncertain", UNCERTAIN)]
    )
    client.force_login(staff_a)
    shown = page(client, campaign)
    assert "Renvoyer 1 e-mail en échec" in shown.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        first = resend(client, campaign, shown, "failed")
    with django_capture_on_commit_callbacks(execute=True):
        second = resend(client, campaign, shown, "failed")

    assert redirected_to_the_campaign(first, campaign)
    assert redirected_to_the_campaign(second, campaign)
    assert flashed(first) == ["1 e-mail remis en file d'envoi."]
    assert flashed(second) == [
        "Aucun e-mail à renvoyer : ils ont déjà été remis en file ou envoyés."
    ]
    assert len(mailoutbox) == 1
    assert sorted(Message.objects.values_list("status", flat=True)) == ["sent", "uncertain"]


def test_uncertain_e_mails_are_resent_only_once_the_confirmation_is_checked(
    client, staff_a, coop_a, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = campaign_with(coop_a, [("uncertain", UNCERTAIN), ("uncertain", UNCERTAIN)])
    client.force_login(staff_a)
    shown = page(client, campaign)
    assert "Renvoyer 2 e-mails incertains…" in shown.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        asked = resend(client, campaign, shown, "uncertain")

    assert asked.redirect_chain == []
    content = asked.content.decode()
    assert "Renvoyer 2 e-mails incertains ?" in content
    assert "certaines personnes recevront sans doute le même message deux fois" in content
    assert 'name="confirmation"' in content
    assert list(Message.objects.values_list("status", flat=True)) == ["uncertain", "uncertain"]
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = resend(client, campaign, shown, "uncertain", confirmation="on")

    assert redirected_to_the_campaign(confirmed, campaign)
    assert flashed(confirmed) == ["2 e-mails remis en file d'envoi."]
    assert len(mailoutbox) == 2
    assert list(Message.objects.values_list("status", flat=True)) == ["sent", "sent"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Choisissez les e-mails à renvoyer."),
        ({"etat": "bounced"}, "Seuls les e-mails en échec ou incertains peuvent être renvoyés."),
        ({"etat": "failed", "vu_le": "hier"}, "Rechargez la page de la campagne, puis renvoyez."),
    ],
)
def test_a_resend_without_its_fields_says_what_is_wrong_in_french(
    client, staff_a, coop_a, data, error
):
    campaign = campaign_with(coop_a, [("failed", "motif")])
    client.force_login(staff_a)

    response = client.post(reverse("campaign_messages_resend", args=[campaign.pk]), data)

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [error]
    assert Message.objects.get().status == "failed"


def test_a_board_member_sees_no_resend_and_may_not_post_one(client, board_a, coop_a):
    campaign = campaign_with(coop_a, [("failed", "motif")])
    client.force_login(board_a)

    response = client.post(
        reverse("campaign_messages_resend", args=[campaign.pk]),
        {"etat": "failed", "vu_le": timezone.now().isoformat()},
    )

    assert response.status_code == 403
    assert Message.objects.get().status == "failed"


def test_in_an_anonymous_campaign_who_answered_shows_only_as_a_count_of_cancellations(
    client, staff_a, coop_a
):
    campaign = campaign_with(
        coop_a, [("cancelled", "a déjà répondu"), ("failed", "motif")], anonymous=True
    )
    client.force_login(staff_a)

    content = page(client, campaign).content.decode()

    assert stat(content, "Annulés") == "1"
    assert "a déjà répondu" not in content
    assert len(problem_rows(content)) == 1


def test_in_an_anonymous_campaign_a_failed_reminder_is_counted_but_not_listed_by_name(
    client, staff_a, coop_a
):
    """A reminder goes only to those who had not answered: listed by name, it would say so."""
    campaign = campaign_with(coop_a, [("failed", "motif"), ("sent", "")], anonymous=True)
    Message.objects.filter(status="sent").update(number=1, status="failed", sent_at=None)
    client.force_login(staff_a)

    content = page(client, campaign).content.decode()

    assert stat(content, r"Échec \(non transmis\)") == "2"
    rows = problem_rows(content)
    assert len(rows) == 1
    assert "Invitation" in rows[0] and "Relance" not in content
