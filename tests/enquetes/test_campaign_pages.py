"""Staff pages of a campaign: creation, launch, follow-up, responses taken by telephone."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enquetes.models import Answer, Campaign, Invitation, Question, Response
from enquetes.services.pool import pool_flush
from enquetes.services.sending import messages_plan
from tests import factories
from tests.enquetes.factories import (
    campaign_create,
    campaign_launched,
    questionnaire_from_template,
)

TODAY = timezone.localdate


def new_url(task: str = "triennale") -> str:
    """The form of a new campaign of one task (`enquetes.forms.staff.CAMPAIGN_TASKS`)."""
    return reverse("campaign_new_form") + f"?type={task}"


def campaign_data(**overrides) -> dict:
    """What the form of a new triennial campaign sends, from the template, over all buyers."""
    today = TODAY()
    data = {
        "name": "Enquête triennale 2026",
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=30)).isoformat(),
        "anonymous": "on",
        "questionnaire": "modele-triennale-acquereurs",
        "reminders": "7, 14",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def form_errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200, "the form should be shown again with its errors"
    return response.context["form"].errors


def flashes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def delivered_buyer(programme, **fields):
    """A buyer in their year of perfect completion (delivered 100 days ago)."""
    today = TODAY()
    return factories.BuyerFactory(
        lot=factories.LotFactory(programme=programme),
        reservation_date=today - dt.timedelta(days=700),
        deed_date=today - dt.timedelta(days=600),
        delivery_date=today - dt.timedelta(days=100),
        perfect_completion_end=today + dt.timedelta(days=265),
        **fields,
    )


def reserved_buyer(programme, **fields):
    """A buyer who signed the reservation only."""
    return factories.BuyerFactory(
        lot=factories.LotFactory(programme=programme),
        reservation_date=TODAY() - dt.timedelta(days=30),
        **fields,
    )


def launch(client, campaign, capture):
    with capture(execute=True):
        return client.post(reverse("campaign_launch", args=[campaign.pk]))


# Creating a campaign ------------------------------------------------------------------------------


def test_a_campaign_created_from_a_template_is_a_draft_with_its_reminders_and_population(
    client, staff_a, programme_a
):
    client.force_login(staff_a)

    response = client.post(
        new_url(),
        campaign_data(programmes=[programme_a.pk], steps=["perfect_completion"]),
    )

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("campaign_detail", args=[campaign.pk])
    assert campaign.cooperative == staff_a.cooperative
    assert campaign.launched_at is None
    assert campaign.status() == Campaign.Status.DRAFT
    assert campaign.reminder_days == [7, 14]
    assert campaign.anonymous is True
    assert campaign.population == {
        "source": "buyers",
        "programmes": [programme_a.pk],
        "steps": ["perfect_completion"],
    }
    questionnaire = campaign.questionnaire
    assert (questionnaire.family, questionnaire.version) == ("triennale-acquereurs", 1)
    assert questionnaire.cooperative == staff_a.cooperative
    assert not questionnaire.is_frozen
    assert questionnaire.questions.filter(key="sav_traitement").exists()


def test_a_campaign_closing_before_it_opens_is_refused(client, staff_a):
    client.force_login(staff_a)
    today = TODAY()

    response = client.post(
        new_url(),
        campaign_data(
            opens_on=(today + dt.timedelta(days=10)).isoformat(),
            closes_on=(today + dt.timedelta(days=5)).isoformat(),
        ),
    )

    assert "La clôture doit suivre l'ouverture." in form_errors(response)["closes_on"]
    assert not Campaign.objects.exists()


def test_a_campaign_closing_in_the_past_is_refused(client, staff_a):
    client.force_login(staff_a)
    today = TODAY()

    response = client.post(
        new_url(),
        campaign_data(
            opens_on=(today - dt.timedelta(days=30)).isoformat(),
            closes_on=(today - dt.timedelta(days=1)).isoformat(),
        ),
    )

    assert "La date de clôture est déjà passée." in form_errors(response)["closes_on"]
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("reminders", "message"),
    [
        ("sept", "Indiquez des nombres de jours séparés par des virgules, par exemple « 7, 14 »."),
        ("0", "Une relance part au moins un jour après l'invitation."),
        ("1,2,3,4", "Trois relances au plus."),
    ],
)
def test_reminders_that_are_not_one_to_three_positive_days_are_refused(
    client, staff_a, reminders, message
):
    client.force_login(staff_a)

    response = client.post(new_url(), campaign_data(reminders=reminders))

    assert form_errors(response)["reminders"] == [message]
    assert not Campaign.objects.exists()


def test_a_key_step_campaign_without_its_step_is_refused(client, staff_a):
    client.force_login(staff_a)

    response = client.post(
        new_url("etape"),
        campaign_data(key_step="", days_after_step="30", questionnaire="modele-apres-livraison"),
    )

    assert "Choisissez l'étape clé après laquelle interroger." in form_errors(response)["key_step"]
    assert not Campaign.objects.exists()


def test_a_campaign_needs_a_questionnaire_or_a_template(client, staff_a):
    client.force_login(staff_a)

    response = client.post(new_url(), campaign_data(questionnaire=""))

    errors = form_errors(response)
    assert errors["questionnaire"] == ["Choisissez un questionnaire ou un modèle."]
    assert not Campaign.objects.exists()
    assert not staff_a.cooperative.questionnaires.exists()


def test_a_board_member_cannot_open_the_new_campaign_page(client, board_a):
    client.force_login(board_a)

    assert client.get(reverse("campaign_new")).status_code == 403
    assert client.post(reverse("campaign_new"), campaign_data()).status_code == 403
    assert client.post(new_url(), campaign_data()).status_code == 403
    assert not Campaign.objects.exists()


# Launching ----------------------------------------------------------------------------------------


def test_launching_freezes_the_questionnaire_and_invites_the_cooperatives_buyers_only(
    client, staff_a, coop_a, coop_b, programme_a, django_capture_on_commit_callbacks
):
    ours = [delivered_buyer(programme_a), reserved_buyer(programme_a)]
    delivered_buyer(factories.ProgrammeFactory(cooperative=coop_b))
    campaign = campaign_create(cooperative=coop_a, population={"source": "buyers"})
    client.force_login(staff_a)

    response = launch(client, campaign, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("campaign_detail", args=[campaign.pk])
    campaign.refresh_from_db()
    assert campaign.launched_at is not None
    assert campaign.questionnaire.is_frozen
    invited = set(campaign.invitations.values_list("buyer_id", flat=True))
    assert invited == {buyer.pk for buyer in ours}


def test_launching_honours_the_programme_and_journey_step_filters(
    client, staff_a, coop_a, coop_b, programme_a, django_capture_on_commit_callbacks
):
    wanted = delivered_buyer(programme_a)
    reserved_buyer(programme_a)  # wrong step
    delivered_buyer(factories.ProgrammeFactory(cooperative=coop_a))  # wrong programme
    delivered_buyer(factories.ProgrammeFactory(cooperative=coop_b))  # another cooperative
    client.force_login(staff_a)
    client.post(
        new_url(),
        campaign_data(programmes=[programme_a.pk], steps=["perfect_completion"]),
    )
    campaign = Campaign.objects.get()

    launch(client, campaign, django_capture_on_commit_callbacks)

    assert list(campaign.invitations.values_list("buyer_id", flat=True)) == [wanted.pk]


def test_launching_e_mails_the_invitations_at_once_in_eager_mode(
    client, staff_a, coop_a, programme_a, mailoutbox, django_capture_on_commit_callbacks
):
    buyers = [delivered_buyer(programme_a) for _ in range(3)]
    delivered_buyer(programme_a, email="")
    campaign = campaign_create(cooperative=coop_a)
    client.force_login(staff_a)

    response = launch(client, campaign, django_capture_on_commit_callbacks)

    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(b.email for b in buyers)
    tokens = dict(campaign.invitations.values_list("email", "token"))
    for mail in mailoutbox:
        assert f"/r/{tokens[mail.to[0]]}/" in mail.body
    assert flashes(response) == [
        "Campagne lancée : 4 invitations créées, 3 e-mails mis en file d'envoi."
    ]
    assert set(
        campaign.invitations.exclude(email="").values_list("messages__status", flat=True)
    ) == {"sent"}


def test_launching_a_campaign_twice_says_it_is_already_launched(
    client, staff_a, coop_a, programme_a, mailoutbox, django_capture_on_commit_callbacks
):
    delivered_buyer(programme_a)
    campaign = campaign_create(cooperative=coop_a)
    client.force_login(staff_a)
    first = launch(client, campaign, django_capture_on_commit_callbacks)
    client.get(first["Location"])  # the campaign page shows (and uses up) the first message
    delivered_buyer(programme_a)  # arrives after the launch

    response = launch(client, campaign, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert flashes(response) == ["Cette campagne est déjà lancée."]
    assert campaign.invitations.count() == 1
    assert len(mailoutbox) == 1


def test_the_launch_address_refuses_a_get(client, staff_a, coop_a, programme_a):
    delivered_buyer(programme_a)
    campaign = campaign_create(cooperative=coop_a)
    client.force_login(staff_a)

    response = client.get(reverse("campaign_launch", args=[campaign.pk]))

    assert response.status_code == 405
    campaign.refresh_from_db()
    assert campaign.launched_at is None
    assert not campaign.invitations.exists()


# The campaign page --------------------------------------------------------------------------------


def stat(content: str, label: str) -> str:
    """The figure shown under a label of the follow-up block."""
    match = re.search(rf"<dt[^>]*>{label}</dt><dd[^>]*>([^<]*)", content)
    assert match, f"no figure labelled {label!r}"
    return match.group(1).strip()


def row_of(content: str, invitation: Invitation) -> str:
    """The table row of one invitee."""
    rows = re.findall(r"<tr>.*?</tr>", content, flags=re.S)
    found = [row for row in rows if f"{invitation.last_name} {invitation.first_name}" in row]
    assert len(found) == 1, f"{invitation} should have one row"
    return found[0]


@pytest.fixture
def followed_campaign(coop_a, programme_a):
    """A nominative campaign, three invitees: Arnaud answered, Bernard started, Caron did
    nothing (an anonymous campaign's list says none of it: test_anonymity.py)."""
    for name in ("Arnaud", "Bernard", "Caron"):
        factories.BuyerFactory(lot=factories.LotFactory(programme=programme_a), last_name=name)
    campaign = campaign_launched(
        cooperative=coop_a, programme=programme_a, buyers=0, anonymous=False
    )
    now = timezone.now()
    campaign.invitations.filter(last_name="Arnaud").update(started_at=now, answered_at=now)
    campaign.invitations.filter(last_name="Bernard").update(started_at=now)
    return campaign


def test_the_campaign_page_counts_the_invited_and_those_who_answered(
    client, staff_a, followed_campaign
):
    client.force_login(staff_a)

    response = client.get(reverse("campaign_detail", args=[followed_campaign.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert stat(content, "Invités") == "3"
    assert stat(content, "Réponse commencée") == "2"
    assert stat(content, "Ont répondu").startswith("1")


def test_the_campaign_page_shows_the_status_of_each_invitation(client, staff_a, followed_campaign):
    client.force_login(staff_a)
    today = timezone.localdate()

    content = client.get(reverse("campaign_detail", args=[followed_campaign.pk])).content.decode()

    invitations = {i.last_name: i for i in followed_campaign.invitations.all()}
    answered = row_of(content, invitations["Arnaud"])
    started = row_of(content, invitations["Bernard"])
    untouched = row_of(content, invitations["Caron"])
    assert "Répondu le" in answered and "Saisir une réponse" not in answered
    assert f"Commencée le {today.day}" in started and "Saisir une réponse" in started
    assert "Répondu le" not in untouched and "Commencée le" not in untouched
    assert reverse("response_entry", args=[invitations["Caron"].pk]) in untouched


def test_the_answered_filter_lists_only_those_who_answered(client, staff_a, followed_campaign):
    client.force_login(staff_a)

    response = client.get(
        reverse("campaign_detail", args=[followed_campaign.pk]), {"filtre": "repondu"}
    )

    listed = [i.last_name for i in response.context["page"]]
    assert listed == ["Arnaud"]
    content = response.content.decode()
    assert "Caron" not in content and "Bernard" not in content


def _detail_queries(client, campaign) -> int:
    url = reverse("campaign_detail", args=[campaign.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"filtre": "repondu"})
    assert response.status_code == 200
    return len(queries.captured_queries), response


def _answered_campaign(cooperative, n: int):
    campaign = campaign_launched(cooperative=cooperative, buyers=n)
    messages_plan(now=timezone.now(), campaign=campaign)
    campaign.invitations.update(answered_at=timezone.now())
    return campaign


def test_the_campaign_page_makes_as_many_queries_for_60_invitations_as_for_3(
    client, staff_a, coop_a
):
    small = _answered_campaign(coop_a, 3)
    large = _answered_campaign(coop_a, 60)
    client.force_login(staff_a)
    client.get(reverse("campaign_detail", args=[small.pk]))  # session, caches

    small_queries, _ = _detail_queries(client, small)
    large_queries, response = _detail_queries(client, large)

    assert large_queries == small_queries
    assert len(response.context["page"]) == 50
    assert "Page 1 / 2" in response.content.decode()


def test_a_board_member_cannot_see_the_invitations_of_a_campaign(client, board_a, coop_a):
    campaign = campaign_launched(cooperative=coop_a, buyers=2)
    client.force_login(board_a)

    response = client.get(reverse("campaign_detail", args=[campaign.pk]))

    assert response.status_code == 403


# Responses taken by telephone or on paper -------------------------------------------------------


def entry_data(campaign, channel: str = "phone", **answers) -> dict:
    """A complete response to the triennial questionnaire, with `answers` by question key."""
    values = {
        "satisfaction_globale": "tres_satisfait",
        "qualite_logement": "assez_satisfait",
        "information_achat": "assez_satisfait",
        "information_travaux": "peu_satisfait",
        "sav_sollicite": "oui",
        "sav_traitement": "assez_satisfait",
        "rapport_qualite_prix": "tres_satisfait",
        "recommandation": "9",
        **answers,
    }
    keys = dict(
        Question.objects.filter(questionnaire=campaign.questionnaire).values_list("key", "pk")
    )
    return {"channel": channel, **{f"q{keys[key]}": value for key, value in values.items()}}


def answers_of(response: Response) -> dict[str, str]:
    return dict(response.answers.values_list("question__key", "value"))


@pytest.fixture
def named_campaign(coop_a, programme_a):
    """A launched campaign that is not anonymous, with one invitee."""
    return campaign_launched(cooperative=coop_a, programme=programme_a, buyers=1, anonymous=False)


def test_staff_enter_a_telephone_response_as_a_completed_response(client, staff_a, named_campaign):
    invitation = named_campaign.invitations.get()
    client.force_login(staff_a)

    response = client.post(
        reverse("response_entry", args=[invitation.pk]), entry_data(named_campaign)
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("campaign_detail", args=[named_campaign.pk])
    assert flashes(response) == ["Réponse enregistrée."]
    saved = Response.objects.get()
    assert saved.completed
    assert saved.channel == Response.Channel.PHONE
    assert saved.entered_by == staff_a
    assert saved.invitation == invitation
    assert saved.submitted_on == timezone.localdate()
    assert answers_of(saved)["satisfaction_globale"] == "tres_satisfait"
    invitation.refresh_from_db()
    assert invitation.answered_at is not None


def test_a_conditional_answer_is_kept_when_its_condition_is_met(client, staff_a, named_campaign):
    invitation = named_campaign.invitations.get()
    client.force_login(staff_a)

    client.post(
        reverse("response_entry", args=[invitation.pk]),
        entry_data(named_campaign, sav_sollicite="oui", sav_traitement="peu_satisfait"),
    )

    answers = answers_of(Response.objects.get())
    assert answers["sav_sollicite"] == "oui"
    assert answers["sav_traitement"] == "peu_satisfait"


def test_a_conditional_answer_is_dropped_when_its_condition_is_not_met(
    client, staff_a, named_campaign
):
    invitation = named_campaign.invitations.get()
    client.force_login(staff_a)

    client.post(
        reverse("response_entry", args=[invitation.pk]),
        entry_data(named_campaign, sav_sollicite="non", sav_traitement="peu_satisfait"),
    )

    answers = answers_of(Response.objects.get())
    assert answers["sav_sollicite"] == "non"
    assert "sav_traitement" not in answers
    assert not Answer.objects.filter(question__key="sav_traitement").exists()


def test_a_second_entry_for_the_same_invitation_is_refused(client, staff_a, named_campaign):
    invitation = named_campaign.invitations.get()
    client.force_login(staff_a)
    url = reverse("response_entry", args=[invitation.pk])
    client.post(url, entry_data(named_campaign, satisfaction_globale="tres_satisfait"))

    response = client.post(url, entry_data(named_campaign, satisfaction_globale="peu_satisfait"))

    assert response.status_code == 302
    assert any("déjà répondu" in message for message in flashes(response))
    assert Response.objects.count() == 1
    assert answers_of(Response.objects.get())["satisfaction_globale"] == "tres_satisfait"


def test_in_an_anonymous_campaign_a_telephone_response_is_cut_from_its_invitation(
    client, staff_a, coop_a, programme_a
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=1)
    assert campaign.anonymous
    invitation = campaign.invitations.get()
    client.force_login(staff_a)

    client.post(reverse("response_entry", args=[invitation.pk]), entry_data(campaign))
    assert not Response.objects.exists()  # in the pool, until it is flushed with others
    pool_flush(now=timezone.now(), everything=True)

    saved = Response.objects.get()
    assert saved.completed
    assert saved.channel == Response.Channel.PHONE
    assert saved.invitation is None
    assert saved.submitted_on is None
    assert not Response.objects.filter(invitation=invitation).exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is not None


def test_an_answer_conditioned_on_a_hidden_question_is_dropped_too(
    client, staff_a, coop_a, programme_a
):
    questionnaire = questionnaire_from_template(
        cooperative=coop_a, template_key="triennale-acquereurs"
    )
    treatment = questionnaire.questions.get(key="sav_traitement")
    Question.objects.create(
        questionnaire=questionnaire, section=treatment.section, key="sav_recontacte",
        text="Souhaitez-vous être recontacté ?", type="yes_no", position=9,
        condition_question=treatment, condition_values=["peu_satisfait"],
    )  # fmt: skip
    campaign = campaign_launched(
        cooperative=coop_a, programme=programme_a, buyers=1, questionnaire=questionnaire,
        anonymous=False,
    )  # fmt: skip
    client.force_login(staff_a)

    client.post(
        reverse("response_entry", args=[campaign.invitations.get().pk]),
        entry_data(
            campaign, sav_sollicite="non", sav_traitement="peu_satisfait", sav_recontacte="oui"
        ),
    )

    answers = answers_of(Response.objects.get())
    assert answers["sav_sollicite"] == "non"
    assert "sav_traitement" not in answers
    assert "sav_recontacte" not in answers


def test_an_invalid_entry_leaves_no_error_mark_on_the_next_entry_page(
    client, staff_a, coop_a, programme_a
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=2)
    first, second = campaign.invitations.order_by("pk")
    client.force_login(staff_a)
    too_long = entry_data(campaign, commentaire="a" * 3001)

    refused = client.post(reverse("response_entry", args=[first.pk]), too_long)
    later = client.get(reverse("response_entry", args=[second.pk]))

    assert refused.status_code == 200
    assert "is-invalid" in refused.content.decode()
    assert later.status_code == 200
    assert "is-invalid" not in later.content.decode()
    assert 'aria-invalid="true"' not in later.content.decode()
