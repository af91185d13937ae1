"""A buyer answers a survey from the token link of an e-mail, without an account.

Django test client: the states of a link, the pages saved as the buyer goes, conditional and
multiple-choice questions, the single submission, anonymity, and the cost of saving a page.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enquetes.answering.saving import AlreadyAnswered, response_save_page, response_submit
from enquetes.models import Answer, Choice, Invitation, Question, Questionnaire, Response, Section
from enquetes.models.campaigns import new_token
from tests.buyer.conftest import (
    csrf_post,
    make_campaign,
    make_invitation,
    pool_flushed,
    questions_by_key,
    triennial_answers,
)
from tests.enquetes.factories import campaign_admin_data
from tests.factories import UserFactory

URL_SAFE_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43,}$")


def start_url(invitation: Invitation) -> str:
    return reverse("survey_start", args=[invitation.token])


def page_url(invitation: Invitation, number: int) -> str:
    return reverse("survey_page", args=[invitation.token, number])


def thanks_url(invitation: Invitation) -> str:
    return reverse("survey_thanks", args=[invitation.token])


def answer_pages(client, invitation: Invitation, pages: list[dict], first: int = 1) -> list:
    """POST each page in turn; every page must be accepted (a redirect)."""
    responses = []
    for number, data in enumerate(pages, start=first):
        response = csrf_post(client, page_url(invitation, number), data)
        assert response.status_code == 302, (number, response.content.decode()[:2000])
        responses.append(response)
    return responses


def answers_of(response: Response) -> dict[str, list[str]]:
    """{question key: sorted values (or texts)} of a response."""
    out: dict[str, list[str]] = {}
    for key, value, text in response.answers.values_list("question__key", "value", "text"):
        out.setdefault(key, []).append(text or value)
    return {key: sorted(values) for key, values in out.items()}


def draft_of(invitation: Invitation) -> dict[str, list[str]]:
    """{question key: sorted values (or text)} of the answers saved so far (not submitted)."""
    invitation.refresh_from_db()
    keys = dict(Question.objects.values_list("pk", "key"))
    return {
        keys[int(pk)]: sorted(value) if isinstance(value, list) else [value]
        for pk, value in invitation.draft.items()
    }


# The states of a link ----------------------------------------------------------------------------


def test_an_unknown_token_shows_a_404_page_that_explains_the_link_is_unknown(client, db):
    response = client.get(reverse("survey_start", args=[new_token()]))

    assert response.status_code == 404
    assert "Ce lien ne correspond à aucune enquête" in response.content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda t: t[:-1], id="one-character-short"),
        pytest.param(lambda t: t + "A", id="one-character-long"),
        pytest.param(lambda t: t[:12], id="prefix-only"),
        pytest.param(lambda t: t[:13], id="prefix-and-one"),
        pytest.param(lambda t: t + "A" * 30, id="longer-than-64"),
        pytest.param(lambda t: t[:-1] + ("!" if t[-1] != "!" else "?"), id="punctuation"),
        pytest.param(lambda t: t[:-1] + "é", id="non-ascii"),
        pytest.param(lambda t: t.swapcase(), id="other-case"),
    ],
)
def test_a_token_of_another_length_or_with_wrong_characters_is_unknown(client, invitation, bad):
    token = bad(invitation.token)
    assert token != invitation.token

    for url in (
        reverse("survey_start", args=[token]),
        reverse("survey_page", args=[token, 1]),
        reverse("survey_thanks", args=[token]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Ce lien ne correspond à aucune enquête" in response.content.decode()

    # The real token still opens the survey: the 404s above are about the token alone.
    assert client.get(start_url(invitation)).status_code == 200


def test_tokens_are_url_safe_and_carry_at_least_256_random_bits(campaign):
    invitations = [make_invitation(campaign, last_name=f"Nom {i}") for i in range(20)]
    tokens = [i.token for i in invitations]

    for token in tokens:
        assert URL_SAFE_TOKEN.match(token), token
        # base64url without padding: 6 bits per character
        assert len(token) * 6 >= 256
    assert len(set(tokens)) == len(tokens)
    assert len({t[:12] for t in tokens}) == len(tokens)  # the indexed prefix tells them apart
    assert all(URL_SAFE_TOKEN.match(new_token()) for _ in range(50))


def test_a_closed_campaign_answers_410_and_says_the_survey_is_over(client, coop_a, buyer_a):
    campaign = make_campaign(coop_a, opens_in_days=-40, closes_in_days=-1)
    invitation = make_invitation(campaign, buyer_a)

    for url in (start_url(invitation), page_url(invitation, 1)):
        response = client.get(url)
        assert response.status_code == 410, url
        assert "terminée" in response.content.decode()

    response = csrf_post(client, page_url(invitation, 1), {"anything": "x"})
    assert response.status_code == 410
    assert not Response.objects.exists()


def test_a_closing_date_brought_forward_in_the_admin_stops_answers_as_soon_as_it_passes(
    client, campaign, invitation
):
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    admin = Client()
    with time_machine.travel(dt.datetime.combine(today, dt.time(23, 59, 50), tz), tick=False):
        assert client.get(page_url(invitation, 1)).status_code == 200
        admin.force_login(
            UserFactory(username="racine", is_superuser=True, is_staff=True, cooperative=None)
        )
        changed = admin.post(
            reverse("admin:enquetes_campaign_change", args=[campaign.pk]),
            campaign_admin_data(campaign, closes_on=today.isoformat()),
        )
        assert changed["Location"] == reverse("admin:enquetes_campaign_changelist")
        campaign.refresh_from_db()
        assert campaign.closes_on == today

    next_day = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0, 0, 20), tz)
    with time_machine.travel(next_day, tick=False):
        response = client.get(page_url(invitation, 1))

    assert response.status_code == 410
    assert "terminée" in response.content.decode()


def test_a_campaign_not_yet_open_answers_403(client, coop_a, buyer_a):
    campaign = make_campaign(coop_a, opens_in_days=3, closes_in_days=30)
    invitation = make_invitation(campaign, buyer_a)

    response = client.get(start_url(invitation))

    assert response.status_code == 403
    assert "pas encore ouverte" in response.content.decode()
    assert client.get(page_url(invitation, 1)).status_code == 403


def test_an_expired_invitation_answers_410(client, campaign, buyer_a):
    invitation = make_invitation(
        campaign, buyer_a, expires_at=timezone.now() - dt.timedelta(hours=1)
    )

    response = client.get(start_url(invitation))

    assert response.status_code == 410
    assert "Ce lien a expiré" in response.content.decode()
    assert client.get(page_url(invitation, 1)).status_code == 410


def test_an_invitation_already_answered_says_so(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(answered_at=timezone.now())

    for url in (start_url(invitation), page_url(invitation, 1)):
        response = client.get(url)
        assert "déjà répondu" in response.content.decode(), url
        assert "Commencer" not in response.content.decode()


def test_a_page_number_outside_the_questionnaire_is_404(client, invitation):
    assert client.get(page_url(invitation, 7)).status_code == 404
    assert client.get(page_url(invitation, 0)).status_code == 404
    assert client.get(page_url(invitation, 6)).status_code == 200


def test_buyer_pages_are_not_indexed(client, invitation, questions):
    pages = [
        client.get(start_url(invitation)),
        client.get(page_url(invitation, 1)),
        csrf_post(client, page_url(invitation, 1), {}),  # the error state
        client.get(thanks_url(invitation)),
        client.get(reverse("survey_start", args=[new_token()])),  # unknown link
    ]

    for response in pages:
        assert '<meta name="robots" content="noindex' in response.content.decode()
        assert "noindex" in response["X-Robots-Tag"]
        assert "no-store" in response["Cache-Control"]


def test_a_page_posted_without_the_csrf_token_is_refused(client, invitation, questions):
    response = client.post(
        page_url(invitation, 1), {f"q{questions['satisfaction_globale'].pk}": "tres_satisfait"}
    )

    assert response.status_code == 403
    assert not Response.objects.exists()


# A GET never changes anything --------------------------------------------------------------------


def test_opening_the_link_and_page_1_creates_nothing(client, invitation):
    for method in (client.get, client.head):
        assert method(start_url(invitation)).status_code == 200
        assert method(page_url(invitation, 1)).status_code == 200
        assert method(page_url(invitation, 2)).status_code == 200

    invitation.refresh_from_db()
    assert not Response.objects.exists()
    assert invitation.started_at is None
    assert invitation.answered_at is None


def test_the_first_posted_page_saves_a_draft_and_marks_the_invitation_started(
    client, invitation, questions
):
    before = timezone.now()

    response = csrf_post(
        client,
        page_url(invitation, 1),
        {f"q{questions['satisfaction_globale'].pk}": "tres_satisfait"},
    )

    assert response.status_code == 302
    assert response["Location"] == page_url(invitation, 2)
    invitation.refresh_from_db()
    assert invitation.started_at is not None and invitation.started_at >= before
    assert invitation.answered_at is None
    assert not Response.objects.exists()  # a response exists only once submitted
    assert draft_of(invitation) == {"satisfaction_globale": ["tres_satisfait"]}

    # A later page does not move the start.
    started_at = invitation.started_at
    csrf_post(client, page_url(invitation, 2), {f"q{questions['qualite_logement'].pk}": "nsp"})
    invitation.refresh_from_db()
    assert invitation.started_at == started_at
    assert draft_of(invitation) == {
        "satisfaction_globale": ["tres_satisfait"], "qualite_logement": ["nsp"],
    }  # fmt: skip


def test_a_required_question_left_empty_shows_the_error_linked_to_the_field(
    client, invitation, questions
):
    question = questions["satisfaction_globale"]

    response = csrf_post(client, page_url(invitation, 1), {})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Choisissez une réponse." in content
    assert "Une réponse est à compléter" in content
    assert f'href="#id_q{question.pk}_0"' in content
    assert f'id="id_q{question.pk}_0"' in content  # the link's target exists
    assert 'aria-invalid="true"' in content
    assert "<title>Erreur" in content
    invitation.refresh_from_db()
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    assert invitation.started_at is None


def test_an_error_keeps_what_the_buyer_ticked_on_the_page(client, invitation, questions):
    response = csrf_post(
        client, page_url(invitation, 3), {f"q{questions['information_achat'].pk}": "peu_satisfait"}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_q{questions["information_travaux"].pk}_0"' in content
    assert f'href="#id_q{questions["information_achat"].pk}_0"' not in content
    assert re.search(r'value="peu_satisfait" id="id_q\d+_2" checked', content)
    assert not Response.objects.exists()


def test_an_answer_not_offered_is_refused(client, invitation, questions):
    response = csrf_post(
        client, page_url(invitation, 1), {f"q{questions['satisfaction_globale'].pk}": "enchante"}
    )

    assert response.status_code == 200
    assert "Cette réponse n&#x27;est pas proposée." in response.content.decode()
    assert not Response.objects.exists()


def test_a_comment_over_3000_characters_is_refused_with_its_length(client, invitation, questions):
    comment = questions["commentaire"]

    response = csrf_post(client, page_url(invitation, 6), {f"q{comment.pk}": "é" * 3001})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Votre réponse compte 3\u202f001 caractères : 3\u202f000 au plus." in content
    assert f'href="#id_q{comment.pk}"' in content
    assert "é" * 3001 in content  # kept in the box, to be shortened
    invitation.refresh_from_db()
    assert invitation.draft == {}


def test_a_comment_of_3000_characters_is_kept(client, invitation, questions):
    comment = questions["commentaire"]
    answer_pages(client, invitation, triennial_answers(questions)[:5])

    answer_pages(client, invitation, [{f"q{comment.pk}": " " + "é" * 3000 + " "}], first=6)
    pool_flushed()

    assert Answer.objects.get(question=comment).text == "é" * 3000


def test_an_option_ticked_twice_is_saved_once(client, invitation, questions):
    points = questions["points_forts"]
    pages = triennial_answers(questions)
    pages[4][f"q{points.pk}"] = ["prix", "prix", "quartier"]

    answer_pages(client, invitation, pages)
    pool_flushed()

    rows = Answer.objects.filter(question=points)
    assert sorted(rows.values_list("value", flat=True)) == ["prix", "quartier"]


# Leaving and coming back -------------------------------------------------------------------------


def test_the_buyer_resumes_at_the_first_page_with_a_missing_required_answer(
    client, invitation, questions
):
    pages = triennial_answers(questions)
    answer_pages(client, invitation, pages[:1])
    answer_pages(client, invitation, pages[2:4], first=3)  # page 2 skipped (the URL allows it)

    content = client.get(start_url(invitation)).content.decode()

    assert "Reprendre" in content
    assert f'href="{page_url(invitation, 2)}">Reprendre' in content
    assert "Commencer" not in content
    # Coming back to a page shows what was saved.
    page_3 = client.get(page_url(invitation, 3)).content.decode()
    assert re.search(r'value="tres_satisfait" id="id_q\d+_0" checked', page_3)


def test_a_new_visitor_is_offered_to_start_not_to_resume(client, invitation):
    content = client.get(start_url(invitation)).content.decode()

    assert f'href="{page_url(invitation, 1)}">Commencer' in content
    assert "Reprendre" not in content


# Conditional questions (same page) ---------------------------------------------------------------


def test_a_conditional_question_of_the_same_page_is_shown_with_a_hint(
    client, invitation, questions
):
    traitement = questions["sav_traitement"]

    content = client.get(page_url(invitation, 4)).content.decode()

    assert f'name="q{traitement.pk}"' in content
    assert f'<p class="hint" id="id_q{traitement.pk}_condition">Seulement si' in content
    assert f'aria-describedby="id_q{traitement.pk}_condition"' in content
    # Required only when the condition is met: not marked "(obligatoire)" up front.
    fieldset = content[content.index(f'name="q{questions["sav_sollicite"].pk}"') :]
    legend = fieldset[fieldset.index("<legend") : fieldset.index(f'id="id_q{traitement.pk}_')]
    assert "(obligatoire)" not in legend


def test_the_hint_of_a_conditional_question_names_the_answer_that_shows_it(
    client, invitation, questions
):
    content = client.get(page_url(invitation, 4)).content.decode()

    assert "Seulement si vous avez répondu « Oui » à la question « Avez-vous signalé" in content


def test_a_conditional_question_is_required_when_its_condition_is_met(
    client, invitation, questions
):
    sollicite, traitement = questions["sav_sollicite"], questions["sav_traitement"]

    response = csrf_post(client, page_url(invitation, 4), {f"q{sollicite.pk}": "oui"})

    assert response.status_code == 200
    assert f'href="#id_q{traitement.pk}_0"' in response.content.decode()
    assert not Response.objects.exists()


def test_a_conditional_question_is_optional_and_dropped_when_its_condition_is_not_met(
    client, invitation, questions
):
    sollicite, traitement = questions["sav_sollicite"], questions["sav_traitement"]

    response = csrf_post(client, page_url(invitation, 4), {f"q{sollicite.pk}": "non"})
    assert response.status_code == 302

    # Ticked by mistake before answering "non": the answer is ignored.
    response = csrf_post(
        client,
        page_url(invitation, 4),
        {
            f"q{sollicite.pk}": "non",
            f"q{traitement.pk}": "tres_satisfait",
            f"q{questions['sav_delai'].pk}": "peu_satisfait",
        },
    )

    assert response.status_code == 302
    assert draft_of(invitation) == {"sav_sollicite": ["non"]}


def test_changing_a_conditional_answer_to_no_removes_the_dependent_answer(
    client, invitation, questions
):
    sollicite, traitement = questions["sav_sollicite"], questions["sav_traitement"]
    answer_pages(client, invitation, [{f"q{sollicite.pk}": "oui", f"q{traitement.pk}": "nsp"}], 4)
    assert draft_of(invitation)["sav_traitement"] == ["nsp"]

    answer_pages(client, invitation, [{f"q{sollicite.pk}": "non"}], 4)

    assert draft_of(invitation) == {"sav_sollicite": ["non"]}


# Multiple choice ---------------------------------------------------------------------------------


def test_a_multiple_choice_stores_one_answer_row_per_ticked_option(client, invitation, questions):
    points = questions["points_forts"]
    pages = triennial_answers(questions)
    answer_pages(client, invitation, pages[:4])
    pages[4][f"q{points.pk}"] = ["prix", "qualite", "securisation"]
    answer_pages(client, invitation, [pages[4]], first=5)
    assert draft_of(invitation)["points_forts"] == ["prix", "qualite", "securisation"]

    # Saving the page again replaces the ticks, it does not add to them.
    pages[4][f"q{points.pk}"] = ["quartier", "prix"]
    answer_pages(client, invitation, pages[4:], first=5)
    pool_flushed()

    rows = Answer.objects.filter(question=points)
    assert sorted(rows.values_list("value", flat=True)) == ["prix", "quartier"]
    assert all(row.text == "" for row in rows)


# Submission --------------------------------------------------------------------------------------


def test_submitting_the_last_page_completes_the_response_and_thanks_the_buyer(
    client, invitation, questions
):
    before = timezone.now()

    posted = answer_pages(client, invitation, triennial_answers(questions))

    assert posted[-1]["Location"] == thanks_url(invitation)
    invitation.refresh_from_db()
    assert invitation.answered_at is not None and invitation.answered_at >= before
    pool_flushed()
    saved = Response.objects.get()
    assert saved.completed is True
    assert saved.channel == Response.Channel.WEB
    assert answers_of(saved) == {
        "satisfaction_globale": ["tres_satisfait"],
        "qualite_logement": ["assez_satisfait"],
        "confort_thermique": ["peu_satisfait"],
        "information_achat": ["tres_satisfait"],
        "information_travaux": ["nsp"],
        "visite_chantier": ["oui"],
        "sav_sollicite": ["oui"],
        "sav_traitement": ["assez_satisfait"],
        "rapport_qualite_prix": ["assez_satisfait"],
        "recommandation": ["9"],
        "points_forts": ["prix", "quartier"],
        "commentaire": ["Très bon accompagnement."],
    }
    thanks = client.get(thanks_url(invitation))
    assert thanks.status_code == 200
    assert "Merci pour vos réponses" in thanks.content.decode()


def test_the_last_page_sends_back_to_a_skipped_required_answer_instead_of_submitting(
    client, invitation, questions
):
    pages = triennial_answers(questions)
    answer_pages(client, invitation, pages[:1])

    response = csrf_post(client, page_url(invitation, 6), pages[5])

    assert response["Location"] == page_url(invitation, 2)
    invitation.refresh_from_db()
    assert invitation.answered_at is None
    assert not Response.objects.exists()


def test_submitting_twice_keeps_one_response_and_shows_thanks(client, invitation, questions):
    pages = triennial_answers(questions)
    answer_pages(client, invitation, pages)
    invitation.refresh_from_db()
    answered_at = invitation.answered_at

    again = csrf_post(client, page_url(invitation, 6), pages[5], follow=True)

    content = again.content.decode()
    assert again.status_code == 200
    assert "Merci" in content
    assert "déjà répondu" in content or "Merci pour vos réponses" in content
    pool_flushed()
    assert Response.objects.count() == 1
    assert Answer.objects.filter(question=questions["commentaire"]).count() == 1
    invitation.refresh_from_db()
    assert invitation.answered_at == answered_at


def test_in_an_anonymous_campaign_the_submitted_response_is_cut_from_the_person(
    client, invitation, questions, programme_a
):
    assert invitation.campaign.anonymous
    answer_pages(client, invitation, triennial_answers(questions))
    pool_flushed()

    saved = Response.objects.get()
    assert saved.completed is True
    assert saved.invitation is None
    assert saved.submitted_on is None
    assert saved.programme == programme_a
    assert not Response.objects.filter(invitation=invitation).exists()


def test_in_a_named_campaign_the_submitted_response_keeps_its_invitation(
    client, coop_a, buyer_a, programme_a
):
    campaign = make_campaign(coop_a, anonymous=False)
    invitation = make_invitation(campaign, buyer_a)

    answer_pages(client, invitation, triennial_answers(questions_by_key(campaign)))

    saved = Response.objects.get()
    assert saved.completed is True
    assert saved.invitation == invitation
    assert saved.submitted_on == timezone.localdate()
    assert saved.programme == programme_a


CONSENT = "Acceptez-vous que la coopérative vous recontacte au sujet de vos réponses"


def test_a_named_campaign_asks_for_the_consent_to_be_contacted_back_on_its_last_page(
    client, coop_a, buyer_a
):
    campaign = make_campaign(coop_a, anonymous=False)
    invitation = make_invitation(campaign, buyer_a)

    last = client.get(page_url(invitation, 6)).content.decode()

    assert CONSENT in last
    assert f'name="q{questions_by_key(campaign)["recontact"].pk}"' in last


def test_an_anonymous_campaign_never_asks_for_the_consent_and_ignores_a_forged_one(
    client, invitation, questions
):
    consent = questions["recontact"]
    pages = triennial_answers(questions)
    pages[-1][f"q{consent.pk}"] = "oui"  # posted by hand: not a field of the page

    assert CONSENT not in client.get(page_url(invitation, 6)).content.decode()
    answer_pages(client, invitation, pages)
    pool_flushed()

    assert Response.objects.count() == 1
    assert not Answer.objects.filter(question=consent).exists()


def test_a_page_saved_after_an_anonymous_submission_is_refused(client, invitation, questions):
    pages = triennial_answers(questions)
    answer_pages(client, invitation, pages)
    stale = Invitation.objects.get(pk=invitation.pk)
    stale.answered_at = None  # what a request that loaded the invitation just before saw

    with pytest.raises(AlreadyAnswered):
        response_save_page(
            invitation=stale,
            questions=[questions["commentaire"]],
            cleaned={questions["commentaire"].pk: "Deuxième onglet"},
            now=timezone.now(),
        )

    pool_flushed()
    assert Response.objects.count() == 1
    assert not Response.objects.filter(invitation=invitation).exists()


@pytest.mark.django_db(transaction=True)
def test_a_save_racing_an_uncommitted_submission_waits_for_it_then_is_refused(
    invitation, questions
):
    if connection.vendor != "postgresql":
        pytest.skip("Deux connexions concurrentes : PostgreSQL seulement (DATABASE_URL)")
    import threading

    holding, release = threading.Event(), threading.Event()

    def submission_in_progress():
        try:
            with transaction.atomic():
                Invitation.objects.filter(pk=invitation.pk).update(answered_at=timezone.now())
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=submission_in_progress)
    thread.start()
    assert holding.wait(timeout=30)
    threading.Timer(0.5, release.set).start()  # the submission commits while the save waits
    try:
        with pytest.raises(AlreadyAnswered):
            response_save_page(
                invitation=invitation,
                questions=[questions["commentaire"]],
                cleaned={questions["commentaire"].pk: "Un second onglet"},
                now=timezone.now(),
            )
    finally:
        release.set()
        thread.join(timeout=30)

    assert not Answer.objects.exists()


def test_the_service_submits_only_once(invitation, questions):
    response_save_page(
        invitation=invitation,
        questions=[questions["satisfaction_globale"]],
        cleaned={questions["satisfaction_globale"].pk: "nsp"},
        now=timezone.now(),
    )
    response_submit(invitation=invitation, now=timezone.now())

    with pytest.raises(AlreadyAnswered):
        response_submit(invitation=invitation, now=timezone.now())
    pool_flushed()
    assert Response.objects.filter(completed=True).count() == 1


# Database guard ----------------------------------------------------------------------------------


def test_the_database_refuses_a_second_response_for_the_same_invitation(invitation):
    Response.objects.create(campaign=invitation.campaign, invitation=invitation)

    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(campaign=invitation.campaign, invitation=invitation)

    # Responses cut from their invitation (anonymous, submitted) are not limited.
    Response.objects.create(campaign=invitation.campaign, invitation=None)
    Response.objects.create(campaign=invitation.campaign, invitation=None)
    assert Response.objects.count() == 3


# Cost of saving a page ---------------------------------------------------------------------------


def questionnaire_by_hand(cooperative, n_questions: int, *, conditional: bool) -> Questionnaire:
    """A page of `n_questions`, cycling through the types of question (with choices), then a
    last page of one question (so that saving page 1 does not submit).

    With `conditional`: a yes/no, a single choice, then a satisfaction question shown only if
    that yes/no got "oui" (a condition on the same page), and again.
    """
    questionnaire = Questionnaire.objects.create(
        cooperative=cooperative,
        family=f"a-la-main-{n_questions}-{int(conditional)}",
        title=f"{n_questions} questions",
        kind="triennial",
    )
    section = Section.objects.create(questionnaire=questionnaire, title="La page mesurée")
    last = Section.objects.create(questionnaire=questionnaire, title="La fin", position=1)
    Question.objects.create(
        questionnaire=questionnaire, section=last, key="fin", text="Fin ?", type="text"
    )
    kinds = ["yes_no", "satisfaction", "multiple", "nps", "single", "text"]
    if conditional:  # a yes/no, a question, and one shown only if the yes/no got "oui"
        kinds = ["yes_no", "single", "satisfaction"]
    yes_no = None
    for i in range(n_questions):
        kind = kinds[i % len(kinds)]
        condition = {}
        if conditional and i % 3 == 2:
            condition = {"condition_question": yes_no, "condition_values": ["oui"]}
        question = Question.objects.create(
            questionnaire=questionnaire,
            section=section,
            key=f"q{i}",
            text=f"Question {i} ?",
            type=kind,
            required=i % 2 == 0,
            position=i,
            **condition,
        )
        if kind in ("single", "multiple"):
            Choice.objects.bulk_create(
                Choice(question=question, value=f"c{j}", label=f"Choix {j}", position=j)
                for j in range(4)
            )
        if kind == "yes_no":
            yes_no = question
    return questionnaire


def full_answers(questionnaire: Questionnaire) -> dict:
    values = {
        "yes_no": "oui",
        "satisfaction": "assez_satisfait",
        "multiple": ["c0", "c2", "c3"],
        "nps": "8",
        "single": "c1",
        "text": "Un commentaire.",
    }
    return {f"q{q.pk}": values[q.type] for q in questionnaire.questions.filter(section__position=0)}


def queries_of_saving_page_1(client, cooperative, n_questions: int, *, conditional: bool):
    questionnaire = questionnaire_by_hand(cooperative, n_questions, conditional=conditional)
    campaign = make_campaign(cooperative, questionnaire=questionnaire)
    invitation = make_invitation(campaign, last_name=f"Acquéreur {n_questions}")
    data = full_answers(questionnaire)
    counts = []
    for _ in range(2):  # the first save starts the draft, the second replaces its answers
        with CaptureQueriesContext(connection) as queries:
            response = csrf_post(client, page_url(invitation, 1), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        counts.append(len(queries.captured_queries))
    invitation.refresh_from_db()
    assert len(invitation.draft) >= n_questions
    return counts


def test_saving_a_page_costs_the_same_queries_for_3_or_30_questions(client, coop_a):
    small = queries_of_saving_page_1(client, coop_a, 3, conditional=False)
    large = queries_of_saving_page_1(client, coop_a, 30, conditional=False)

    assert small == large
    assert max(large) <= 20


def test_saving_a_page_with_conditional_questions_costs_the_same_for_3_or_30(client, coop_a):
    small = queries_of_saving_page_1(client, coop_a, 3, conditional=True)
    large = queries_of_saving_page_1(client, coop_a, 30, conditional=True)

    assert small == large
