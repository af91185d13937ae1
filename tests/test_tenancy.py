"""Tenant isolation: a user of cooperative B reaches nothing of cooperative A.

The test walks every URL of the portal (except the public ones listed below), so a new staff view
is covered as soon as it is routed: a URL argument the matrix does not know fails the test.
"""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cooperatives.models import User
from engagements.models import Action, Commitment, Evidence, Indicator, Measurement
from engagements.services.evidence import evidence_add
from enquetes.models import Answer, Campaign, Invitation, PopulationImport, Question, Response
from enquetes.services.campaigns import campaign_launch
from enquetes.services.questionnaires import questionnaire_from_template
from rapports.models import Report
from tests import factories

PUBLIC_URL_NAMES = {
    "home",
    "healthz",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "transparency",
    "survey_start",
    "survey_page",
    "survey_thanks",
    "unsubscribe",
}
# Views that only accept POST: a GET answers 405 whoever asks.
POST_ONLY = {
    "campaign_launch", "population_import_confirm", "questionnaire_version", "report_new",
}  # fmt: skip
# Reached by every signed-in user (their own account), not cooperative data.
OWN_ACCOUNT_URL_NAMES = {"password_change", "password_change_done"}

DIRECTOR_OR_FEDERATION_ONLY = {
    "federation_overview", "federation_surveys", "cooperative_settings",
}  # fmt: skip

SECRET_MARKERS = [
    "Programme-Secret-A", "Nom-Secret-A", "Engagement-Secret-A", "Indicateur-Secret-A",
    "Action-Secret-A", "Preuve-Secret-A", "Campagne-Secret-A", "Commentaire-Secret-A",
]  # fmt: skip


def _staff_url_names(patterns=None, namespace_skip=("admin",)) -> list[tuple[str, list[str]]]:
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in namespace_skip:
                continue
            found += _staff_url_names(entry.url_patterns, namespace_skip)
        elif isinstance(entry, URLPattern) and entry.name:
            if entry.name in PUBLIC_URL_NAMES | OWN_ACCOUNT_URL_NAMES:
                continue
            found.append((entry.name, list(entry.pattern.converters)))
    return found


STAFF_URLS = _staff_url_names()


@pytest.fixture
def secret_a(coop_a, programme_a, staff_a):
    """Data of cooperative A that an outsider must never see, marked with unique strings.

    Returns the URL arguments that point at it.
    """
    programme_a.name = "Programme-Secret-A"
    programme_a.save()
    lot = factories.LotFactory(programme=programme_a)
    factories.BuyerFactory(lot=lot, last_name="Nom-Secret-A")
    commitment = Commitment.objects.get(cooperative=coop_a, number=1)
    commitment.title = "Engagement-Secret-A"
    commitment.save()
    indicator = Indicator.objects.create(
        commitment=commitment, name="Indicateur-Secret-A", target=90, period="quarter"
    )
    measurement = Measurement.objects.create(
        indicator=indicator, period_start="2026-01-01", value=80, comment="Nom-Secret-A"
    )
    action = Action.objects.create(cooperative=coop_a, title="Action-Secret-A")
    evidence = evidence_add(
        target=action, user=staff_a, kind=Evidence.Kind.FILE, title="Preuve-Secret-A",
        fact_date="2026-02-01", upload=ContentFile(b"%PDF-1.4 Nom-Secret-A", name="a.pdf"),
        content_type="application/pdf",
    )  # fmt: skip
    questionnaire = questionnaire_from_template(
        cooperative=coop_a, template_key="apres-reservation"
    )
    campaign = Campaign.objects.create(
        cooperative=coop_a, questionnaire=questionnaire, name="Campagne-Secret-A",
        kind="triennial", opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + dt.timedelta(days=30), anonymous=False,
    )  # fmt: skip
    campaign_launch(campaign=campaign, now=timezone.now())
    invitation = Invitation.objects.get(campaign=campaign)
    comment = Question.objects.get(questionnaire=questionnaire, key="commentaire")
    draft = questionnaire_from_template(cooperative=coop_a, template_key="apres-reservation")
    response = Response.objects.create(campaign=campaign, completed=True)
    Answer.objects.create(response=response, question=comment, text="Commentaire-Secret-A")
    pending = PopulationImport.objects.create(
        campaign=campaign, filename="a.csv", created_by=staff_a,
        rows=[{"last_name": "Nom-Secret-A"}],
    )  # fmt: skip
    report = Report.objects.create(
        cooperative=coop_a, year=2025, status="done", file="reports/a.pdf", pages=1
    )
    return {
        "report_id": report.pk,
        "slug": coop_a.slug,
        "year": 2025,
        "campaign_id": campaign.pk,
        "invitation_id": invitation.pk,
        "questionnaire_id": draft.pk,  # not frozen: its builder pages are open to staff
        "question_id": draft.questions.first().pk,
        "import_id": pending.pk,
        "programme_id": programme_a.pk,
        "commitment_id": commitment.pk,
        "indicator_id": indicator.pk,
        "measurement_id": measurement.pk,
        "action_id": action.pk,
        "evidence_id": evidence.pk,
        "target_kind": "action",
        "target_id": action.pk,
    }


