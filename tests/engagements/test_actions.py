"""The action plan: creating, editing, filtering, "late", concurrent edits and history."""

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from engagements.models import Action, Commitment, IsoSubject, Principle
from tests import factories
from tests.engagements.factories import ActionFactory

TODAY = dt.date(2026, 5, 15)
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def today():
    """Freeze the clock on TODAY (Paris time) for the whole test."""
    with time_machine.travel(dt.datetime(2026, 5, 15, 10, tzinfo=PARIS), tick=False):
        yield TODAY


@pytest.fixture
def claire(coop_a):
    return factories.UserFactory(
        username="claire", first_name="Claire", last_name="Dubois", cooperative=coop_a
    )


@pytest.fixture
def marc(coop_a):
    return factories.UserFactory(
        username="marc", first_name="Marc", last_name="Lefèvre", cooperative=coop_a
    )


def commitment(coop, number: int) -> Commitment:
    return Commitment.objects.get(cooperative=coop, number=number)


def form_data(action: Action, **changes) -> dict:
    """What the edit form posts for `action`, with some fields changed."""
    data = {
        "title": action.title,
        "description": action.description,
        "commitments": [c.pk for c in action.commitments.all()],
        "iso_subject": action.iso_subject,
        "owner": action.owner_id or "",
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "status": action.status,
        "progress_note": action.progress_note,
        "version": action.version,
    }
    return {**data, **changes}


def field_error(response, field: str) -> str:
    found = re.search(
        rf'id="error_1_id_{field}"><strong>(.*?)</strong>', response.content.decode(), re.S
    )
    assert found, f"no error shown next to the field {field!r}"
    return html.unescape(found.group(1))


def listed_titles(response) -> set[str]:
    return {action.title for action in response.context["page"]}


# Creating and editing -----------------------------------------------------------------------


def test_staff_creates_an_action_with_its_commitments_owner_and_status(
    client, staff_a, director_a, coop_a
):
    client.force_login(staff_a)

    response = client.post(
        reverse("action_new"),
        {
            "title": "Visites de chantier trimestrielles",
            "commitments": [commitment(coop_a, 4).pk],
            "iso_subject": IsoSubject.CONSUMERS,
            "owner": director_a.pk,
            "due_date": "2026-09-30",
            "status": Action.Status.IN_PROGRESS,
        },
    )

    action = Action.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("action_detail", args=[action.pk])
    assert action.cooperative == coop_a
    assert action.title == "Visites de chantier trimestrielles"
    assert list(action.commitments.all()) == [commitment(coop_a, 4)]
    assert (action.iso_subject, action.owner, action.due_date, action.status) == (
        "consumers",
        director_a,
        dt.date(2026, 9, 30),
        "in_progress",
    )
    assert action.version == 1


def test_an_owner_from_another_cooperative_is_refused_with_a_form_error(client, staff_a, staff_b):
    client.force_login(staff_a)

    response = client.post(
        reverse("action_new"),
        {"title": "Action", "owner": staff_b.pk, "status": Action.Status.PLANNED},
    )

    assert response.status_code == 200
    assert field_error(response, "owner").startswith("Sélectionnez un choix valide.")
    assert not Action.objects.exists()


def test_a_commitment_of_another_cooperative_cannot_be_linked(client, staff_a, coop_b):
    client.force_login(staff_a)

    response = client.post(
        reverse("action_new"),
        {"title": "Action", "commitments": [commitment(coop_b, 1).pk], "status": "planned"},
    )

    assert response.status_code == 200
    assert "commitments" in response.context["form"].errors
    assert not Action.objects.exists()


def test_the_owner_list_offers_only_users_of_the_cooperative(client, staff_a, staff_b, claire):
    client.force_login(staff_a)

    response = client.get(reverse("action_new"))

    owners = set(response.context["form"].fields["owner"].queryset)
    assert owners == {staff_a, claire}


def test_staff_edits_an_action_through_the_form(client, staff_a, coop_a):
    action = ActionFactory(cooperative=coop_a, title="Ancien intitulé")
    client.force_login(staff_a)

    response = client.post(
        reverse("action_edit", args=[action.pk]),
        form_data(
            action,
            title="Nouvel intitulé",
            status=Action.Status.IN_PROGRESS,
            progress_note="Prestataire choisi.",
        ),
    )

    action.refresh_from_db()
    assert response.status_code == 302
    assert (action.title, action.status, action.progress_note) == (
        "Nouvel intitulé",
        "in_progress",
        "Prestataire choisi.",
    )
    assert action.version == 2


