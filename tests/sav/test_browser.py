"""A claim walked from a buyer's phone to its lifting and the satisfaction answer (issue 12,
"done when"), in a real browser: the buyer signs in on a 390 px phone, files a claim with a
photo (the form's error state first), staff acknowledge, accept, assign a company with a date and
mark the work done on their pages, the buyer confirms the lifting from the phone, staff close
the claim, the buyer answers the after-intervention survey, and commitment 6's indicator moves.

Headless Debian chromium (Playwright) against pytest-django's live server; axe-core checks the
WCAG 2.0/2.1 A and AA rules on every buyer page of the claim, at 390 px.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from engagements import periods
from engagements.models import Commitment, Indicator
from engagements.services.measuring import measurement_compute
from enquetes.models import Answer, Campaign, Invitation, Question, Response
from enquetes.services.campaigns import campaign_start
from enquetes.services.questionnaires import questionnaire_from_template
from sav.models import Claim
from tests.chantiers.conftest import png_bytes
from tests.engagements.factories import IndicatorFactory
from tests.espace.test_browser import Visit, _link_in, _sign_in_staff
from tests.sav.factories import CompanyFactory

pytestmark = pytest.mark.integration


def _after_intervention_campaign(coop) -> Campaign:
    """A running, nominative after-intervention campaign with four answers already this month:
    one satisfied, three not (25 %)."""
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        cooperative=coop, name="Après intervention",
        questionnaire=questionnaire_from_template(cooperative=coop,
                                                  template_key="apres-intervention"),
        kind="key_step", key_step="after_intervention", anonymous=False,
        opens_on=today - dt.timedelta(days=40), closes_on=today + dt.timedelta(days=60),
    )  # fmt: skip
    campaign_start(campaign=campaign, now=timezone.now())
    question = Question.objects.get(questionnaire=campaign.questionnaire)
    answers = ["tres_satisfait", "peu_satisfait", "peu_satisfait", "pas_du_tout_satisfait"]
    for n, value in enumerate(answers):
        invitation = Invitation.objects.create(
            campaign=campaign, last_name=f"Acquéreur {n}", answered_at=timezone.now(),
            expires_at=campaign.closes_at,
        )  # fmt: skip
        response = Response.objects.create(
            campaign=campaign, invitation=invitation, completed=True, submitted_on=today
        )
        Answer.objects.create(response=response, question=question, value=value)
    return campaign


def _indicator_value(indicator: Indicator) -> Decimal | None:
    """The indicator's figure for this month, as computed once the month is complete."""
    month = periods.start_of("month", timezone.localdate())
    with time_machine.travel(periods.shift("month", month, 1), tick=False):
        measurement = measurement_compute(indicator=indicator, period_start=month)
    return measurement.value if measurement else None


