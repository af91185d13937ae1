"""The results page's charts in a real browser at phone size: they fit the column, their text is
read at 11 px or more, axe finds nothing on them, and the page's policy blocks none of them. The
two steps of a new campaign at phone size too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enquetes.models import Answer, Invitation, Response
from tests.buyer.conftest import AXE_JS, AXE_TAGS, make_campaign, questions_by_key
from tests.factories import PASSWORD, ProgrammeFactory

pytestmark = pytest.mark.integration  # the browser fixtures: tests/enquetes/conftest.py

FIGURES = """() => [...document.querySelectorAll("svg.chart:not(.sparkline)")].map((svg) => {
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll("text")].map(
        (t) => parseFloat(getComputedStyle(t).fontSize) * scale);
    return {
        kind: svg.getAttribute("class"),
        width: box.width,
        column: svg.parentElement.getBoundingClientRect().width,
        smallest: Math.min(...sizes),
    };
})"""


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(base + reverse("scorecard"))


@pytest.fixture
def results_path(coop_a, buyer_a):
    campaign = make_campaign(coop_a, anonymous=False)
    questions = questions_by_key(campaign)
    programmes = [ProgrammeFactory(cooperative=coop_a, name=f"Résidence {n}") for n in "AB"]
    values = ["tres_satisfait", "assez_satisfait", "peu_satisfait"]
    for n in range(12):
        response = Response.objects.create(
            campaign=campaign, completed=True, programme=programmes[n % 2]
        )
        for key in ("satisfaction_globale", "qualite_logement", "sav_traitement"):
            Answer.objects.create(response=response, question=questions[key], value=values[n % 3])
    for n, day in enumerate((3, 3, 4, 6)):
        Invitation.objects.create(
            campaign=campaign, last_name=f"Invité {n}", expires_at=campaign.closes_at,
            answered_at=campaign.closes_at.replace(day=day) if n < 4 else None,
        )  # fmt: skip
    return reverse("campaign_results", args=[campaign.pk])


def test_the_results_charts_fit_a_phone_with_readable_text_and_no_axe_finding(
    transactional_db, live_server, phone, staff_a, results_path
):
    sign_in(phone, live_server.url, staff_a.username)

    assert phone.goto(live_server.url + results_path).status == 200
    figures = phone.evaluate(FIGURES)

    assert {f["kind"] for f in figures} == {"chart bar-chart", "chart line-chart"}
    assert len(figures) == 4
    for figure in figures:
        assert figure["width"] <= figure["column"] + 0.5, figure
        assert figure["smallest"] >= 11, figure
    phone.add_script_tag(path=str(AXE_JS))
    found = phone.evaluate(
        """async (tags) => (await axe.run({include: [["svg.chart"]]},
            {runOnly: {type: "tag", values: tags}})).violations.map((v) => v.id)""",
        AXE_TAGS,
    )
    assert found == []


def test_the_results_charts_break_no_rule_of_the_content_security_policy(
    transactional_db, live_server, strict_page, staff_a, results_path
):
    page = strict_page.page
    sign_in(page, live_server.url, staff_a.username)

    assert page.goto(live_server.url + results_path).status == 200

    assert page.locator("svg.bar-chart").count() == 3
    assert strict_page.violations() == []


def test_the_new_campaign_steps_fit_a_phone_without_an_axe_finding(
    transactional_db, live_server, phone, staff_a, programme_a
):
    sign_in(phone, live_server.url, staff_a.username)
    phone.add_init_script(path=str(AXE_JS))
    found = {}
    for path in (
        reverse("campaign_new"),
        reverse("campaign_new_form") + "?type=etape",
        reverse("campaign_new_form") + "?type=triennale",
    ):
        assert phone.goto(live_server.url + path).status == 200
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390, path
        violations = phone.evaluate(
            """async (tags) => (await axe.run(document,
                {runOnly: {type: "tag", values: tags}})).violations.map((v) => v.id)""",
            AXE_TAGS,
        )
        if violations:
            found[path] = violations

    assert found == {}