def test_the_edit_form_carries_the_version_it_was_read_at(client, staff_a, coop_a):
    action = ActionFactory(cooperative=coop_a, version=4)
    client.force_login(staff_a)

    response = client.get(reverse("action_edit", args=[action.pk]))

    assert 'name="version" value="4"' in response.content.decode()


def test_closing_an_action_as_done_without_a_progress_note_is_refused_in_french(
    client, staff_a, coop_a
):
    action = ActionFactory(cooperative=coop_a, status=Action.Status.IN_PROGRESS)
    client.force_login(staff_a)

    response = client.post(
        reverse("action_edit", args=[action.pk]),
        form_data(action, status=Action.Status.DONE, progress_note=""),
    )

    action.refresh_from_db()
    assert response.status_code == 200
    assert field_error(response, "progress_note") == (
        "Décrivez en une phrase ce qui a été réalisé avant de clore."
    )
    assert (action.status, action.version) == ("in_progress", 1)


def test_a_board_member_cannot_create_an_action(client, board_a):
    client.force_login(board_a)

    response = client.post(reverse("action_new"), {"title": "Action", "status": "planned"})

    assert response.status_code == 403
    assert not Action.objects.exists()


# Completion date ----------------------------------------------------------------------------


def test_completion_date_is_set_when_the_action_becomes_done(client, staff_a, coop_a, today):
    action = ActionFactory(cooperative=coop_a, status=Action.Status.IN_PROGRESS)
    client.force_login(staff_a)

    client.post(
        reverse("action_edit", args=[action.pk]),
        form_data(action, status=Action.Status.DONE, progress_note="Livret remis."),
    )

    action.refresh_from_db()
    assert (action.status, action.completed_on) == ("done", today)


def test_completion_date_is_cleared_when_the_action_is_reopened(client, staff_a, coop_a):
    action = ActionFactory(
        cooperative=coop_a,
        status=Action.Status.DONE,
        progress_note="Livret remis.",
        completed_on=dt.date(2026, 1, 10),
    )
    client.force_login(staff_a)

    client.post(
        reverse("action_edit", args=[action.pk]),
        form_data(action, status=Action.Status.IN_PROGRESS),
    )

    action.refresh_from_db()
    assert (action.status, action.completed_on) == ("in_progress", None)


def test_editing_a_done_action_keeps_its_completion_date(client, staff_a, coop_a, today):
    action = ActionFactory(
        cooperative=coop_a,
        status=Action.Status.DONE,
        progress_note="Livret remis.",
        completed_on=dt.date(2026, 1, 10),
    )
    client.force_login(staff_a)

    client.post(
        reverse("action_edit", args=[action.pk]),
        form_data(action, progress_note="Livret remis à 40 ménages."),
    )

    action.refresh_from_db()
    assert action.completed_on == dt.date(2026, 1, 10)


# Late actions -------------------------------------------------------------------------------


@pytest.fixture
def actions_around_today(coop_a, today):
    """One action per case of "late"; the titles say whether each one is late."""
    yesterday = today - dt.timedelta(days=1)
    make = ActionFactory
    make(cooperative=coop_a, title="late planned", status="planned", due_date=yesterday)
    make(cooperative=coop_a, title="late in progress", status="in_progress", due_date=yesterday)
    make(cooperative=coop_a, title="due today", status="planned", due_date=today)
    make(
        cooperative=coop_a,
        title="due tomorrow",
        status="in_progress",
        due_date=today.replace(day=16),
    )
    make(cooperative=coop_a, title="no due date", status="planned", due_date=None)
    make(cooperative=coop_a, title="done past due", status="done", due_date=yesterday)
    make(cooperative=coop_a, title="abandoned past due", status="abandoned", due_date=yesterday)


LATE = {"late planned", "late in progress"}


def test_late_actions_are_the_open_ones_past_their_due_date(actions_around_today):
    assert {a.title for a in Action.objects.late()} == LATE


