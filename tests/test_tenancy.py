"""Tenancy and roles, over every routed URL.

- The role matrix: every URL of the portal (the Django admin aside: it has its own staff flag,
  which no role has), GET and POST, as each role of cooperative A (staff, director, board), a
  reader of A's federation, and an anonymous visitor, against a literal table of statuses; and
  no buyer's personal data in any body served to the board or the federation.
- The outsider walk: users of cooperative B (another federation) reach nothing of A.

A new URL without a row in the matrix fails, and so does a URL argument the fixture does not
know.
"""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cooperatives.models import BuyerImport, BuyerImportJob
from engagements.models import Action, Commitment, Evidence, Indicator, Measurement
from engagements.services.evidence import evidence_add
from enquetes.models import (
    Answer,
    Campaign,
    ExportJob,
    Invitation,
    PopulationImport,
    PopulationImportJob,
    Question,
    Response,
)
from enquetes.services.campaigns import campaign_start
from enquetes.services.questionnaires import questionnaire_from_template
from espace.services.documents import document_share
from rapports.models import Report, ReportVersion
from sav.companies import company_token
from sav.models import CallBack, Company
from sav.services.claims import claim_file
from tests import factories

PUBLIC_URL_NAMES = {
    "home",
    "healthz",
    "favicon",
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
    # The buyer's space: buyers sign in with a link, not as users (tests/espace/).
    "espace_home",
    "espace_signin",
    "espace_signin_link",
    "espace_signout",
    "espace_buyer_link",
    "espace_letters",
    "espace_letter",
    "espace_letter_pdf",
    "espace_letter_photo",
    "espace_documents",
    "espace_document",
    "espace_claims",
    "espace_claim_new",
    "espace_claim",
    "espace_claim_answer",
    "espace_claim_photo",
    # A company's signed link to its reserves (tests/sav/test_company_link.py).
    "company_reserves",
    "company_reserves_pdf",
    "company_claim_done",
    # Privacy notices: linked from every buyer page and e-mail.
    "privacy_general",
    "privacy_notice",
}
# Reached by every signed-in user (their own account), not cooperative data.
OWN_ACCOUNT_URL_NAMES = {
    "password_change", "password_change_done", "second_factor", "second_factor_enrol",
    "second_factor_start", "second_factor_verify", "recovery_codes", "recovery_codes_regenerate",
    "second_factor_disable",
}  # fmt: skip

# Buyers' personal data: names and e-mails of the buyers and of the invitations made from them.
BUYER_MARKERS = [
    "Acquereur-Secret-A", "Prenom-Secret-A", "acquereur-secret-a@exemple.fr",
    "Acquereuse-Secret-A", "acquereuse-secret-a@exemple.fr",
]  # fmt: skip
SECRET_MARKERS = [
    "Programme-Secret-A", "Nom-Secret-A", "Engagement-Secret-A", "Indicateur-Secret-A",
    "Action-Secret-A", "Preuve-Secret-A", "Campagne-Secret-A", "Commentaire-Secret-A",
    "Lettre-Secret-A", "Document-Secret-A",
    *BUYER_MARKERS,
]  # fmt: skip

ROLES = ("staff", "director", "board", "federation", "anonymous")
PERSONAS = {
    "staff": "staff_a", "director": "director_a", "board": "board_a",
    "federation": "federation_a", "anonymous": None,
}  # fmt: skip

