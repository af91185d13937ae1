"""The buyer's space on a phone, and the whole path in a real browser: staff create a
programme, import its buyers, publish a phase letter and see commitment 4's indicator move; a
buyer signs in from the e-mail on a phone and finds the letter, the timeline and a document.

Headless Debian chromium (Playwright) against pytest-django's live server; axe-core checks the
WCAG 2.0/2.1 A and AA rules on every state of every page of the space, at 390 px.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperatives.models import Buyer, Programme
from engagements.models import Commitment, Indicator, Measurement
from engagements.services.measuring import indicators_refresh
from espace.models import SignInLink
from tests.buyer.conftest import PHONE, check_axe, describe_violations
from tests.chantiers.conftest import pdf_bytes, png_bytes
from tests.engagements.factories import IndicatorFactory
from tests.factories import PASSWORD

pytestmark = pytest.mark.integration
PAGE_WEIGHT_LIMIT = 60_000


class Visit:
    """A page at phone size, with the axe findings and the weight of every state it shows."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url = page, base_url
        self.violations: dict[str, list[dict]] = {}
        self.weights: dict[str, int] = {}
        page.on("response", self._weigh)

    def _weigh(self, response) -> None:
        if response.request.resource_type in ("document", "stylesheet", "script"):
            self.weights[response.url] = len(response.body())

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def audit(self, where: str) -> None:
        found = check_axe(self.page)
        if found:
            self.violations[where] = found
        width = self.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{where}: {width}px wide on a {PHONE['width']}px phone"
        linked = self.page.evaluate(
            "() => [location.href, ...[...document.querySelectorAll("
            "'link[rel=stylesheet], script[src]')].map((el) => el.href || el.src)]"
        )
        total = sum(self.weights.get(url.split("#")[0], 0) for url in linked)
        assert total < PAGE_WEIGHT_LIMIT, f"{where}: {total} bytes"

    def assert_accessible(self) -> None:
        report = "\n".join(describe_violations(w, v) for w, v in self.violations.items())
        assert not self.violations, report


def _link_in(message, pattern: str) -> str:
    match = re.search(rf"http://[^/\s]+({pattern}\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_every_state_of_the_space_is_accessible_on_a_phone(
    transactional_db,
    live_server,
    phone,
    household,
    staff_a,
    mailoutbox,
):
    from tests.espace.test_pages import _share, _works

    buyer = household[0]
    programme = buyer.lot.programme
    _works(programme, staff_a)
    _share(buyer, staff_a)
    visit = Visit(phone, live_server.url)

    visit.goto(reverse("espace_home"))  # not signed in: the sign-in page
    assert phone.locator("h1").inner_text() == "Ouvrir mon espace acquéreur"
    visit.audit("sign-in page")
    phone.get_by_role("button", name="Recevoir mon lien").click()
    phone.wait_for_load_state()
    assert phone.get_attribute("#id_email", "aria-invalid") == "true"
    visit.audit("sign-in page with its error")
    phone.fill("#id_email", buyer.email)
    phone.get_by_role("button", name="Recevoir mon lien").click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "Consultez votre messagerie"
    visit.audit("link sent")

    link = _link_in(mailoutbox[-1], "/mon-espace/connexion/")
    visit.goto(link)
    visit.audit("sign-in link")
    phone.get_by_role("button", name="Ouvrir mon espace").click()
    phone.wait_for_url(live_server.url + reverse("espace_home"))
    assert "Bonjour Léa" in phone.locator("h1").inner_text()
    visit.audit("home")
    for name, path in (
        ("letters", reverse("espace_letters")),
        ("letter", reverse("espace_letter", args=[programme.phases.first().letters.first().pk])),
        ("documents", reverse("espace_documents")),
    ):
        visit.goto(path)
        visit.audit(name)
    visit.goto(link)
    visit.audit("used link")
    visit.goto(reverse("espace_signin_link", args=["x" * 43]))
    visit.audit("unknown link")
    visit.goto(reverse("espace_home"))
    phone.get_by_role("button", name="Me déconnecter").click()
    phone.wait_for_url(live_server.url + reverse("espace_signin"))

    visit.assert_accessible()