def test_action_is_late_agrees_with_the_queryset(actions_around_today):
    assert {a.title for a in Action.objects.all() if a.is_late()} == LATE


def test_the_late_filter_of_the_action_list_shows_only_late_actions(
    client, staff_a, actions_around_today
):
    client.force_login(staff_a)

    response = client.get(reverse("action_list"), {"late": "on"})

    assert listed_titles(response) == LATE
    assert "2 actions" in response.content.decode()


def test_the_action_list_marks_late_actions_in_words(client, staff_a, coop_a, today):
    ActionFactory(cooperative=coop_a, title="En souffrance", due_date=dt.date(2026, 5, 1))
    client.force_login(staff_a)

    body = client.get(reverse("action_list")).content.decode()

    assert re.search(r"En souffrance.*?</tr>", body, re.S).group(0).count("En retard") == 1


# Filters ------------------------------------------------------------------------------------


def test_filter_by_principle_lists_actions_of_commitments_embodying_it_once(
    client, staff_a, coop_a
):
    # Commitments 7 and 8 both embody solidarity; commitment 1 does not.
    ActionFactory(
        cooperative=coop_a,
        title="copropriété",
        commitments=[commitment(coop_a, 7), commitment(coop_a, 8)],
    )
    ActionFactory(cooperative=coop_a, title="prix", commitments=[commitment(coop_a, 1)])
    ActionFactory(cooperative=coop_a, title="sans engagement")
    client.force_login(staff_a)

    response = client.get(
        reverse("action_list"), {"principle": Principle.objects.get(code="solidarite").pk}
    )

    assert [a.title for a in response.context["page"]] == ["copropriété"]


def test_filter_by_iso_subject(client, staff_a, coop_a):
    ActionFactory(cooperative=coop_a, title="bilan carbone", iso_subject="environment")
    ActionFactory(cooperative=coop_a, title="formation", iso_subject="labour")
    client.force_login(staff_a)

    response = client.get(reverse("action_list"), {"iso_subject": "environment"})

    assert listed_titles(response) == {"bilan carbone"}


def test_filter_by_owner(client, staff_a, coop_a, claire, marc):
    ActionFactory(cooperative=coop_a, title="de Claire", owner=claire)
    ActionFactory(cooperative=coop_a, title="de Marc", owner=marc)
    client.force_login(staff_a)

    response = client.get(reverse("action_list"), {"owner": marc.pk})

    assert listed_titles(response) == {"de Marc"}


def test_filter_by_status(client, staff_a, coop_a):
    ActionFactory(cooperative=coop_a, title="prévue", status="planned")
    ActionFactory(cooperative=coop_a, title="abandonnée", status="abandoned")
    client.force_login(staff_a)

    response = client.get(reverse("action_list"), {"status": "abandoned"})

    assert listed_titles(response) == {"abandonnée"}


def test_my_actions_lists_only_the_actions_the_user_owns(client, coop_a, claire, marc):
    ActionFactory(cooperative=coop_a, title="de Claire", owner=claire)
    ActionFactory(cooperative=coop_a, title="de Marc", owner=marc)
    ActionFactory(cooperative=coop_a, title="sans responsable")
    client.force_login(claire)

    response = client.get(reverse("my_actions"))

    assert listed_titles(response) == {"de Claire"}
    assert "Mes actions" in response.content.decode()


# Concurrent edits ---------------------------------------------------------------------------


@pytest.fixture
def conflict(coop_a, claire, marc):
    """Claire and Marc open the same action; Claire saves first, then Marc saves.

    Returns Marc's client, the action, what Marc typed and the response to his save.
    """
    action = ActionFactory(
        cooperative=coop_a,
        title="Livret d'accueil",
        status=Action.Status.PLANNED,
        due_date=dt.date(2026, 9, 30),
    )
    claire_client, marc_client = Client(), Client()
    claire_client.force_login(claire)
    marc_client.force_login(marc)
    for c in (claire_client, marc_client):
        page = c.get(reverse("action_edit", args=[action.pk])).content.decode()
        assert 'name="version" value="1"' in page
    claire_saved = claire_client.post(
        reverse("action_edit", args=[action.pk]),
        form_data(action, status=Action.Status.IN_PROGRESS, progress_note="Maquette validée."),
    )
    assert claire_saved.status_code == 302
    marc_typed = form_data(
        action,
        title="Livret d'accueil des acquéreurs",
        due_date="2026-12-15",
        progress_note="Relire avec le conseil.",
    )
    response = marc_client.post(reverse("action_edit", args=[action.pk]), marc_typed)
    return marc_client, action, marc_typed, response


