"""A buyer answers on a phone, in a real browser: pages, errors, keyboard, accessibility, weight.

Headless Debian chromium (Playwright) against pytest-django's live server; axe-core checks the
WCAG 2.0/2.1 A and AA rules on every page the buyer sees.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from engagements.models import Commitment
from enquetes.models import Answer, Invitation, Response
from rapports.models import ReportVersion
from tests.buyer.conftest import (
    PHONE,
    check_axe,
    describe_violations,
    make_campaign,
    make_invitation,
    pool_flushed,
    questions_by_key,
)
from tests.engagements.factories import IndicatorFactory, MeasurementFactory
from tests.factories import PASSWORD

pytestmark = pytest.mark.integration

PAGE_WEIGHT_LIMIT = 60_000  # bytes of HTML + CSS + JS of a survey page


class Journey:
    """A page at phone size, with the axe findings of every state of every page it shows."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.violations: dict[str, list[dict]] = {}
        self.checked: list[str] = []

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None
        return response

    def audit(self, where: str) -> None:
        """axe on the page as it is now, and no sideways scrolling at phone width."""
        self.checked.append(where)
        found = check_axe(self.page)
        if found:
            self.violations[where] = found
        overflow = self.page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= PHONE["width"], (
            f"{where}: {overflow}px wide on a {PHONE['width']}px phone"
        )

    def assert_accessible(self) -> None:
        report = "\n".join(describe_violations(w, v) for w, v in self.violations.items())
        assert not self.violations, report

    def tab_to(self, selector: str, limit: int = 25) -> None:
        """Press Tab until the element matching `selector` has the focus."""
        target = self.page.locator(selector)
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if target.evaluate("(el) => el === document.activeElement"):
                return
        focused = self.page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
        pytest.fail(f"{selector} not reached with Tab after {limit} presses (focus: {focused})")

    def choose(self, question, value: str) -> None:
        """Tap the label of one option of a question."""
        option = self.page.locator(f'input[name="q{question.pk}"][value="{value}"]')
        self.page.locator(f'label[for="{option.get_attribute("id")}"]').click()
        assert option.is_checked()

    def submit(self, label: str, next_path: str) -> None:
        self.page.get_by_role("button", name=label).click()
        self.page.wait_for_url(self.base_url + next_path)


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def test_a_buyer_answers_the_whole_survey_on_a_phone(
    transactional_db, live_server, phone, coop_a, buyer_a
):
    campaign = make_campaign(coop_a)
    invitation = make_invitation(campaign, buyer_a)
    q = questions_by_key(campaign)
    token = invitation.token
    journey = Journey(phone, live_server.url)

    def page_path(number: int) -> str:
        return reverse("survey_page", args=[token, number])

    # The link of the e-mail: the introduction.
    response = journey.goto(reverse("survey_start", args=[token]))
    assert response.status == 200
    assert phone.locator("h1").inner_text() == campaign.questionnaire.title
    assert "noindex" in response.headers["x-robots-tag"]
    journey.audit("start page")
    phone.get_by_role("link", name="Commencer").click()
    phone.wait_for_url(live_server.url + page_path(1))
    assert phone.title().startswith("Votre avis d")
    journey.audit("page 1")

    # Page 1 sent empty: the summary lists the missing answer and links to it.
    journey.submit("Enregistrer et continuer", page_path(1))
    summary = phone.locator(".error-summary")
    assert summary.is_visible()
    assert summary.get_attribute("role") == "alert"
    assert "Une réponse est à compléter" in summary.inner_text()
    first_option = f"id_q{q['satisfaction_globale'].pk}_0"
    assert summary.locator("a").get_attribute("href") == f"#{first_option}"
    assert phone.title().startswith("Erreur")
    assert phone.locator(f"#{first_option}").get_attribute("aria-invalid") == "true"
    journey.audit("page 1 with its error")

    # Keyboard only: Tab to the scale, Space ticks, an arrow moves, Enter on the button.
    journey.tab_to(f"#{first_option}")
    phone.keyboard.press("Space")
    assert phone.locator(f"#{first_option}").is_checked()
    phone.keyboard.press("ArrowDown")
    second_option = f"id_q{q['satisfaction_globale'].pk}_1"
    assert focused_id(phone) == second_option
    assert phone.locator(f"#{second_option}").is_checked()
    assert not phone.locator(f"#{first_option}").is_checked()
    journey.tab_to("button[type=submit]")
    phone.keyboard.press("Enter")
    phone.wait_for_url(live_server.url + page_path(2))
    invitation.refresh_from_db()
    assert invitation.started_at is not None and invitation.answered_at is None
    assert invitation.draft  # page 1 saved as the buyer goes

    # Page 2, by tapping.
    journey.audit("page 2")
    journey.choose(q["qualite_logement"], "tres_satisfait")
    journey.choose(q["parties_communes"], "nsp")
    journey.submit("Enregistrer et continuer", page_path(3))

    # Page 3.
    journey.audit("page 3")
    journey.choose(q["information_achat"], "assez_satisfait")
    journey.choose(q["information_travaux"], "peu_satisfait")
    journey.choose(q["respect_delai"], "non")
    journey.submit("Enregistrer et continuer", page_path(4))

    # Page 4: the conditional question, required once "Oui" is ticked.
    journey.audit("page 4")
    journey.choose(q["sav_sollicite"], "oui")
    journey.submit("Enregistrer et continuer", page_path(4))
    assert phone.locator(".error-summary").is_visible()
    assert phone.locator(f'.error-summary a[href="#id_q{q["sav_traitement"].pk}_0"]').count() == 1
    journey.audit("page 4 with its error")
    assert phone.locator(f'input[name="q{q["sav_sollicite"].pk}"][value="oui"]').is_checked()
    journey.choose(q["sav_traitement"], "assez_satisfait")
    journey.submit("Enregistrer et continuer", page_path(5))

    # Page 5: satisfaction, 0-10 recommendation, multiple choice.
    journey.audit("page 5")
    journey.choose(q["rapport_qualite_prix"], "tres_satisfait")
    journey.choose(q["recommandation"], "10")
    journey.choose(q["points_forts"], "accompagnement")
    journey.choose(q["points_forts"], "quartier")
    journey.submit("Enregistrer et continuer", page_path(6))

    # Page 6: free text typed on the keyboard, then the answers are sent.
    journey.audit("page 6")
    journey.tab_to(f"#id_q{q['commentaire'].pk}")
    phone.keyboard.type("Merci à l'équipe.")
    journey.submit("Envoyer mes réponses", reverse("survey_thanks", args=[token]))
    assert phone.locator("h1").inner_text() == "Merci pour vos réponses"
    journey.audit("thanks page")

    # Back on the link: already answered.
    journey.goto(reverse("survey_start", args=[token]))
    assert "déjà répondu" in phone.locator("h1").inner_text()
    journey.audit("already answered page")

    invitation.refresh_from_db()
    assert invitation.started_at is not None
    assert invitation.answered_at is not None
    pool_flushed()  # anonymous: the answers wait in the pool until a batch is flushed
    saved = Response.objects.get(campaign=campaign)
    assert saved.completed is True
    assert saved.invitation is None  # anonymous campaign
    answers = {
        (key, text or value)
        for key, value, text in saved.answers.values_list("question__key", "value", "text")
    }
    assert answers == {
        ("satisfaction_globale", "assez_satisfait"),
        ("qualite_logement", "tres_satisfait"),
        ("parties_communes", "nsp"),
        ("information_achat", "assez_satisfait"),
        ("information_travaux", "peu_satisfait"),
        ("respect_delai", "non"),
        ("sav_sollicite", "oui"),
        ("sav_traitement", "assez_satisfait"),
        ("rapport_qualite_prix", "tres_satisfait"),
        ("recommandation", "10"),
        ("points_forts", "accompagnement"),
        ("points_forts", "quartier"),
        ("commentaire", "Merci à l'équipe."),
    }
    assert len(journey.checked) == 11
    journey.assert_accessible()