# The role matrix: for each URL name, per role of cooperative A, the status of a GET and of a POST
# with an empty form ("GET/POST", or one status for both). "login": a redirect to the login page.
# The rules behind it: User.ROLE_PERMISSIONS, README ("Roles").
# fmt: off
MATRIX = {
    #                             staff        director     board        federation   anonymous
    # (A federation reader is sent from one cooperative's pages, scorecard, charter and actions,
    # to the federation's summaries until they choose a cooperative: tests/engagements/
    # test_federation_choice.py.)
    # Public pages and the user's own account
    "home":                      ("302",       "302",       "302",       "302",       "200"),
    "healthz":                   ("200/405",   "200/405",   "200/405",   "200/405",   "200/405"),
    "favicon":                   ("301/405",   "301/405",   "301/405",   "301/405",   "301/405"),
    "login":                     ("200",       "200",       "200",       "200",       "200"),
    "logout":                    ("405/login", "405/login", "405/login", "405/login", "login"),
    "password_reset":            ("200",       "200",       "200",       "200",       "200"),
    "password_reset_done":       ("200/405",   "200/405",   "200/405",   "200/405",   "200/405"),
    "password_reset_confirm":    ("200",       "200",       "200",       "200",       "200"),
    "password_reset_complete":   ("200/405",   "200/405",   "200/405",   "200/405",   "200/405"),
    "password_change":           ("200",       "200",       "200",       "200",       "login"),
    "password_change_done":      ("200/405",   "200/405",   "200/405",   "200/405",   "login"),
    # One's own second factor (nobody has one here; the suite requires it of nobody)
    "second_factor":             ("200/405",   "200/405",   "200/405",   "200/405",   "login"),
    "second_factor_enrol":       ("200/302",   "200/302",   "200/302",   "200/302",   "login"),
    "second_factor_start":       ("405/302",   "405/302",   "405/302",   "405/302",   "login"),
    "second_factor_verify":      ("302",       "302",       "302",       "302",       "login"),
    "recovery_codes":            ("200/405",   "200/405",   "200/405",   "200/405",   "login"),
    "recovery_codes_regenerate": ("405/302",   "405/302",   "405/302",   "405/302",   "login"),
    "second_factor_disable":     ("405/302",   "405/302",   "405/302",   "405/302",   "login"),
    "transparency":              ("404",       "404",       "404",       "404",       "404"),
    "survey_start":              ("200/405",   "200/405",   "200/405",   "200/405",   "200/405"),
    "survey_page":               ("200",       "200",       "200",       "200",       "200"),
    "survey_thanks":             ("200/405",   "200/405",   "200/405",   "200/405",   "200/405"),
    "unsubscribe":               ("200",       "200",       "200",       "200",       "200"),
    # The buyer's space: no buyer session here (staff accounts are not buyers)
    "espace_home":               ("302",       "302",       "302",       "302",       "302"),
    "espace_signin":             ("200/400",   "200/400",   "200/400",   "200/400",   "200/400"),
    "espace_signin_link":        ("404",       "404",       "404",       "404",       "404"),
    "espace_signout":            ("405/302",   "405/302",   "405/302",   "405/302",   "405/302"),
    "espace_buyer_link":         ("404",       "404",       "404",       "404",       "404"),
    "espace_letters":            ("302",       "302",       "302",       "302",       "302"),
    "espace_letter":             ("302",       "302",       "302",       "302",       "302"),
    "espace_letter_pdf":         ("302",       "302",       "302",       "302",       "302"),
    "espace_letter_photo":       ("302",       "302",       "302",       "302",       "302"),
    "espace_claims":             ("302",       "302",       "302",       "302",       "302"),
    "espace_claim_new":          ("302",       "302",       "302",       "302",       "302"),
    "espace_claim":              ("302",       "302",       "302",       "302",       "302"),
    "espace_claim_answer":       ("302",       "302",       "302",       "302",       "302"),
    "espace_claim_photo":        ("302",       "302",       "302",       "302",       "302"),
    "espace_documents":          ("302",       "302",       "302",       "302",       "302"),
    "espace_document":           ("302",       "302",       "302",       "302",       "302"),
    # Documents shared with a buyer (staff removes it first: gone for the roles walked after)
    "buyer_documents":           ("200",       "200",       "403",       "403",       "login"),
    "buyer_document_download":   ("200/405",   "200/405",   "403/405",   "403/405",   "login"),
    "buyer_document_remove":     ("405/302",   "405/404",   "405/404",   "405/404",   "login"),
    "privacy_general":           ("200/405",   "200/405",   "200/405",   "200/405",   "200/405"),
    "privacy_notice":            ("200/405",   "200/405",   "200/405",   "200/405",   "200/405"),
    # Personal data (GDPR): the director's
    "privacy_notice_edit":       ("403",       "200",       "403",       "403",       "login"),
    "privacy_retention":         ("403",       "200",       "403",       "403",       "login"),
    "privacy_exports":           ("403",       "200",       "403",       "403",       "login"),
    "privacy_register":          ("403",       "200",       "403",       "403",       "login"),
    "buyer_data_export":         ("405/200",   "405/200",   "405/403",   "405/403",   "login"),
    "buyer_data_erase":          ("403",       "200/302",   "403",       "403",       "login"),
    # Construction phases and letters (a draft letter with a photo and a PDF)
    "programme_works":           ("200/405",   "200/405",   "403/405",   "403/405",   "login"),
    "phases_create":             ("405/302",   "405/302",   "405/403",   "405/403",   "login"),
    "phase_new":                 ("200",       "200",       "403",       "403",       "login"),
    "phase_edit":                ("200",       "200",       "403",       "403",       "login"),
    "letter_new":                ("200",       "200",       "403",       "403",       "login"),
    "letter_detail":             ("200/405",   "200/405",   "403/405",   "403/405",   "login"),
    "letter_edit":               ("200",       "200",       "403",       "403",       "login"),
    "letter_publish":            ("405/302",   "405/302",   "405/403",   "405/403",   "login"),
    "letter_pdf":                ("200/405",   "200/405",   "403/405",   "403/405",   "login"),
    "letter_photo":              ("200/405",   "200/405",   "403/405",   "403/405",   "login"),
    # Staff removes the photo first: it is gone for the roles walked after.
    "letter_photo_remove":       ("405/302",   "405/404",   "405/404",   "405/404",   "login"),
    "phase_names":               ("403",       "200",       "403",       "403",       "login"),
    # Programmes and buyers; the cooperative's settings
    "programme_list":            ("200",       "200",       "403",       "403",       "login"),
    "programme_detail":          ("200",       "200",       "403",       "403",       "login"),
    "programme_new":             ("200",       "200",       "403",       "403",       "login"),
    "programme_edit":            ("200",       "200",       "403",       "403",       "login"),
    "lot_new":                   ("200",       "200",       "403",       "403",       "login"),
    "lot_edit":                  ("200",       "200",       "403",       "403",       "login"),
    "buyer_new":                 ("200",       "200",       "403",       "403",       "login"),
    "buyer_detail":              ("200",       "200",       "403",       "403",       "login"),
    "buyer_edit":                ("200",       "200",       "403",       "403",       "login"),
    "buyer_file_format":         ("200",       "200",       "403",       "403",       "login"),
    "buyer_file_template_csv":   ("200",       "200",       "403",       "403",       "login"),
    "buyer_file_template_xlsx":  ("200",       "200",       "403",       "403",       "login"),
    "buyer_import":              ("200",       "200",       "403",       "403",       "login"),
    # A buyer file is confirmed by whoever uploaded it (staff here): 404 for the director.
    "buyer_import_confirm":      ("405/302",   "405/404",   "405/403",   "405/403",   "login"),
    "buyer_import_job":          ("200/405",   "200/405",   "403/405",   "403/405",   "login"),
    "buyer_import_job_retry":    ("405/302",   "405/302",   "405/403",   "405/403",   "login"),
    "cooperative_settings":      ("403",       "200",       "403",       "403",       "login"),
    # The team, run by the directors; the federation's cooperatives, by its administrator only
    "user_list":                 ("403",       "200",       "403",       "403",       "login"),
    "user_invite":               ("403",       "200",       "403",       "403",       "login"),
    "user_detail":               ("403",       "200",       "403",       "403",       "login"),
    "user_deactivate":           ("405/403",   "405/302",   "405/403",   "405/403",   "login"),
    "user_reactivate":           ("405/403",   "405/302",   "405/403",   "405/403",   "login"),
    "user_invitation_resend":    ("405/403",   "405/302",   "405/403",   "405/403",   "login"),
    "user_second_factor_reset":  ("405/403",   "405/302",   "405/403",   "405/403",   "login"),
    "federation_cooperatives":   ("403",       "403",       "403",       "403",       "login"),
    "cooperative_new":           ("403",       "403",       "403",       "403",       "login"),
    # Commitments, indicators, measurements, actions, evidence
    "scorecard":                 ("200",       "200",       "200",       "302",       "login"),
    "commitment_list":           ("200",       "200",       "200",       "302",       "login"),
    "federation_overview":       ("403",       "403",       "403",       "200",       "login"),
    "commitment_detail":         ("200",       "200",       "200",       "200",       "login"),
    "commitment_edit":           ("200",       "200",       "403",       "403",       "login"),
    "indicator_new":             ("200",       "200",       "403",       "403",       "login"),
    "indicator_detail":          ("200",       "200",       "200",       "200",       "login"),
    "indicator_edit":            ("200",       "200",       "403",       "403",       "login"),
    "measurement_create":        ("200",       "200",       "403",       "403",       "login"),
    "measurement_edit":          ("200",       "200",       "403",       "403",       "login"),
    "measurement_confirm":       ("405/302",   "405/302",   "405/403",   "405/403",   "login"),
    "action_list":               ("200",       "200",       "200",       "302",       "login"),
    "my_actions":                ("200",       "200",       "200",       "302",       "login"),
    "action_new":                ("200",       "200",       "403",       "403",       "login"),
    "action_detail":             ("200",       "200",       "200",       "200",       "login"),
    "action_edit":               ("200",       "200",       "403",       "403",       "login"),
    "evidence_new":              ("200",       "200",       "403",       "403",       "login"),
    "evidence_download":         ("200/405",   "200/405",   "200/405",   "200/405",   "login"),
    # Surveys: campaigns (the invitee list names people), results, exports, questionnaires
    "campaign_list":             ("200",       "200",       "200",       "200",       "login"),
    "campaign_new":              ("200",       "200",       "403",       "403",       "login"),
    "campaign_new_form":         ("302",       "302",       "403",       "403",       "login"),
    "campaign_detail":           ("200",       "200",       "403",       "403",       "login"),
    "campaign_launch":           ("405/302",   "405/302",   "405/403",   "405/403",   "login"),
    "campaign_messages_resend":  ("405/302",   "405/302",   "405/403",   "405/403",   "login"),
    "population_import":         ("200",       "200",       "403",       "403",       "login"),
    # An import is confirmed by whoever uploaded it (staff here): 404 for the director.
    "population_import_confirm": ("405/302",   "405/404",   "405/403",   "405/403",   "login"),
    "population_import_job":     ("200/405",   "200/405",   "403/405",   "403/405",   "login"),
    "population_import_job_retry": ("405/302", "405/302",   "405/403",   "405/403",   "login"),
    "response_entry":            ("200",       "200",       "403",       "403",       "login"),
    "campaign_results":          ("200",       "200",       "200",       "200",       "login"),
    "campaign_comments":         ("200",       "200",       "200",       "200",       "login"),
    # A nominative campaign: its exports carry names (an anonymous one's: test_results.py).
    "campaign_export_csv":       ("200",       "200",       "403",       "403",       "login"),
    "campaign_export_request":   ("405/302",   "405/302",   "405/403",   "405/403",   "login"),
    "campaign_export_download":  ("200/405",   "200/405",   "403/405",   "403/405",   "login"),
    "campaign_export_retry":     ("405/302",   "405/302",   "405/403",   "405/403",   "login"),
    "federation_surveys":        ("403",       "403",       "403",       "200",       "login"),
    "questionnaire_list":        ("200/302",   "200/302",   "200/403",   "200/403",   "login"),
    "questionnaire_detail":      ("200",       "200",       "200",       "200",       "login"),
    "questionnaire_version":     ("405/302",   "405/302",   "405/403",   "405/403",   "login"),
    "section_new":               ("200",       "200",       "403",       "403",       "login"),
    "question_new":              ("200",       "200",       "403",       "403",       "login"),
    "question_edit":             ("200",       "200",       "403",       "403",       "login"),
    # The annual report: the director writes and approves it; staff preview it; the others
    # build previews and download
    "iso_assessment":            ("200/403",   "200",       "200/403",   "200/403",   "login"),
    "report_list":               ("200",       "200",       "200",       "200",       "login"),
    "report_new":                ("405/403",   "405/302",   "405/403",   "405/403",   "login"),
    "report_version_detail":     ("200",       "200",       "200",       "200",       "login"),
    "report_version_edit":       ("403",       "200/302",   "403",       "403",       "login"),
    "report_version_build":      ("405/403",   "405/302",   "405/302",   "405/302",   "login"),
    "report_version_approve":    ("405/403",   "405/302",   "405/403",   "405/403",   "login"),
    "report_preview":            ("200",       "200",       "200",       "200",       "login"),
    "report_detail":             ("200",       "200",       "200",       "200",       "login"),
    "report_retry":              ("405/403",   "405/302",   "405/302",   "405/302",   "login"),
    "report_download":           ("403",       "200",       "200",       "200",       "login"),
    # After-sales: claims name buyers (read_buyers); the company link is public and signed
    "claim_inbox":               ("200",       "200",       "403",       "403",       "login"),
    "my_claims":                 ("200",       "200",       "403",       "403",       "login"),
    "claim_export":              ("200",       "200",       "403",       "403",       "login"),
    "claims_bulk_assign":        ("405/302",   "405/302",   "405/403",   "405/403",   "login"),
    "claim_new":                 ("200",       "200",       "403",       "403",       "login"),
    "claim_detail":              ("200",       "200",       "403",       "403",       "login"),
    "claim_refuse":              ("405/302",   "405/302",   "405/403",   "405/403",   "login"),
    "claim_assign":              ("405/302",   "405/302",   "405/403",   "405/403",   "login"),
    "claim_step":                ("405/302",   "405/302",   "405/403",   "405/403",   "login"),
    "callback_list":             ("200",       "200",       "403",       "403",       "login"),
    "callback_detail":           ("200",       "200",       "403",       "403",       "login"),
    "callback_outcome":          ("405/200",   "405/200",   "405/403",   "405/403",   "login"),
    "company_list":              ("200",       "200",       "403",       "403",       "login"),
    "company_new":               ("200",       "200",       "403",       "403",       "login"),
    "company_detail":            ("200",       "200",       "403",       "403",       "login"),
    "service_level":             ("403",       "200",       "403",       "403",       "login"),
    "company_reserves":          ("200",       "200",       "200",       "200",       "200"),
    "company_reserves_pdf":      ("200",       "200",       "200",       "200",       "200"),
    # The claim of the fixture is not given to the company: nothing to mark done through it.
    "company_claim_done":        ("405/404",   "405/404",   "405/404",   "405/404",   "405/404"),
}
# fmt: on