def test_a_claim_from_a_phone_to_its_lifting_and_the_satisfaction_answer(
    transactional_db, live_server, browser, phone, coop_a, staff_a, delivered_buyer, mailoutbox
):
    base = live_server.url
    campaign = _after_intervention_campaign(coop_a)
    company = CompanyFactory(cooperative=coop_a, name="Plomberie Schmitt", trade="Plomberie")
    indicator = IndicatorFactory(
        commitment=Commitment.objects.get(cooperative=coop_a, charter_number=6),
        name="Satisfaction après intervention", source=Indicator.Source.JOURNEY,
        journey_metric="sav_satisfaction_after_intervention", period="month", target=90,
    )  # fmt: skip
    assert _indicator_value(indicator) == Decimal("25.0")
    visit = Visit(phone, base)

    # The buyer signs in from the e-mail of a one-time link, on the phone.
    visit.goto(reverse("espace_signin"))
    phone.fill("#id_email", delivered_buyer.email)
    phone.get_by_role("button", name="Recevoir mon lien").click()
    phone.wait_for_load_state()
    visit.goto(_link_in(mailoutbox[-1], "/mon-espace/connexion/"))
    phone.get_by_role("button", name="Ouvrir mon espace").click()
    phone.wait_for_url(base + reverse("espace_home"))

    # The list of claims, then the form: sent empty, it says what is missing.
    phone.get_by_role("link", name="Service après-vente").click()
    assert phone.locator("h1").inner_text() == "Service après-vente"
    visit.audit("claims, none yet")
    phone.get_by_role("link", name="Signaler un problème").click()
    visit.audit("new claim form")
    phone.get_by_role("button", name="Envoyer ma demande").click()
    phone.wait_for_load_state()
    assert phone.locator(".error-summary").is_visible()
    assert phone.get_attribute("#id_description", "aria-invalid") == "true"
    visit.audit("new claim form with its errors")
    phone.fill("#id_room", "Salle de bains")
    phone.select_option("#id_category", "plumbing")
    phone.fill("#id_description", "Le siphon du lavabo fuit depuis lundi.")
    phone.set_input_files(
        "#id_photos", {"name": "fuite.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    phone.get_by_role("button", name="Envoyer ma demande").click()
    phone.wait_for_url(re.compile(r".*/mon-espace/sav/\d+/$"))
    claim = Claim.objects.get()
    assert (claim.status, claim.room, claim.photos.count()) == ("acknowledged", "Salle de bains", 1)
    assert "Accusé de réception" in phone.locator("main").inner_text()
    visit.audit("claim acknowledged, with its timeline")

    # Staff, on their pages: accept, plan the intervention with a company and a date, done.
    desk = browser.new_context(locale="fr-FR").new_page()
    desk.set_default_timeout(10_000)
    _sign_in_staff(desk, base, staff_a.username)
    claim_page = base + reverse("claim_detail", args=[claim.pk])
    desk.goto(claim_page)
    desk.get_by_role("button", name="Accepter", exact=True).click()
    desk.wait_for_load_state()
    desk.select_option("#id_company", str(company.pk))
    desk.fill("#id_intervention_on", (timezone.localdate() + dt.timedelta(days=3)).isoformat())
    desk.get_by_role("button", name="Planifier l'intervention").click()
    desk.wait_for_load_state()
    desk.get_by_role("button", name="Intervention réalisée", exact=True).click()
    desk.wait_for_load_state()

    # The buyer confirms the lifting from the phone.
    visit.goto(reverse("espace_claims"))
    assert "Intervention réalisée" in phone.locator("main").inner_text()
    visit.audit("claims, one done")
    phone.get_by_role("link", name=re.compile(claim.reference)).click()
    assert phone.get_by_role("heading", name="Le problème est-il réglé ?").is_visible()
    visit.audit("claim done: confirm or contest")
    phone.fill("#comment-ok", "Plus de fuite, merci.")
    phone.get_by_role("button", name="Oui, c'est réglé").click()
    phone.wait_for_load_state()
    assert "Merci, votre réponse est enregistrée." in phone.locator("main").inner_text()
    visit.audit("claim lifted")

    # Staff close it: the buyer is invited to the after-intervention survey, by e-mail at once.
    desk.goto(claim_page)
    assert "À la clôture, l'acquéreur sera invité" in desk.locator("main").inner_text()
    sent = len(mailoutbox)
    desk.get_by_role("button", name="Clore", exact=True).click()
    desk.wait_for_load_state()
    assert "Pas encore de réponse." in desk.locator("#survey-after-intervention").inner_text()
    invitation = Invitation.objects.get(campaign=campaign, buyer=delivered_buyer)
    assert [m.to for m in mailoutbox[sent:]] == [[delivered_buyer.email]]
    assert f"Elle porte sur votre demande {claim.reference}" in mailoutbox[-1].body

    # The buyer finds the survey on the claim and answers its one question.
    visit.goto(reverse("espace_claim", args=[claim.pk]))
    assert phone.get_by_role("heading", name="Votre avis sur l'intervention").is_visible()
    visit.audit("claim closed, survey waiting")
    phone.get_by_role("link", name="Donner mon avis").click()
    phone.get_by_role("link", name="Commencer").click()
    visit.audit("survey, its one question")
    question = Question.objects.get(questionnaire=campaign.questionnaire)
    option = phone.locator(f'input[name="q{question.pk}"][value="assez_satisfait"]')
    phone.locator(f'label[for="{option.get_attribute("id")}"]').click()
    phone.get_by_role("button", name="Envoyer mes réponses").click()
    phone.wait_for_url(base + reverse("survey_thanks", args=[invitation.token]))
    visit.goto(reverse("espace_claim", args=[claim.pk]))
    assert "Merci d'avoir donné votre avis" in phone.locator("main").inner_text()
    visit.audit("claim closed, survey answered")
    desk.goto(claim_page)
    assert "Assez satisfait" in desk.locator("#survey-after-intervention").inner_text()
    desk.context.close()

    # Commitment 6 moves: 1 satisfied of 4 → 2 of 5.
    assert _indicator_value(indicator) == Decimal("40.0")
    visit.assert_accessible()