def test_a_named_campaigns_last_page_asks_the_consent_accessibly_on_a_phone(
    transactional_db, live_server, phone, coop_a, buyer_a
):
    campaign = make_campaign(coop_a, anonymous=False)
    invitation = make_invitation(campaign, buyer_a)
    q = questions_by_key(campaign)
    journey = Journey(phone, live_server.url)

    journey.goto(reverse("survey_page", args=[invitation.token, 6]))
    journey.choose(q["recontact"], "oui")
    journey.audit("last page with the consent")

    journey.assert_accessible()
    legend = phone.locator("fieldset", has=phone.locator(f'input[name="q{q["recontact"].pk}"]'))
    assert "recontacte au sujet de vos réponses" in legend.locator("legend").inner_text()


def test_the_state_pages_of_a_link_are_accessible(
    transactional_db, live_server, phone, coop_a, buyer_a
):
    journey = Journey(phone, live_server.url)
    closed = make_invitation(make_campaign(coop_a, opens_in_days=-40, closes_in_days=-1), buyer_a)
    later = make_invitation(
        make_campaign(coop_a, opens_in_days=5, closes_in_days=40), last_name="Futur"
    )

    for where, path, status in [
        ("unknown link", reverse("survey_start", args=["x" * 43]), 404),
        ("closed campaign", reverse("survey_start", args=[closed.token]), 410),
        ("campaign not yet open", reverse("survey_start", args=[later.token]), 403),
        ("privacy notice", reverse("privacy_notice", args=[coop_a.slug]), 200),
        ("general privacy page", reverse("privacy_general"), 200),
    ]:
        response = journey.goto(path)
        assert response.status == status, where
        assert phone.locator("h1").count() == 1
        journey.audit(where)

    journey.assert_accessible()


