"""Questionnaires: the shipped templates, versions, the builder pages, results across versions."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Commitment
from enquetes.library import TEMPLATES
from enquetes.models import Answer, Question, Questionnaire, Response, Section
from enquetes.selectors import campaign_export_rows, campaign_results
from enquetes.services.questionnaires import (
    questionnaire_freeze,
    questionnaire_from_template,
    questionnaire_new_version,
)
from tests.enquetes.factories import campaign_create


def template_questions(template: dict) -> list[tuple]:
    """(key, text, type, theme, charter number, required, extra) of every question, in order."""
    return [question for _, questions in template["sections"] for question in questions]


# Questionnaires from the shipped templates ------------------------------------------------------


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_a_template_gives_sections_and_questions_with_the_templates_keys(coop_a, key):
    template = TEMPLATES[key]

    questionnaire = questionnaire_from_template(cooperative=coop_a, template_key=key)

    assert (questionnaire.family, questionnaire.version) == (key, 1)
    assert questionnaire.kind == template["kind"]
    assert questionnaire.title == template["title"]
    assert [s.title for s in questionnaire.sections.all()] == [t for t, _ in template["sections"]]
    questions = list(questionnaire.questions.select_related("section"))
    assert [(q.key, q.type, q.required) for q in questions] == [
        (key_, kind, required) for key_, _, kind, _, _, required, _ in template_questions(template)
    ]
    by_section = {title: [q[0] for q in qs] for title, qs in template["sections"]}
    for question in questions:
        assert question.key in by_section[question.section.title]


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_a_templates_choice_questions_get_their_choices_in_order(coop_a, key):
    questionnaire = questionnaire_from_template(cooperative=coop_a, template_key=key)

    expected = {
        q[0]: [value for value, _ in q[6]]
        for q in template_questions(TEMPLATES[key])
        if isinstance(q[6], list)
    }
    got = {
        q.key: [c.value for c in q.choices.all()]
        for q in questionnaire.questions.prefetch_related("choices")
        if q.type in ("single", "multiple")
    }
    assert got == expected
    assert all(len(values) >= 2 for values in got.values())


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_a_templates_questions_are_tied_to_the_cooperatives_commitments_by_charter_number(
    coop_a, coop_b, key
):
    questionnaire = questionnaire_from_template(cooperative=coop_a, template_key=key)

    charter = {q[0]: q[4] for q in template_questions(TEMPLATES[key])}
    for question in questionnaire.questions.select_related("commitment"):
        if charter[question.key] is None:
            assert question.commitment is None, question.key
        else:
            assert question.commitment.cooperative == coop_a, question.key
            assert question.commitment.charter_number == charter[question.key], question.key


def test_questions_follow_the_charter_number_even_when_the_cooperative_renumbered(coop_a):
    first = Commitment.objects.get(cooperative=coop_a, charter_number=1)
    sixth = Commitment.objects.get(cooperative=coop_a, charter_number=6)
    Commitment.objects.filter(pk=first.pk).update(number=21)
    Commitment.objects.filter(pk=sixth.pk).update(number=1)

    questionnaire = questionnaire_from_template(
        cooperative=coop_a, template_key="triennale-acquereurs"
    )

    assert questionnaire.questions.get(key="qualite_logement").commitment == first
    assert questionnaire.questions.get(key="sav_traitement").commitment == sixth


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_a_templates_conditions_point_to_the_question_of_the_same_questionnaire(coop_a, key):
    questionnaire = questionnaire_from_template(cooperative=coop_a, template_key=key)

    expected = {
        q[0]: (q[6]["if"], q[6]["in"])
        for q in template_questions(TEMPLATES[key])
        if isinstance(q[6], dict)
    }
    conditional = questionnaire.questions.filter(condition_question__isnull=False)
    got = {
        q.key: (q.condition_question.key, q.condition_values)
        for q in conditional.select_related("condition_question")
    }
    assert got == expected
    assert all(q.condition_question.questionnaire_id == questionnaire.pk for q in conditional)


def test_after_sales_treatment_is_asked_only_of_those_who_reported_a_defect(coop_a):
    questionnaire = questionnaire_from_template(
        cooperative=coop_a, template_key="triennale-acquereurs"
    )

    question = questionnaire.questions.get(key="sav_traitement")

    assert question.condition_question == questionnaire.questions.get(key="sav_sollicite")
    assert question.condition_values == ["oui"]


def test_a_template_used_twice_gives_the_next_version_of_its_family(coop_a):
    questionnaire_from_template(cooperative=coop_a, template_key="apres-livraison")

    second = questionnaire_from_template(cooperative=coop_a, template_key="apres-livraison")

    assert (second.family, second.version) == ("apres-livraison", 2)


# New versions -------------------------------------------------------------------------------------


@pytest.fixture
def triennial(coop_a) -> Questionnaire:
    return questionnaire_from_template(cooperative=coop_a, template_key="triennale-acquereurs")


def test_a_new_version_is_the_next_of_its_family_with_the_same_keys(triennial):
    questionnaire_freeze(questionnaire=triennial)

    copy = questionnaire_new_version(questionnaire=triennial)

    assert (copy.family, copy.version) == (triennial.family, 2)
    assert copy.pk != triennial.pk
    assert not copy.is_frozen
    assert list(copy.questions.values_list("key", flat=True)) == list(
        triennial.questions.values_list("key", flat=True)
    )
    assert list(copy.sections.values_list("title", flat=True)) == list(
        triennial.sections.values_list("title", flat=True)
    )
    assert not Section.objects.filter(questionnaire=copy, questions__questionnaire=triennial)
    assert triennial.questions.count() == copy.questions.count()


def test_the_conditions_of_a_new_version_point_inside_the_new_version(triennial):
    copy = questionnaire_new_version(questionnaire=triennial)

    conditional = copy.questions.filter(condition_question__isnull=False).select_related(
        "condition_question"
    )
    assert {q.key for q in conditional} == {"sav_traitement", "sav_delai"}
    for question in conditional:
        assert question.condition_question.questionnaire_id == copy.pk
        assert question.condition_question.key == "sav_sollicite"
        assert question.condition_values == ["oui"]


def test_a_condition_on_a_question_placed_later_on_the_page_is_copied_too(
    client, staff_a, triennial
):
    condition = triennial.questions.get(key="sav_sollicite")
    client.force_login(staff_a)
    client.post(
        reverse("question_edit", args=[condition.pk]),
        question_data(
            triennial, key="sav_sollicite", type="yes_no", choices_text="", text=condition.text,
            section=condition.section_id, position="9", required="on",
        ),
    )  # fmt: skip
    assert triennial.questions.get(key="sav_sollicite").position == 9

    copy = questionnaire_new_version(questionnaire=triennial)

    copied = copy.questions.select_related("condition_question").get(key="sav_traitement")
    assert copied.condition_question is not None
    assert copied.condition_question.questionnaire_id == copy.pk
    assert copied.condition_question.key == "sav_sollicite"


def test_the_choices_are_copied_into_the_new_version(triennial):
    copy = questionnaire_new_version(questionnaire=triennial)

    original = triennial.questions.get(key="points_forts")
    copied = copy.questions.get(key="points_forts")
    assert copied.pk != original.pk
    assert list(copied.choices.values_list("value", "label", "position")) == list(
        original.choices.values_list("value", "label", "position")
    )
    assert original.choices.count() == 5


def test_the_commitments_are_kept_by_the_new_version(triennial):
    copy = questionnaire_new_version(questionnaire=triennial)

    assert dict(copy.questions.values_list("key", "commitment_id")) == dict(
        triennial.questions.values_list("key", "commitment_id")
    )


# The builder pages --------------------------------------------------------------------------------


def question_data(questionnaire: Questionnaire, **overrides) -> dict:
    data = {
        "section": questionnaire.sections.first().pk,
        "key": "canal_prefere",
        "text": "Comment préférez-vous être informé ?",
        "help_text": "",
        "type": "single",
        "required": "",
        "theme": "information",
        "commitment": "",
        "position": "5",
        "condition_question": "",
        "choices_text": "Par e-mail\nPar courrier\n\n  Par e-mail  \nPar téléphone",
        "condition_text": "",
    }
    data.update(overrides)
    return data


def test_staff_add_a_section(client, staff_a, triennial):
    client.force_login(staff_a)

    response = client.post(
        reverse("section_new", args=[triennial.pk]),
        {"title": "Le quartier", "help_text": "", "position": "9"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("questionnaire_detail", args=[triennial.pk])
    section = triennial.sections.get(title="Le quartier")
    assert section.position == 9


def test_staff_add_a_single_choice_question_with_one_choice_per_line(client, staff_a, triennial):
    client.force_login(staff_a)

    response = client.post(reverse("question_new", args=[triennial.pk]), question_data(triennial))

    assert response.status_code == 302
    question = triennial.questions.get(key="canal_prefere")
    assert question.type == "single"
    assert list(question.choices.values_list("value", "label")) == [
        ("par-e-mail", "Par e-mail"),
        ("par-courrier", "Par courrier"),
        ("par-telephone", "Par téléphone"),
    ]


def test_staff_add_a_conditional_question(client, staff_a, triennial):
    client.force_login(staff_a)
    condition = triennial.questions.get(key="sav_sollicite")

    client.post(
        reverse("question_new", args=[triennial.pk]),
        question_data(
            triennial, key="sav_contact", type="yes_no", choices_text="",
            condition_question=condition.pk, condition_text="oui",
        ),
    )  # fmt: skip

    question = triennial.questions.get(key="sav_contact")
    assert question.condition_question == condition
    assert question.condition_values == ["oui"]
    assert not question.choices.exists()


def builder_errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200, "the form should be shown again with its errors"
    return response.context["form"].errors


@pytest.mark.parametrize("kind", ["single", "multiple"])
def test_a_choice_question_with_fewer_than_two_choices_is_refused(client, staff_a, triennial, kind):
    client.force_login(staff_a)

    response = client.post(
        reverse("question_new", args=[triennial.pk]),
        question_data(triennial, type=kind, choices_text="Par e-mail\n\n"),
    )

    assert builder_errors(response)["choices_text"] == [
        "Proposez au moins deux choix, un par ligne."
    ]
    assert not triennial.questions.filter(key="canal_prefere").exists()


def test_a_choice_question_whose_two_lines_are_the_same_choice_is_refused(
    client, staff_a, triennial
):
    client.force_login(staff_a)

    response = client.post(
        reverse("question_new", args=[triennial.pk]),
        question_data(triennial, choices_text="Par e-mail\nPar e-mail"),
    )

    assert not triennial.questions.filter(key="canal_prefere").exists()
    assert builder_errors(response)["choices_text"] == [
        "Proposez au moins deux choix, un par ligne."
    ]


def test_choices_whose_values_are_the_same_once_slugified_are_kept_once(client, staff_a, triennial):
    client.force_login(staff_a)

    client.post(
        reverse("question_new", args=[triennial.pk]),
        question_data(triennial, choices_text="Très bien\ntres bien\nPassable"),
    )

    question = triennial.questions.get(key="canal_prefere")
    assert list(question.choices.values_list("value", flat=True)) == ["tres-bien", "passable"]


def test_a_condition_question_without_values_is_refused(client, staff_a, triennial):
    client.force_login(staff_a)

    response = client.post(
        reverse("question_new", args=[triennial.pk]),
        question_data(
            triennial,
            key="sav_contact",
            type="yes_no",
            choices_text="",
            condition_question=triennial.questions.get(key="sav_sollicite").pk,
            condition_text=" , ",
        ),
    )

    assert builder_errors(response)["condition_text"] == [
        "Indiquez la ou les réponses qui font afficher."
    ]
    assert not triennial.questions.filter(key="sav_contact").exists()


def test_a_key_already_used_in_the_questionnaire_is_refused(client, staff_a, triennial):
    client.force_login(staff_a)

    response = client.post(
        reverse("question_new", args=[triennial.pk]),
        question_data(triennial, key="sav_sollicite"),
    )

    assert builder_errors(response)["key"] == ["Cette clé est déjà celle d'une autre question."]
    assert triennial.questions.filter(key="sav_sollicite").count() == 1


def test_a_key_used_in_another_questionnaire_is_accepted(client, staff_a, coop_a, triennial):
    other = questionnaire_from_template(cooperative=coop_a, template_key="apres-reservation")
    client.force_login(staff_a)

    response = client.post(
        reverse("question_new", args=[triennial.pk]),
        question_data(triennial, key="canal_prefere"),
    )

    assert response.status_code == 302
    assert other.questions.filter(key="canal_prefere").exists()
    assert triennial.questions.filter(key="canal_prefere").exists()


def test_editing_a_question_keeps_its_own_key(client, staff_a, triennial):
    question = triennial.questions.get(key="sav_sollicite")
    client.force_login(staff_a)

    response = client.post(
        reverse("question_edit", args=[question.pk]),
        question_data(
            triennial, key="sav_sollicite", type="yes_no", choices_text="",
            text="Avez-vous signalé un défaut ?", section=question.section_id,
        ),
    )  # fmt: skip

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "Avez-vous signalé un défaut ?"


# Frozen questionnaires ----------------------------------------------------------------------------


@pytest.fixture
def frozen(coop_a, triennial) -> Questionnaire:
    """Used by a launched campaign."""
    campaign_create(cooperative=coop_a, questionnaire=triennial, launched_at=timezone.now())
    questionnaire_freeze(questionnaire=triennial)
    triennial.refresh_from_db()
    return triennial


FROZEN_MESSAGE = "Ce questionnaire est utilisé par une campagne : créez-en une nouvelle version."


def _sent_back_to_its_page(response, questionnaire) -> bool:
    """Redirected to the questionnaire's page, which says why."""
    back = reverse("questionnaire_detail", args=[questionnaire.pk])
    return response.redirect_chain == [(back, 302)] and FROZEN_MESSAGE in html.unescape(
        response.content.decode()
    )


