"""Headers of every page: the Content-Security-Policy, and no-store wherever personal data is."""

import re

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from engagements.models import Action, Evidence
from engagements.services.evidence import evidence_add
from rapports.models import ReportVersion
from tests.buyer.conftest import make_campaign, make_invitation
from tests.test_tenancy import STAFF_URLS, _url, secret_a  # noqa: F401  (fixture)

CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy(response) -> dict[str, list[str]] | None:
    """The Content-Security-Policy header as {directive: sources} (its order is not fixed)."""
    header = response.get("Content-Security-Policy")
    if header is None:
        return None
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives


# Content-Security-Policy ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/password_reset/"])
def test_public_pages_carry_the_policy(client, db, path):
    response = client.get(path)

    assert response.status_code == 200
    assert policy(response) == CSP


def test_a_survey_page_of_a_buyer_carries_the_policy(client, coop_a, buyer_a):
    invitation = make_invitation(make_campaign(coop_a), buyer_a)

    response = client.get(reverse("survey_page", args=[invitation.token, 1]))

    assert response.status_code == 200
    assert policy(response) == CSP


def test_the_report_preview_carries_the_policy(client, staff_a, coop_a):
    client.force_login(staff_a)

    version = ReportVersion.objects.create(cooperative=coop_a, year=2025)

    response = client.get(reverse("report_preview", args=[version.pk]))

    assert response.status_code == 200
    assert policy(response) == CSP


def test_an_evidence_download_keeps_its_own_sandbox_policy(client, staff_a, coop_a):
    action = Action.objects.create(cooperative=coop_a, title="Visite")
    evidence = evidence_add(
        target=action, user=staff_a, kind=Evidence.Kind.FILE, title="Compte rendu",
        fact_date="2026-02-01", upload=ContentFile(b"%PDF-1.4 test", name="a.pdf"),
        content_type="application/pdf",
    )  # fmt: skip
    client.force_login(staff_a)

    response = client.get(reverse("evidence_download", args=[evidence.pk]))

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_no_template_holds_inline_script_style_or_event_handler():
    """What the policy would block: every script and style is a static file."""
    pattern = r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=|javascript:"
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for path in (settings.BASE_DIR / "templates").rglob("*.html")
        if not path.is_relative_to(settings.BASE_DIR / "templates" / "emails")
        for match in re.finditer(pattern, path.read_text(encoding="utf-8"))
    ]

    assert found == []


# Cache-Control ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kwarg_names"), STAFF_URLS)
def test_every_staff_page_is_no_store_and_under_the_policy(
    client,
    staff_a,
    secret_a,  # noqa: F811
    name,
    kwarg_names,
):
    client.force_login(staff_a)

    response = client.get(_url(name, kwarg_names, secret_a))

    assert no_store(response), (name, response.get("Cache-Control"))
    if response.get("Content-Type", "").startswith("text/html"):
        assert policy(response) == CSP


@pytest.mark.parametrize("view", ["survey_start", "survey_page", "survey_thanks", "unsubscribe"])
def test_every_buyer_page_is_no_store(client, coop_a, buyer_a, view):
    invitation = make_invitation(make_campaign(coop_a), buyer_a)
    args = [invitation.token, 1] if view == "survey_page" else [invitation.token]

    response = client.get(reverse(view, args=args))

    assert response.status_code == 200
    assert no_store(response)


def test_the_public_landing_page_stays_cacheable_for_a_visitor(client, db):
    response = client.get("/")

    assert response.status_code == 200
    assert not response.has_header("Cache-Control")


def test_the_transparency_page_stays_cacheable_for_a_visitor_but_not_for_a_signed_in_user(
    client, coop_a, staff_a
):
    coop_a.transparency_enabled = True
    coop_a.save()
    url = reverse("transparency", args=[coop_a.slug])

    visitor = client.get(url)
    client.force_login(staff_a)
    signed_in = client.get(url)

    assert (visitor.status_code, signed_in.status_code) == (200, 200)
    assert not visitor.has_header("Cache-Control")
    assert signed_in["Cache-Control"] == "private, no-store"


def test_an_unknown_page_is_no_store(client, db):
    response = client.get("/pas-une-page/")

    assert response.status_code == 404
    assert response["Cache-Control"] == "private, no-store"


def test_static_files_stay_cacheable(client, db, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from static/ without collectstatic

    response = client.get("/static/css/coopqualite.css")

    assert response.status_code == 200
    assert not no_store(response)
    assert "max-age=" in response["Cache-Control"]