def test_a_survey_page_weighs_less_than_60_kb(transactional_db, live_server, phone, coop_a):
    campaign = make_campaign(coop_a)
    invitation: Invitation = make_invitation(campaign, last_name="Léger")
    responses = []
    phone.on("response", lambda response: responses.append(response))

    phone.goto(live_server.url + reverse("survey_page", args=[invitation.token, 1]))
    phone.wait_for_load_state("load")

    weights: dict[str, int] = {}
    for response in responses:
        kind = response.request.resource_type
        if kind in ("document", "stylesheet", "script"):
            assert response.ok, response.url
            weights[response.url] = len(response.body())
    kinds = sorted(r.request.resource_type for r in responses if r.url in weights)
    assert kinds.count("document") == 1
    assert kinds.count("stylesheet") >= 1  # survey.css was loaded (and counted)
    stylesheets = phone.evaluate(
        "() => [...document.querySelectorAll('link[rel=stylesheet], script[src]')]"
        ".map((el) => el.href || el.src)"
    )
    assert set(stylesheets) <= set(weights), "a linked file was not counted"
    total = sum(weights.values())
    detail = ", ".join(f"{re.sub(r'^https?://[^/]+', '', u)}: {n} B" for u, n in weights.items())
    assert total < PAGE_WEIGHT_LIMIT, f"{total} bytes ({detail})"


def test_the_axe_check_reports_what_it_finds(phone):
    """The accessibility checks above can fail: a page with known faults is reported."""
    phone.set_content(
        '<html><body><img src="data:,"><input type="radio" name="a">'
        '<p style="color:#bbb;background:#fff">pâle</p></body></html>'
    )

    found = {v["id"] for v in check_axe(phone)}

    assert {"html-has-lang", "image-alt", "label", "color-contrast"} <= found


# Content-Security-Policy, enforced (no bypass) -------------------------------------------------


def test_staff_and_buyer_pages_load_under_the_policy_without_a_violation(
    transactional_db, live_server, strict_page, coop_a, staff_a, buyer_a
):
    commitment = Commitment.objects.get(cooperative=coop_a, number=6)
    indicator = IndicatorFactory(commitment=commitment, name="Réclamations traitées en 30 jours")
    for month, value in ((1, 70), (4, 82), (7, 91)):
        MeasurementFactory(indicator=indicator, period_start=dt.date(2025, month, 1), value=value)
    campaign = make_campaign(coop_a)
    question = questions_by_key(campaign)["satisfaction_globale"]
    for value in ["tres_satisfait"] * 4 + ["peu_satisfait"] * 2:
        response = Response.objects.create(campaign=campaign, completed=True)
        Answer.objects.create(response=response, question=question, value=value)
    invitation = make_invitation(campaign, buyer_a)
    page = strict_page.page
    base = live_server.url

    # Signing in through the form (form-action 'self', then a redirect).
    login = page.goto(base + reverse("login"))
    assert "frame-ancestors 'none'" in login.headers["content-security-policy"]
    page.fill("#id_username", "staff-a")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(base + reverse("scorecard"))

    version = ReportVersion.objects.create(cooperative=coop_a, year=2025)
    staff_pages = [
        reverse("scorecard"),  # sparklines
        reverse("commitment_detail", args=[commitment.pk]),  # line chart
        reverse("campaign_results", args=[campaign.pk]),  # distribution bars
        reverse("report_list"),  # a select: Bootstrap's data: image
        reverse("report_preview", args=[version.pk]),
    ]
    for path in staff_pages:
        assert page.goto(base + path).status == 200, path
        assert page.evaluate("() => document.styleSheets.length") >= 1, path
    bar = page.goto(base + reverse("campaign_results", args=[campaign.pk]))
    assert bar.status == 200
    assert page.locator(".distribution svg.bar rect").first.get_attribute("width") == "67"
    assert page.locator(".distribution svg.bar").first.bounding_box()["width"] > 100

    # The buyer's pages, signed out.
    page.context.clear_cookies()
    page.goto(base + reverse("survey_start", args=[invitation.token]))
    page.get_by_role("link", name="Commencer").click()
    page.wait_for_url(base + reverse("survey_page", args=[invitation.token, 1]))

    assert strict_page.violations() == []


def test_the_policy_check_reports_an_inline_style(transactional_db, live_server, strict_page):
    """The check above can fail: an inline style on one of our pages is blocked and reported."""
    page = strict_page.page
    page.goto(live_server.url + reverse("login"))

    page.evaluate(
        "() => { const s = document.createElement('style');"
        " s.textContent = 'body { color: red }'; document.head.appendChild(s); }"
    )
    page.wait_for_function("() => window.__cspViolations.length > 0")

    assert any(v.startswith("style-src") for v in strict_page.violations())