def _url_names(patterns=None) -> list[tuple[str, list[str]]]:
    """(name, argument names) of every routed URL, the admin's aside."""
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                found += _url_names(entry.url_patterns)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((entry.name, list(entry.pattern.converters)))
    return found


ALL_URLS = _url_names()
STAFF_URLS = [
    (name, kwargs)
    for name, kwargs in ALL_URLS
    if name not in PUBLIC_URL_NAMES | OWN_ACCOUNT_URL_NAMES
]


@pytest.fixture
def secret_a(coop_a, programme_a, staff_a):
    """Data of cooperative A marked with unique strings: an outsider must never see any, the
    board and the federation never the buyers' (BUYER_MARKERS).

    Returns the URL arguments that point at it.
    """
    programme_a.name = "Programme-Secret-A"
    programme_a.save()
    answered_buyer = factories.BuyerFactory(
        lot=factories.LotFactory(programme=programme_a), last_name="Acquereur-Secret-A",
        first_name="Prenom-Secret-A", email="acquereur-secret-a@exemple.fr",
    )  # fmt: skip
    factories.BuyerFactory(
        lot=factories.LotFactory(programme=programme_a), last_name="Acquereuse-Secret-A",
        email="acquereuse-secret-a@exemple.fr",
    )  # fmt: skip
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
    campaign_start(campaign=campaign, now=timezone.now())
    answered = Invitation.objects.get(campaign=campaign, buyer=answered_buyer)
    answered.answered_at = timezone.now()
    answered.save(update_fields=["answered_at"])
    waiting = Invitation.objects.get(campaign=campaign, last_name="Acquereuse-Secret-A")
    response = Response.objects.create(
        campaign=campaign, invitation=answered, completed=True, submitted_on=timezone.localdate()
    )
    comment = Question.objects.get(questionnaire=questionnaire, key="commentaire")
    Answer.objects.create(response=response, question=comment, text="Commentaire-Secret-A")
    draft = questionnaire_from_template(cooperative=coop_a, template_key="apres-reservation")
    pending = PopulationImport.objects.create(
        campaign=campaign, filename="a.csv", created_by=staff_a,
        rows=[{
            "programme_id": programme_a.pk, "lot": "IMP-1", "last_name": "Nom-Secret-A",
            "first_name": "", "email": "", "phone": "", "delivery_date": None,
        }],
    )  # fmt: skip
    buyer_import = BuyerImport.objects.create(
        cooperative=coop_a, filename="a.csv", created_by=staff_a,
        rows=[{
            "row": 2, "programme_id": programme_a.pk, "lot": "IMP-2", "last_name": "Nom-Secret-A",
            "first_name": "", "email": "", "phone": "", "typology": "", "interlocutor_id": None,
        }],
        # An error: confirming it writes nothing and keeps it, for the roles walked after staff.
        report=[{"row": 3, "column": "Nom", "message": "Nom manquant.", "level": "error"}],
    )  # fmt: skip
    letter = _draft_letter(programme_a, staff_a)
    document = document_share(
        buyer=answered_buyer, user=staff_a, title="Document-Secret-A",
        upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"), content_type="application/pdf",
        now=timezone.now(),
    )  # fmt: skip
    version = ReportVersion.objects.create(cooperative=coop_a, year=2025)
    report = Report.objects.create(
        cooperative=coop_a, year=2025, version=version, status="done", pages=1
    )
    company = Company.objects.create(cooperative=coop_a, name="Entreprise A")
    claim = claim_file(
        lot=answered_buyer.lot, buyer=answered_buyer, channel="phone", category="plumbing",
        description="Fuite", now=timezone.now(), user=staff_a,
    )  # fmt: skip
    callback = CallBack.objects.create(
        cooperative=coop_a, response=response, buyer=answered_buyer, opened_at=timezone.now(),
        due=timezone.localdate(), reasons="Recommandation 2/10",
    )  # fmt: skip
    report = Report.objects.create(cooperative=coop_a, year=2025, status="done", pages=1)
    buyer_import_job = BuyerImportJob.objects.create(
        cooperative=coop_a, preview_id=10**6, filename="b.csv", status="done",
        result={"created": 1, "changed": 0, "unchanged": 0, "lots_created": 0},
    )  # fmt: skip
    population_import_job = PopulationImportJob.objects.create(
        campaign=campaign, preview_id=10**6, filename="p.csv", status="done", added=1
    )
    report.file.save("a.pdf", ContentFile(b"%PDF-1.4 rapport"))
    export_job = ExportJob.objects.create(
        campaign=campaign, format="csv", status="done", finished_at=timezone.now(), rows=1
    )
    export_job.file.save("e.csv", ContentFile(b"nom\nAcquereur-Secret-A\n"))
    return {
        "claim_id": claim.pk,
        "callback_id": callback.pk,
        "company_id": company.pk,
        "step": "acknowledge",
        "answer": "levee",
        "link": company_token(company, programme_a),
        "report_id": report.pk,
        "version_id": version.pk,
        "slug": coop_a.slug,
        "year": 2025,
        "campaign_id": campaign.pk,
        "invitation_id": waiting.pk,
        "questionnaire_id": draft.pk,  # not frozen: its builder pages are open to staff
        "question_id": draft.questions.first().pk,
        "import_id": pending.pk,
        "programme_id": programme_a.pk,
        "lot_id": answered_buyer.lot_id,
        "buyer_id": answered_buyer.pk,
        "buyer_import_id": buyer_import.pk,
        "user_id": staff_a.pk,
        "buyer_import_job_id": buyer_import_job.pk,
        "population_import_job_id": population_import_job.pk,
        "export_job_id": export_job.pk,
        "commitment_id": commitment.pk,
        "indicator_id": indicator.pk,
        "measurement_id": measurement.pk,
        "action_id": action.pk,
        "evidence_id": evidence.pk,
        "target_kind": "action",
        "target_id": action.pk,
        # Public pages: the waiting buyer's survey link; a password-reset link that is not valid.
        "document_id": document.pk,
        "phase_id": letter.phase_id,
        "letter_id": letter.pk,
        "photo_id": letter.photos.get().pk,
        "token": waiting.token,
        "number": 1,
        "uidb64": "MQ",
    }