def _url(name: str, kwarg_names: list[str], objects: dict) -> str:
    unknown = [k for k in kwarg_names if k not in objects]
    assert not unknown, f"{name}: add {unknown} to the tenancy matrix (secret_a fixture)"
    return reverse(name, kwargs={k: objects[k] for k in kwarg_names})


def test_the_matrix_covers_the_staff_urls():
    names = {name for name, _ in STAFF_URLS}
    assert {"commitment_list", "programme_list", "programme_detail"} <= names


@pytest.mark.parametrize(("name", "kwarg_names"), STAFF_URLS)
@pytest.mark.parametrize("outsider", ["staff_b", "federation_b"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_outsider_reaches_nothing_of_another_cooperative(
    client, request, secret_a, name, kwarg_names, outsider, method
):
    client.force_login(request.getfixturevalue(outsider))

    response = getattr(client, method)(_url(name, kwarg_names, secret_a))

    if kwarg_names:
        assert response.status_code in (403, 404, 405)  # 405: method refused before anything
    else:
        assert response.status_code in (200, 302, 403, 405)
    body = response.content.decode() if not response.streaming else ""
    assert not [marker for marker in SECRET_MARKERS if marker in body]


@pytest.mark.parametrize(("name", "kwarg_names"), STAFF_URLS)
def test_an_anonymous_visitor_is_sent_to_the_login(client, secret_a, name, kwarg_names):
    url = _url(name, kwarg_names, secret_a)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "kwarg_names"), STAFF_URLS)
def test_the_own_staff_reaches_every_page(client, staff_a, secret_a, name, kwarg_names):
    client.force_login(staff_a)

    response = client.get(_url(name, kwarg_names, secret_a))

    expected = 403 if name in DIRECTOR_OR_FEDERATION_ONLY else 405 if name in POST_ONLY else 200
    if name == "report_download":
        expected = 403  # staff preview the report; directors, board and federation download it
    assert response.status_code == expected


@pytest.mark.parametrize("url_name", ["programme_list", "programme_detail"])
@pytest.mark.parametrize("role", [User.Role.BOARD, User.Role.FEDERATION])
def test_roles_without_access_to_buyers_get_403_on_buyer_pages(
    client, coop_a, secret_a, url_name, role
):
    user = factories.UserFactory(
        role=role,
        cooperative=None if role == User.Role.FEDERATION else coop_a,
        federation=coop_a.federation if role == User.Role.FEDERATION else None,
    )
    client.force_login(user)
    kwargs = {"programme_id": secret_a["programme_id"]} if url_name == "programme_detail" else {}

    response = client.get(reverse(url_name, kwargs=kwargs))

    assert response.status_code == 403


def test_staff_cannot_open_the_federation_page(client, staff_a):
    client.force_login(staff_a)

    assert client.get(reverse("federation_overview")).status_code == 403


def test_a_federation_reader_sees_only_the_cooperatives_of_its_federation(
    client, federation_a, coop_a, coop_b
):
    client.force_login(federation_a)

    body = client.get(reverse("federation_overview")).content.decode()

    assert coop_a.name in body
    assert coop_b.name not in body
