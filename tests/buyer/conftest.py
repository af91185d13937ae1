"""Buyer side of the surveys: campaigns ready to answer, a headless browser and axe-core.

The browser is Debian's chromium driven by the Playwright Python package (no browser download);
axe-core comes from npm (package.json). Both are installed by scripts/install_browser_deps.sh.
Outside CI a missing tool skips the tests that need it, saying why; with CI=true they fail.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from enquetes.models import Campaign, Invitation, Question
from enquetes.services.pool import pool_flush
from enquetes.services.questionnaires import questionnaire_from_template
from tests.services import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
TRIENNIAL = "triennale-acquereurs"


def pool_flushed() -> None:
    """The anonymous answers waiting in the pool turned into responses, as the periodic job
    does once a pool is due (here: every pool)."""
    pool_flush(now=timezone.now(), everything=True)


# A client that behaves like a browser -------------------------------------------------------------


@pytest.fixture
def client():
    """Like a browser: CSRF is checked, so every POST carries the form's token."""
    return Client(enforce_csrf_checks=True)


def csrf_post(client: Client, url: str, data: dict | None = None, **extra):
    """POST as the page's form does: the CSRF cookie and the hidden csrfmiddlewaretoken field."""
    morsel = client.cookies.get("csrftoken")
    if morsel is None or not morsel.value:
        client.cookies["csrftoken"] = get_random_string(32)
        morsel = client.cookies["csrftoken"]
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": morsel.value}, **extra)


# Campaigns and invitations ----------------------------------------------------------------------


def make_campaign(
    cooperative,
    *,
    questionnaire=None,
    anonymous: bool = True,
    opens_in_days: int = -1,
    closes_in_days: int = 30,
    launched: bool = True,
) -> Campaign:
    """A triennial campaign (questionnaire from the shipped template unless given)."""
    today = timezone.localdate()
    if questionnaire is None:
        questionnaire = questionnaire_from_template(cooperative=cooperative, template_key=TRIENNIAL)
    return Campaign.objects.create(
        cooperative=cooperative,
        questionnaire=questionnaire,
        name="Enquête triennale",
        kind=questionnaire.kind,
        opens_on=today + dt.timedelta(days=opens_in_days),
        closes_on=today + dt.timedelta(days=closes_in_days),
        anonymous=anonymous,
        launched_at=timezone.now() - dt.timedelta(days=2) if launched else None,
    )


def make_invitation(campaign: Campaign, buyer=None, *, expires_at=None, **fields) -> Invitation:
    """An invitation as campaign_launch writes it (expires when the campaign closes)."""
    if buyer is not None:
        fields = {
            "buyer": buyer,
            "programme_id": buyer.lot.programme_id,
            "lot_code": buyer.lot.code,
            "last_name": buyer.last_name,
            "first_name": buyer.first_name,
            "email": buyer.email,
            **fields,
        }
    fields.setdefault("last_name", "Invité")
    return Invitation.objects.create(
        campaign=campaign, expires_at=expires_at or campaign.closes_at, **fields
    )


def questions_by_key(campaign: Campaign) -> dict[str, Question]:
    return {q.key: q for q in Question.objects.filter(questionnaire=campaign.questionnaire)}


def triennial_answers(q: dict[str, Question]) -> list[dict[str, str | list[str]]]:
    """POST data of each of the six pages of the triennial questionnaire, all valid."""

    def f(key: str) -> str:
        return f"q{q[key].pk}"

    return [
        {f("satisfaction_globale"): "tres_satisfait"},
        {f("qualite_logement"): "assez_satisfait", f("confort_thermique"): "peu_satisfait"},
        {
            f("information_achat"): "tres_satisfait",
            f("information_travaux"): "nsp",
            f("visite_chantier"): "oui",
        },
        {f("sav_sollicite"): "oui", f("sav_traitement"): "assez_satisfait"},
        {
            f("rapport_qualite_prix"): "assez_satisfait",
            f("recommandation"): "9",
            f("points_forts"): ["prix", "quartier"],
        },
        {f("commentaire"): "Très bon accompagnement."},
    ]


@pytest.fixture
def campaign(coop_a):
    """An open, launched, anonymous triennial campaign of coop A."""
    return make_campaign(coop_a)


@pytest.fixture
def invitation(campaign, buyer_a):
    return make_invitation(campaign, buyer_a)


@pytest.fixture
def questions(campaign) -> dict[str, Question]:
    return questions_by_key(campaign)


# Browser -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium, driven by Playwright (one per test module).

    While Playwright runs, its event loop counts as running in this thread, so Django hands out
    a database connection per async context instead of the thread's own. The browser therefore
    lives no longer than its module (the tests that come after it get the thread's connection
    again), and the connections opened meanwhile are closed before Playwright stops; left open,
    one of them kept the test database from being dropped at the end of the run.
    """
    executable = shutil.which("chromium")
    if executable is None:
        skip_or_fail("chromium introuvable (scripts/install_browser_deps.sh l'installe)")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        skip_or_fail(f"Paquet Python playwright absent du venv : {exc}")
    # Playwright's sync API keeps an event loop running in this thread: Django would take the
    # test's own ORM calls for calls from async code. They are plain sync calls here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        try:
            chromium = manager.chromium.launch(
                executable_path=executable,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
        except PlaywrightError as exc:
            skip_or_fail(f"chromium ne démarre pas ({executable}) : {exc}")
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        connections.close_all()  # those of Playwright's context: unreachable once it stops
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def phone(browser):
    """A fresh page at phone size (iPhone 12-14: 390 × 844), French, touch.

    The Content-Security-Policy is bypassed: axe-core is injected as an inline script.
    `strict_page` checks the policy itself."""
    context = browser.new_context(
        viewport=PHONE, locale="fr-FR", has_touch=True, is_mobile=True, device_scale_factor=3,
        bypass_csp=True,
    )  # fmt: skip
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


class StrictPage:
    """A desktop page under the site's Content-Security-Policy, recording every violation
    (the `securitypolicyviolation` events and the console's CSP errors)."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.on("console", self._on_console)

    def _on_console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.console.append(message.text)

    def violations(self) -> list[str]:
        found = self.page.evaluate("() => window.__cspViolations || []")
        return found + self.console


@pytest.fixture
def strict_page(browser):
    context = browser.new_context(locale="fr-FR")
    context.set_default_timeout(10_000)
    # Runs before the page's own code, outside the policy (an init script is not inline code).
    context.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', (e) =>"
        " window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));"
    )
    yield StrictPage(context.new_page())
    context.close()


def check_axe(page) -> list[dict]:
    """The WCAG 2.0/2.1 A and AA violations axe-core finds on the page as it is now."""
    if not AXE_JS.is_file():
        skip_or_fail(f"axe-core absent ({AXE_JS}) : lancez scripts/install_browser_deps.sh")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => ({
                    html: n.html, target: n.target, summary: n.failureSummary,
                })),
            }));
        }""",
        AXE_TAGS,
    )


def describe_violations(where: str, violations: list[dict]) -> str:
    lines = [f"axe ({', '.join(AXE_TAGS)}) on {where}:"]
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}: {node['html']}\n      {node['summary']}")
    return "\n".join(lines)