def test_a_frozen_questionnaire_refuses_a_new_section(client, staff_a, frozen):
    client.force_login(staff_a)
    url = reverse("section_new", args=[frozen.pk])

    assert _sent_back_to_its_page(client.get(url, follow=True), frozen)
    posted = client.post(url, {"title": "Ajout", "position": "9"}, follow=True)
    assert _sent_back_to_its_page(posted, frozen)
    assert not frozen.sections.filter(title="Ajout").exists()


def test_a_frozen_questionnaire_refuses_a_new_question(client, staff_a, frozen):
    client.force_login(staff_a)
    url = reverse("question_new", args=[frozen.pk])

    assert _sent_back_to_its_page(client.get(url, follow=True), frozen)
    assert _sent_back_to_its_page(client.post(url, question_data(frozen), follow=True), frozen)
    assert not frozen.questions.filter(key="canal_prefere").exists()


def test_a_frozen_questionnaire_refuses_a_question_edit(client, staff_a, frozen):
    question = frozen.questions.get(key="sav_sollicite")
    client.force_login(staff_a)
    url = reverse("question_edit", args=[question.pk])

    assert _sent_back_to_its_page(client.get(url, follow=True), frozen)
    response = client.post(
        url, question_data(frozen, key="sav_sollicite", type="yes_no", text="Changé"), follow=True
    )
    assert _sent_back_to_its_page(response, frozen)
    question.refresh_from_db()
    assert question.text != "Changé"


