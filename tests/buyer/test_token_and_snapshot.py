"""The pieces of the answering journey that the pages rely on for their speed: the token lookup
(one hand-built statement) and the questionnaire snapshot (the journey's only cache)."""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cooperatives.models import Cooperative
from enquetes.answering.drawing import question_html, shown, with_answer
from enquetes.answering.forms import page_html
from enquetes.answering.frames import TEMPLATE, framed_page_html, page_context
from enquetes.answering.snapshot import snapshot_of, snapshots_clear
from enquetes.answering.tokens import invitation_from_token
from enquetes.models import Campaign, Invitation, Question, Questionnaire, Section
from enquetes.services.questionnaires import questionnaire_from_template
from tests.buyer.conftest import make_campaign, make_invitation, questions_by_key


def every_field(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


# Token lookup -----------------------------------------------------------------------------------


def test_the_token_lookup_loads_what_the_orm_loads_in_one_query(coop_a, buyer_a):
    campaign = make_campaign(coop_a, anonymous=False)
    Campaign.objects.filter(pk=campaign.pk).update(
        population={"source": "buyers", "programmes": [3]}, reminder_days=[7, 14]
    )
    invitation = make_invitation(campaign, buyer_a, draft={"12": ["oui"], "13": "Un texte"})

    with CaptureQueriesContext(connection) as queries:
        found = invitation_from_token(invitation.token)

    expected = Invitation.objects.select_related(
        "campaign__questionnaire", "campaign__cooperative"
    ).get(pk=invitation.pk)
    assert len(queries.captured_queries) == 1
    assert every_field(found) == every_field(expected)
    assert every_field(found.campaign) == every_field(expected.campaign)
    assert every_field(found.campaign.questionnaire) == every_field(expected.campaign.questionnaire)
    assert every_field(found.campaign.cooperative) == every_field(expected.campaign.cooperative)
    assert found.draft == {"12": ["oui"], "13": "Un texte"}
    assert found.campaign.population == {"source": "buyers", "programmes": [3]}
    assert isinstance(found.campaign.cooperative, Cooperative)
    with CaptureQueriesContext(connection) as later:
        model_to_dict(found.campaign)  # nothing left to load
    assert not later.captured_queries


def test_a_token_sharing_the_indexed_prefix_of_another_is_not_taken_for_it(campaign, buyer_a):
    invitation = make_invitation(campaign, buyer_a)
    twin = invitation.token[:12] + "x" * (len(invitation.token) - 12)

    assert invitation_from_token(twin) is None
    assert invitation_from_token(invitation.token).pk == invitation.pk


# Snapshot ---------------------------------------------------------------------------------------


def frozen_questionnaire(cooperative, family: str) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(
        cooperative=cooperative, family=family, title=family, kind="triennial",
        frozen_at=timezone.now(),
    )  # fmt: skip
    section = Section.objects.create(questionnaire=questionnaire, title="Page")
    Question.objects.create(
        questionnaire=questionnaire, section=section, key="q", text="Satisfait ?",
        type="satisfaction",
    )  # fmt: skip
    return questionnaire


def queries_of_snapshot(questionnaire: Questionnaire) -> int:
    with CaptureQueriesContext(connection) as queries:
        snapshot_of(questionnaire, anonymous=False)
    return len(queries.captured_queries)


def test_a_frozen_questionnaire_is_read_once_then_served_from_memory(coop_a):
    questionnaire = frozen_questionnaire(coop_a, "gelé")

    assert queries_of_snapshot(questionnaire) == 2
    assert queries_of_snapshot(questionnaire) == 0
    snapshots_clear()
    assert queries_of_snapshot(questionnaire) == 2


def test_a_questionnaire_not_frozen_is_read_every_time(coop_a):
    questionnaire = frozen_questionnaire(coop_a, "brouillon")
    Questionnaire.objects.filter(pk=questionnaire.pk).update(frozen_at=None)
    questionnaire.refresh_from_db()

    assert queries_of_snapshot(questionnaire) == 2
    assert queries_of_snapshot(questionnaire) == 2


def test_the_snapshot_is_keyed_by_the_freezing_time(coop_a):
    questionnaire = frozen_questionnaire(coop_a, "gelé")
    before = snapshot_of(questionnaire, anonymous=False)
    Question.objects.filter(questionnaire=questionnaire).update(text="Vraiment satisfait ?")

    questionnaire.frozen_at = timezone.now()  # what a freezing again would change

    assert snapshot_of(questionnaire, anonymous=False).questions[0].text == "Vraiment satisfait ?"
    assert before.questions[0].text == "Satisfait ?"


def test_at_most_64_snapshots_are_kept(coop_a):
    questionnaires = [frozen_questionnaire(coop_a, f"gelé-{i}") for i in range(65)]
    for questionnaire in questionnaires:
        snapshot_of(questionnaire, anonymous=False)

    assert queries_of_snapshot(questionnaires[-1]) == 0
    assert queries_of_snapshot(questionnaires[0]) == 2  # the least recently used went out


def test_a_snapshot_cannot_be_changed_by_the_code_that_reads_it(coop_a):
    snapshot = snapshot_of(frozen_questionnaire(coop_a, "gelé"), anonymous=False)
    question = snapshot.questions[0]

    with pytest.raises(FrozenInstanceError):
        question.required = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        snapshot.pages[0].blank_html[question.pk] = "<p>autre</p>"  # type: ignore[index]


def test_a_page_of_a_frozen_questionnaire_costs_one_query_once_read(client, coop_a, buyer_a):
    campaign = make_campaign(coop_a, questionnaire=frozen_questionnaire(coop_a, "gelé"))
    invitation = make_invitation(campaign, buyer_a)
    url = reverse("survey_page", args=[invitation.token, 1])
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert len(queries.captured_queries) == 1


# A returning buyer's page ------------------------------------------------------------------------


def answers_to_try(question) -> list[list[str] | str]:
    if question.type == "text":
        return ['Bien <b>"reçu"</b> & merci', "Une ligne\npuis une autre"]
    values = [value for value, _ in question.options]
    return (
        [values[:1], values[-1:], values[1:3]]
        if question.type == "multiple"
        else [values[:1], values[-1:], values[-1]]
    )


@pytest.mark.parametrize("template_key", ["triennale-acquereurs", "apres-reservation"])
def test_an_answered_question_is_drawn_from_its_blank_html_as_the_template_draws_it(
    coop_a, template_key
):
    snapshot = snapshot_of(
        questionnaire_from_template(cooperative=coop_a, template_key=template_key),
        anonymous=False,
    )
    for page in snapshot.pages:
        for question in page.questions:
            blank = page.blank_html[question.pk]
            for given in answers_to_try(question):
                here = page.conditioned_here(question)
                drawn = question_html(shown(question, conditioned_here=here, given=given))
                assert drawn != blank
                assert with_answer(blank, question, given) == drawn, (question.key, given)


def test_a_returning_buyers_page_shows_the_saved_answers_for_one_query(client, coop_a, buyer_a):
    campaign = make_campaign(coop_a)
    Questionnaire.objects.filter(pk=campaign.questionnaire_id).update(frozen_at=timezone.now())
    q = questions_by_key(campaign)
    draft = {
        str(q["rapport_qualite_prix"].pk): ["assez_satisfait"],
        str(q["recommandation"].pk): ["9"],
        str(q["points_forts"].pk): ["prix", "quartier"],
    }
    invitation = make_invitation(campaign, buyer_a, draft=draft)
    url = reverse("survey_page", args=[invitation.token, 5])
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert len(queries.captured_queries) == 1
    checked = re.findall(r'value="([^"]+)" id="[^"]+" checked>', response.content.decode())
    assert checked == ["assez_satisfait", "9", "prix", "quartier"]


# The page's frame -------------------------------------------------------------------------------


def without_csrf_value(html: str) -> str:
    """The page with its CSRF token's value blanked (masked afresh at each drawing)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)


def test_a_page_filled_into_its_frame_reads_as_the_page_drawn_in_full(rf, coop_a, buyer_a):
    campaign = make_campaign(coop_a)
    Questionnaire.objects.filter(pk=campaign.questionnaire_id).update(frozen_at=timezone.now())
    q = questions_by_key(campaign)
    draft = {q["qualite_logement"].pk: ["assez_satisfait"], q["commentaire"].pk: "<b>Merci</b>"}
    invitation = invitation_from_token(make_invitation(campaign, buyer_a).token)
    snapshot = snapshot_of(
        invitation.campaign.questionnaire, anonymous=invitation.campaign.anonymous
    )
    for page in snapshot.pages:
        html = page_html(page, earlier=draft, given=draft, errors={})
        args = {"campaign": invitation.campaign, "token": invitation.token, "snapshot": snapshot,
                "page": page, "questions_html": html}  # fmt: skip
        request = rf.get("/")

        framed = framed_page_html(request, **args)
        full = render_to_string(TEMPLATE, page_context(**args, errors=[]), rf.get("/"))

        assert without_csrf_value(framed) == without_csrf_value(full), page.number
        assert 'name="csrfmiddlewaretoken" value="' in framed


def test_a_renamed_cooperative_shows_its_new_name_at_the_next_page(client, coop_a, buyer_a):
    campaign = make_campaign(coop_a)
    Questionnaire.objects.filter(pk=campaign.questionnaire_id).update(frozen_at=timezone.now())
    url = reverse("survey_page", args=[make_invitation(campaign, buyer_a).token, 1])
    client.get(url)
    Cooperative.objects.filter(pk=coop_a.pk).update(name="Coopérative Renommée")

    assert "Coopérative Renommée" in client.get(url).content.decode()