def _sign_in_staff(page, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(base + reverse("scorecard"))


def _upload(name: str, content: bytes, mime: str) -> dict:
    return {"name": name, "mimeType": mime, "buffer": content}


def test_staff_publish_a_phase_letter_and_a_buyer_reads_it_on_a_phone(
    transactional_db,
    live_server,
    browser,
    phone,
    coop_a,
    staff_a,
    mailoutbox,
):
    base = live_server.url
    indicator = IndicatorFactory(
        commitment=Commitment.objects.get(cooperative=coop_a, charter_number=4),
        name="Lettres aux étapes essentielles", source=Indicator.Source.JOURNEY,
        journey_metric="letters_at_phases", period="quarter", target=100,
    )  # fmt: skip
    desk = browser.new_context(locale="fr-FR").new_page()
    desk.set_default_timeout(10_000)
    _sign_in_staff(desk, base, staff_a.username)

    # A programme, created in its form.
    desk.goto(base + reverse("programme_new"))
    desk.fill("#id_name", "Les Hauts du Parc")
    desk.fill("#id_code", "HDP")
    desk.fill("#id_city", "Villeurbanne")
    desk.get_by_role("button", name="Enregistrer").click()
    desk.wait_for_url(re.compile(r".*/programmes/\d+/$"))
    programme = Programme.objects.get(code="HDP")

    # Its buyers, from a buyer file: preview, then import.
    csv = (
        "Nom,Prénom,Email,Programme,Lot,Date de réservation\n"
        "Fabre,Inès,ines.fabre@exemple.fr,Les Hauts du Parc,HDP-001,15/01/2026\n"
        "Roux,Paul,paul.roux@exemple.fr,Les Hauts du Parc,HDP-002,20/01/2026\n"
    ).encode()
    desk.goto(base + reverse("buyer_import"))
    desk.set_input_files("input[type=file]", _upload("acquereurs.csv", csv, "text/csv"))
    desk.get_by_role("button", name="Vérifier le fichier").click()
    with desk.expect_navigation():
        desk.get_by_role("button", name=re.compile(r"^Importer 2 lignes")).click()
    assert Buyer.objects.filter(lot__programme=programme).count() == 2

    # The works: the four essential phases, the first reached today, and its letter.
    desk.goto(base + reverse("programme_works", args=[programme.pk]))
    desk.get_by_role("button", name="Créer les quatre étapes essentielles").click()
    desk.get_by_role("link", name="Dates").first.click()
    desk.fill("#id_actual_date", timezone.localdate().isoformat())
    desk.get_by_role("button", name="Enregistrer").click()
    desk.get_by_role("link", name="Écrire une lettre").first.click()
    desk.fill("#id_title", "Le chantier est ouvert")
    desk.fill("#id_text", "Les engins sont arrivés.\n\nLa grue est montée.")
    desk.set_input_files("#id_photo_1", _upload("grue.png", png_bytes(), "image/png"))
    desk.fill("#id_alt_1", "La grue au-dessus du terrain")
    desk.set_input_files("#id_pdf", _upload("planning.pdf", pdf_bytes(), "application/pdf"))
    desk.get_by_role("button", name="Enregistrer et prévisualiser").click()
    assert desk.locator("h1").inner_text() == "Aperçu de la lettre"
    assert mailoutbox == []
    desk.get_by_role("button", name="Publier et envoyer").click()
    assert "envoi par e-mail à 2 acquéreurs" in desk.locator(".alert").inner_text()
    assert len(mailoutbox) == 2

    # Commitment 4 moves once the indicators are refreshed (the periodic job).
    desk.goto(base + reverse("indicator_detail", args=[indicator.pk]))
    before = desk.locator("main").inner_text()
    indicators_refresh()
    desk.reload()
    measurement = Measurement.objects.get(indicator=indicator)
    assert (measurement.value, measurement.base) == (100, 1)
    after = desk.locator("main").inner_text()
    assert "Aucune mesure pour l'instant." in before
    assert "Aucune mesure pour l'instant." not in after
    assert desk.locator("td", has_text=re.compile(r"^100\s%$")).count() >= 1

    # A document for Inès, shared on her page.
    ines = Buyer.objects.get(email="ines.fabre@exemple.fr")
    desk.goto(base + reverse("buyer_documents", args=[ines.pk]))
    desk.fill("#id_title", "Plan du logement")
    desk.set_input_files("#id_upload", _upload("plan.pdf", pdf_bytes(), "application/pdf"))
    with desk.expect_navigation():
        desk.get_by_role("button", name="Partager").click()

    # Inès signs in from the letter's e-mail on her phone.
    letter_mail = next(m for m in mailoutbox if m.to == ["ines.fabre@exemple.fr"])
    visit = Visit(phone, base)
    visit.goto(_link_in(letter_mail, "/mon-espace/lien/"))
    visit.audit("letter link")
    phone.get_by_role("button", name="Ouvrir mon espace").click()
    phone.wait_for_url(re.compile(r".*/mon-espace/lettres/\d+/$"))
    assert phone.locator("h2").first.inner_text() == "Le chantier est ouvert"
    assert phone.get_by_role("img", name="La grue au-dessus du terrain").is_visible()
    visit.audit("the letter")
    phone.get_by_role("link", name="Accueil").click()
    timeline = phone.locator(".timeline").inner_text()
    assert "Ouverture du chantier" in timeline and "Terminé le" in timeline
    visit.audit("home")
    phone.get_by_role("link", name="Documents").click()
    assert phone.get_by_role("link", name="Plan du logement").is_visible()
    visit.audit("documents")
    visit.assert_accessible()
    assert SignInLink.objects.count() == 0  # a signed link of the e-mail, no one-time link