def test_the_second_save_of_a_concurrent_edit_gets_409_and_writes_nothing(conflict):
    _, action, _, response = conflict

    action.refresh_from_db()
    assert response.status_code == 409
    assert (action.title, action.due_date, action.status, action.progress_note) == (
        "Livret d'accueil",
        dt.date(2026, 9, 30),
        "in_progress",
        "Maquette validée.",
    )
    assert action.version == 2


def test_the_conflict_page_says_who_changed_the_action(conflict):
    *_, response = conflict

    body = html.unescape(response.content.decode())
    assert "Cette action a été modifiée par Claire Dubois pendant que vous la modifiiez." in body


def test_the_conflict_page_shows_the_values_the_other_user_saved(conflict):
    *_, response = conflict

    body = html.unescape(response.content.decode())
    assert (
        "Version enregistrée : statut « En cours », échéance 30 septembre 2026, "
        "avancement : « Maquette validée. »."
    ) in body


def test_the_conflict_page_keeps_what_the_second_user_typed(conflict):
    *_, response = conflict

    form = response.context["form"]
    assert form["title"].value() == "Livret d'accueil des acquéreurs"
    assert form["due_date"].value() == "2026-12-15"
    assert form["progress_note"].value() == "Relire avec le conseil."
    assert 'name="version" value="2"' in response.content.decode()


def test_saving_the_conflict_form_again_overwrites_knowingly(conflict):
    marc_client, action, marc_typed, response = conflict
    version = re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1)

    again = marc_client.post(
        reverse("action_edit", args=[action.pk]), {**marc_typed, "version": version}
    )

    action.refresh_from_db()
    assert again.status_code == 302
    assert (action.title, action.due_date, action.progress_note) == (
        "Livret d'accueil des acquéreurs",
        dt.date(2026, 12, 15),
        "Relire avec le conseil.",
    )
    assert action.version == 3


# History ------------------------------------------------------------------------------------


def test_the_action_page_shows_who_changed_which_field(client, coop_a, claire):
    client.force_login(claire)
    client.post(reverse("action_new"), {"title": "Livret", "status": "planned"})
    action = Action.objects.get()

    client.post(
        reverse("action_edit", args=[action.pk]),
        form_data(action, status=Action.Status.IN_PROGRESS),
    )
    response = client.get(reverse("action_detail", args=[action.pk]))

    history = response.context["history"]
    assert history[0].history_user == claire
    assert "statut" in [change.field for change in history[0].changes]
    row = re.search(r"<tr>\s*<td>[^<]*</td>\s*<td>Claire Dubois</td>.*?</tr>",
                    response.content.decode(), re.S)  # fmt: skip
    assert row, "no history row by Claire Dubois"
    assert "<strong>statut</strong> : Prévue → En cours" in row.group(0)


def test_a_user_of_another_cooperative_cannot_edit_an_action(client, staff_b, coop_a):
    action = ActionFactory(cooperative=coop_a, title="Livret")
    client.force_login(staff_b)

    response = client.post(
        reverse("action_edit", args=[action.pk]), form_data(action, title="Piraté")
    )

    action.refresh_from_db()
    assert response.status_code == 404
    assert action.title == "Livret"


def test_the_action_filters_are_folded_until_one_is_applied(client, staff_a):
    client.force_login(staff_a)

    folded = client.get(reverse("action_list")).content.decode()
    paged = client.get(reverse("action_list"), {"page": "1", "late": ""}).content.decode()
    filtered = client.get(reverse("action_list"), {"late": "on"}).content.decode()

    assert '<details class="filters mb-3">' in folded
    assert '<details class="filters mb-3">' in paged
    assert '<details class="filters mb-3" open>' in filtered
    assert "Filtrer les actions (1 filtre appliqué)" in filtered