def test_a_frozen_questionnaires_page_offers_a_new_version_instead_of_edits(
    client, staff_a, frozen
):
    client.force_login(staff_a)

    content = client.get(reverse("questionnaire_detail", args=[frozen.pk])).content.decode()

    assert "Créer une nouvelle version" in content
    assert reverse("questionnaire_version", args=[frozen.pk]) in content
    assert reverse("question_new", args=[frozen.pk]) not in content
    assert reverse("section_new", args=[frozen.pk]) not in content


def test_an_editable_questionnaires_page_offers_edits_not_a_new_version(client, staff_a, triennial):
    client.force_login(staff_a)

    content = client.get(reverse("questionnaire_detail", args=[triennial.pk])).content.decode()

    assert "Créer une nouvelle version" not in content
    assert reverse("question_new", args=[triennial.pk]) in content


def test_creating_a_new_version_leads_to_its_page(client, staff_a, frozen):
    client.force_login(staff_a)

    response = client.post(reverse("questionnaire_version", args=[frozen.pk]))

    copy = Questionnaire.objects.get(family=frozen.family, version=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("questionnaire_detail", args=[copy.pk])
    assert client.get(reverse("question_new", args=[copy.pk])).status_code == 200


def test_a_board_member_cannot_create_a_questionnaire_from_a_template(client, board_a):
    client.force_login(board_a)

    response = client.post(reverse("questionnaire_list"), {"template": "triennale-acquereurs"})

    assert response.status_code == 403
    assert not Questionnaire.objects.exists()


def test_an_unknown_template_is_refused_with_a_message(client, staff_a):
    client.force_login(staff_a)

    response = client.post(reverse("questionnaire_list"), {"template": "inconnu"}, follow=True)

    assert response.redirect_chain == [(reverse("questionnaire_list"), 302)]
    assert "Choisissez l'un des modèles proposés." in html.unescape(response.content.decode())
    assert not Questionnaire.objects.exists()


def test_staff_create_a_questionnaire_from_a_template(client, staff_a):
    client.force_login(staff_a)

    response = client.post(reverse("questionnaire_list"), {"template": "apres-livraison"})

    questionnaire = Questionnaire.objects.get()
    assert response["Location"] == reverse("questionnaire_detail", args=[questionnaire.pk])
    assert questionnaire.cooperative == staff_a.cooperative
    assert questionnaire.family == "apres-livraison"


# Results across versions --------------------------------------------------------------------------


def _respond(campaign, key: str, values: list[str]) -> None:
    """One completed response per value, to the question `key` of the campaign's questionnaire."""
    question = Question.objects.get(questionnaire=campaign.questionnaire, key=key)
    for value in values:
        response = Response.objects.create(campaign=campaign, completed=True)
        Answer.objects.create(response=response, question=question, value=value)


def test_results_of_two_versions_of_a_family_compare_by_question_key(coop_a, triennial):
    previous = campaign_create(
        cooperative=coop_a, questionnaire=triennial, name="2023", launched_at=timezone.now(),
        opens_on=timezone.localdate() - dt.timedelta(days=1100), anonymous=False,
    )  # fmt: skip
    questionnaire_freeze(questionnaire=triennial)
    second = questionnaire_new_version(questionnaire=triennial)
    current = campaign_create(
        cooperative=coop_a, questionnaire=second, name="2026", launched_at=timezone.now(),
        anonymous=False,
    )  # fmt: skip
    _respond(previous, "satisfaction_globale", ["tres_satisfait", "peu_satisfait"])
    _respond(current, "satisfaction_globale", ["tres_satisfait"] * 3 + ["peu_satisfait"])

    results = campaign_results(current)

    assert results.previous == previous
    by_key = {r.question.key: r for r in results.questions}
    assert by_key["satisfaction_globale"].question.questionnaire_id == second.pk
    assert by_key["satisfaction_globale"].rate.rate == 75.0
    assert by_key["satisfaction_globale"].previous_rate == 50.0
    assert by_key["satisfaction_globale"].change == 25.0
    assert by_key["qualite_logement"].previous_rate is None


# The consent to be contacted back (the closed loop of after-sales) ------------------------------

NOMINATIVE_TEMPLATES = [
    "triennale-acquereurs", "apres-reservation", "apres-livraison", "fin-parfait-achevement",
]  # fmt: skip


@pytest.mark.parametrize("key", NOMINATIVE_TEMPLATES)
def test_a_template_ends_with_the_optional_consent_to_be_contacted_back(coop_a, key):
    questionnaire = questionnaire_from_template(cooperative=coop_a, template_key=key)

    last = list(questionnaire.questions.all())[-1]
    assert (last.key, last.type, last.required) == ("recontact", "yes_no", False)
    assert last.text == (
        "Acceptez-vous que la coopérative vous recontacte au sujet de vos réponses ?"
    )
    assert (last.theme, last.commitment) == ("", None)


def test_an_anonymous_campaigns_results_and_export_leave_out_the_consent(coop_a):
    questionnaire = questionnaire_from_template(
        cooperative=coop_a, template_key="apres-reservation"
    )
    anonymous = campaign_create(cooperative=coop_a, questionnaire=questionnaire, anonymous=True)
    nominative = campaign_create(cooperative=coop_a, questionnaire=questionnaire, anonymous=False)

    def keys(campaign):
        return [r.question.key for r in campaign_results(campaign).questions]

    assert keys(anonymous) == [
        "accueil_conseil", "clarte_contrat", "garanties_expliquees", "canal_prefere",
        "commentaire",
    ]  # fmt: skip
    assert keys(nominative)[-1] == "recontact"
    assert "recontact" not in next(campaign_export_rows(anonymous))
    assert next(campaign_export_rows(nominative))[-1] == "recontact"