def _draft_letter(programme, user):
    """A draft construction letter of the programme's first phase, with a photo and a PDF."""
    from chantiers.content import photo_process
    from chantiers.models import Phase
    from chantiers.services.letters import letter_save
    from chantiers.services.phases import phases_create_default
    from tests.chantiers.conftest import pdf_bytes, png_bytes, upload

    phases_create_default(programme=programme)
    return letter_save(
        phase=Phase.objects.get(programme=programme, position=1), user=user,
        title="Lettre-Secret-A", text="Texte", pdf=upload("a.pdf", pdf_bytes(), "application/pdf"),
        photos=[(photo_process(io.BytesIO(png_bytes((40, 30)))), "Photo")],
    )  # fmt: skip


def _url(name: str, kwarg_names: list[str], objects: dict) -> str:
    unknown = [k for k in kwarg_names if k not in objects]
    assert not unknown, f"{name}: add {unknown} to the tenancy matrix (secret_a fixture)"
    return reverse(name, kwargs={k: objects[k] for k in kwarg_names})


def _body(response) -> str:
    """The text a user receives, streamed or not; a spreadsheet's cells."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data.startswith(b"PK"):  # XLSX: a zip of XML files
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"".join(archive.read(name) for name in archive.namelist())
    return data.decode("utf-8", errors="replace")


def _status(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return "login"
    return str(response.status_code)


def test_every_routed_url_has_a_row_in_the_role_matrix():
    routed = {name for name, _ in ALL_URLS}

    assert sorted(routed - MATRIX.keys()) == [], "add these URLs to MATRIX"
    assert sorted(MATRIX.keys() - routed) == [], "these rows of MATRIX are no longer routed"


@pytest.mark.parametrize(("name", "kwarg_names"), ALL_URLS)
def test_each_role_gets_the_status_of_the_matrix_and_no_buyer_data_reaches_board_or_federation(
    client, request, secret_a, name, kwarg_names
):
    assert name in MATRIX, f"{name}: add a row to MATRIX"
    url = _url(name, kwarg_names, secret_a)
    statuses, leaks = [], []
    for role in ROLES:
        persona = PERSONAS[role]
        client.logout()
        if persona:
            client.force_login(request.getfixturevalue(persona))
        cell = []
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            cell.append(_status(response))
            if role in ("board", "federation"):
                body = _body(response)
                leaks += [(role, method, m) for m in BUYER_MARKERS if m in body]
        statuses.append(cell[0] if cell[0] == cell[1] else "/".join(cell))

    assert tuple(statuses) == MATRIX[name], dict(zip(ROLES, statuses, strict=True))
    assert leaks == []


@pytest.mark.parametrize(("name", "kwarg_names"), STAFF_URLS)
def test_an_outsider_reaches_nothing_of_another_cooperative(
    client, request, secret_a, name, kwarg_names
):
    url = _url(name, kwarg_names, secret_a)
    seen = []
    for outsider in ("staff_b", "federation_b"):
        client.force_login(request.getfixturevalue(outsider))
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            body = _body(response)
            markers = [marker for marker in SECRET_MARKERS if marker in body]
            seen.append((outsider, method, response.status_code, markers))

    # An argument pointing at A's data: 404, its existence is not revealed (405: the method
    # is refused before anything). Pages without one show the outsider their own cooperative.
    allowed = (404, 405) if kwarg_names else (200, 302, 403, 405)
    assert [s for s in seen if s[2] not in allowed or s[3]] == []


def test_a_federation_reader_sees_only_the_cooperatives_of_its_federation(
    client, federation_a, coop_a, coop_b
):
    client.force_login(federation_a)

    body = client.get(reverse("federation_overview")).content.decode()

    assert coop_a.name in body
    assert coop_b.name not in body
