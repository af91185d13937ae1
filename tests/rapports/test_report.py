"""The annual report of a cooperative's year: what the PDF says, in French, from the database."""

import html
import re
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.functional import empty

from cooperatives.models import Buyer
from coopqualite.storage import private_storage
from engagements.models import Action, Commitment, IsoSubject
from engagements.reference import COMMITMENTS
from enquetes.models import Invitation, Response
from enquetes.selectors import campaign_results
from rapports.models import Report, ReportVersion
from rapports.services.building import report_build, report_html
from tests.rapports import scenario
from tests.rapports.pdftext import NBSP, NNBSP, flat, lines, pages_text, reader_of
from tests.rapports.scenario import YEAR

# Every test is a database test, so that pytest-django keeps the module's tests together and the
# module's report is built once (it sorts database tests before the others).
pytestmark = pytest.mark.django_db

GENERAL = "Satisfaction globale"
TEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@dataclass(frozen=True)
class Built:
    """A report built once for the module; the data behind it is rolled back afterwards."""

    report: Report = field(repr=False)
    pdf: bytes = field(repr=False)
    pages: list[str] = field(repr=False)
    html: str = field(repr=False)
    expected: dict

    @property
    def text(self) -> str:
        return lines("\n".join(self.pages))

    def page_with(self, heading: str) -> int:
        """1-based number of the first page after the table of contents starting with it."""
        for number, page in enumerate(self.pages[2:], start=3):
            if flat(page).startswith(flat(heading)):
                return number
        raise AssertionError(f"no page starts with {heading!r}")

    def chapter(self, heading: str) -> str:
        return lines(self.pages[self.page_with(heading) - 1])


def _expected(year: scenario.Year) -> dict:
    """What the report must say, read from the database and the survey results."""
    cooperative = year.cooperative
    results = campaign_results(year.campaign)
    general = next(rate for theme, rate, _ in results.themes if theme == GENERAL)
    buyers = Buyer.objects.for_cooperative(cooperative)
    return {
        "titles": list(
            Commitment.objects.for_cooperative(cooperative)
            .order_by("number")
            .values_list("number", "title")
        ),
        "actions_done": Action.objects.for_cooperative(cooperative)
        .filter(status=Action.Status.DONE, completed_on__year=YEAR)
        .count(),
        "actions_late": Action.objects.for_cooperative(cooperative)
        .filter(status__in=["planned", "in_progress"], due_date__lt=f"{YEAR}-12-31")
        .count(),
        "delivered": buyers.filter(delivery_date__year=YEAR).count(),
        "reserved": buyers.filter(reservation_date__year=YEAR).count(),
        "answered": Invitation.objects.filter(
            campaign=year.campaign, answered_at__isnull=False
        ).count(),
        "completed": Response.objects.filter(campaign=year.campaign, completed=True).count(),
        "invited": Invitation.objects.filter(campaign=year.campaign).count(),
        "satisfaction": general.rate,
        "respondents": general.respondents,
        "response_rate": results.response_rate,
        "change": next(change for theme, _, change in results.themes if theme == GENERAL),
    }


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory) -> Built:
    """Build the report of a whole year once, through the service the worker calls."""
    media = tmp_path_factory.mktemp("private")
    with (
        django_db_blocker.unblock(),
        override_settings(PRIVATE_MEDIA_ROOT=media, STORAGES=TEST_STORAGES),
    ):
        private_storage._wrapped = empty
        try:
            with transaction.atomic():
                year = scenario.annual_year(name="Les Castors de l'Ill", slug="castors-ill")
                version = scenario.chosen_version(year)
                pending = Report.objects.create(
                    cooperative=year.cooperative, year=YEAR, version=version
                )
                report = report_build(report=pending)
                with report.file.open("rb") as stored:
                    pdf = stored.read()
                built = Built(
                    report=report,
                    pdf=pdf,
                    pages=pages_text(pdf),
                    html=report_html(version=version),
                    expected=_expected(year),
                )
                transaction.set_rollback(True)
        finally:
            private_storage._wrapped = empty
    return built


# The build -------------------------------------------------------------------------------------


def test_the_build_marks_the_report_ready_with_its_pages_and_size(built):
    report = built.report

    assert report.status == Report.Status.DONE
    assert (report.progress, report.step) == (100, "")
    assert report.pages == len(built.pages) > 10
    assert report.size == len(built.pdf)
    assert report.started_at <= report.finished_at


def test_the_built_file_is_a_pdf_a_document(built):
    xmp = reader_of(built.pdf).xmp_metadata

    assert built.pdf.startswith(b"%PDF-")
    assert (str(xmp.pdfaid_part), str(xmp.pdfaid_conformance)) == ("3", "B")


def test_the_pdf_is_titled_and_signed_by_the_cooperative(built):
    metadata = reader_of(built.pdf).metadata

    assert metadata.title == f"Rapport qualité de service et RSE {YEAR} — Les Castors de l'Ill"
    assert metadata.author == "Les Castors de l'Ill"


# Structure -------------------------------------------------------------------------------------


def test_the_cover_names_the_cooperative_and_the_year(built):
    cover = lines(built.pages[0])

    assert cover.startswith("Les Castors de l'Ill")
    assert f"Année {YEAR}" in cover
    assert "page 1" not in cover


def test_the_table_of_contents_gives_the_page_of_each_chapter(built):
    toc = built.pages[1]
    entries = re.findall(r"^(.+?) \.{5,} (\d+)$", toc, flags=re.M)

    assert toc.startswith("Sommaire")
    # editorial, highlights, profile, figures, principles, 8 commitments, surveys, RSE,
    # priorities, method
    assert len(entries) == 3 + 2 + 8 + 2 + 2
    for title, page in entries:
        if title.startswith(("Les faits marquants", "Notre coopérative")):
            # they follow the editorial on its page
            assert title in lines(built.pages[int(page) - 1]), title
        else:
            assert built.page_with(title) == int(page), title


def test_every_page_after_the_cover_has_its_number_out_of_the_total(built):
    total = len(built.pages)

    for number, page in enumerate(built.pages[1:], start=2):
        assert f"page {number} / {total}" in flat(page)


def test_the_eight_commitments_have_their_own_chapter(built):
    titles = built.expected["titles"]

    assert [title for _, title in titles] == [title for _, title, _, _ in COMMITMENTS]
    for number, title in titles:
        assert built.page_with(f"Engagement {number} : {title}")


def test_the_preview_shows_the_same_chapters_as_the_pdf(built):
    preview = [
        flat(html.unescape(re.sub(r"<[^>]+>", "", heading)))
        for heading in re.findall(r"<h2[^>]*>(.*?)</h2>", built.html, flags=re.S)
    ]
    (cover,) = [item for item in reader_of(built.pdf).outline if not isinstance(item, list)]
    chapters = next(item for item in reader_of(built.pdf).outline if isinstance(item, list))
    assert cover.title == "Rapport qualité de service et responsabilité sociétale"
    assert preview == [flat(item.title) for item in chapters if not isinstance(item, list)]


def test_a_draft_says_on_its_cover_that_it_is_not_approved(built):
    assert "Version de travail n° 1 — non approuvée" in flat(built.pages[0])


def test_the_directors_foreword_highlights_and_priorities_are_printed(built):
    assert flat(scenario.FOREWORD) in flat(built.chapter("Éditorial"))
    assert flat(f"Les faits marquants de {YEAR} {scenario.HIGHLIGHTS}") in flat(built.text)
    assert flat(scenario.PRIORITIES) in flat(built.chapter(f"Nos priorités pour {YEAR + 1}"))


def test_the_profile_and_governance_figures_are_those_the_director_gave(built):
    profile = flat(built.text).split("profil et gouvernance", 2)[2]

    assert "Sociétaires 1 250 " in profile
    assert "Participation à l'assemblée générale 41,5 %" in profile
    assert "Logements mis en chantier" not in profile  # not filled in: not printed


# Key figures -----------------------------------------------------------------------------------


def test_the_key_figures_are_those_of_the_database(built):
    figures = flat(built.chapter("L'année en chiffres"))
    expected = built.expected

    assert (
        f"Logements livrés {expected['delivered']}▲ +3 par rapport à {YEAR - 1} acquéreurs dont "
        "la livraison est datée de l'année"
    ) in figures
    assert f"Contrats de réservation signés {expected['reserved']}" in figures
    assert f"par rapport à {YEAR - 1} réservations datées de l'année" in figures
    assert f"Actions réalisées {expected['actions_done']}▲ +1 par rapport à {YEAR - 1}" in figures
    assert f"Actions en retard au 31 décembre {YEAR} {expected['actions_late']}" in figures
    assert "ouvertes, échéance passée" in figures
    assert (expected["delivered"], expected["reserved"]) == (3, 2)
    assert (expected["actions_done"], expected["actions_late"]) == (2, 1)


def test_the_households_who_answered_are_counted_out_of_those_invited(built):
    figures = flat(built.chapter("L'année en chiffres"))
    expected = built.expected

    assert expected["answered"] == expected["completed"] == len(scenario.ANSWERS)
    assert expected["invited"] == scenario.INVITED
    assert (
        f"Ménages qui ont répondu {expected['answered']}sur {expected['invited']} ménages "
        "interrogés" in (figures)
    )


def test_the_indicators_on_target_are_counted_among_those_measured(built):
    assert "Indicateurs à l'objectif 1sur 2 indicateurs mesurés" in flat(
        built.chapter("L'année en chiffres")
    )


def test_overall_satisfaction_is_a_key_figure_with_its_base_and_the_previous_wave(built):
    assert (
        f"Satisfaction globale ({scenario.CAMPAIGN_NAME}) 80 %▲ +30 pts par rapport à l'enquête "
        f"{YEAR - 3} base : 5 répondants"
    ) in flat(built.chapter("L'année en chiffres"))


# Commitment chapters ---------------------------------------------------------------------------


def test_an_indicator_shows_its_last_measure_of_the_year_against_its_target(built):
    chapter = built.chapter("Engagement 1 :")

    assert f"Logements livrés sans réserve ≥{NBSP}80,0{NBSP}% 85,0{NBSP}% (T3 {YEAR}) Atteint" in (
        chapter
    )
    assert "12,0" not in chapter  # the next year's measure


def test_large_values_have_a_thousands_separator_and_a_decimal_comma(built):
    chapter = built.chapter("Engagement 6 :")

    assert f"≤{NBSP}1{NNBSP}000,0{NBSP}€ 1{NNBSP}234,5{NBSP}€ ({YEAR}) Non atteint" in chapter


def test_actions_done_in_the_year_are_listed_with_their_date_written_out(built):
    chapter = built.chapter("Engagement 6 :")

    assert (
        f"Réalisées en {YEAR}{NBSP}: Ouvrir une astreinte du service après-vente "
        f"(le 30 juin {YEAR})" in chapter
    )
    assert "Action terminée l'année précédente" not in built.text


def test_late_actions_are_listed_as_at_the_thirty_first_of_december(built):
    chapter = built.chapter("Engagement 6 :")

    assert (
        f"En retard au 31 décembre {YEAR}{NBSP}: Publier les délais d'intervention "
        f"(échéance 31 octobre {YEAR}, Julie Martin)"
    ) in chapter


def test_evidence_of_the_year_is_listed_under_its_commitment(built):
    assert f"1er septembre {YEAR} — Première assemblée de copropriété tenue (note datée)" in (
        built.chapter("Engagement 7 :")
    )
    assert (
        f"20 juillet {YEAR} — Procès-verbaux de livraison (lien{NBSP}: https://example.org/pv-livraison)"
    ) in built.chapter("Engagement 1 :")
    assert "Preuve datée de l'année précédente" not in built.text


def test_a_hostile_evidence_title_is_printed_as_text(built):
    chapter = built.chapter("Engagement 2 :")

    assert built.report.status == Report.Status.DONE
    assert f'16 mars {YEAR} — <img src="file:///etc/passwd"> & «{NNBSP}test{NNBSP}»' in chapter
    assert "root:x:0:0" not in built.text


def test_a_hostile_evidence_title_is_escaped_in_the_document(built):
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt; &amp;" in built.html
    assert '<img src="file:' not in built.html


def test_the_commitment_descriptions_keep_french_spacing(built):
    assert f"organiser leur copropriété{NBSP}: première" in built.chapter("Engagement 7 :")
    assert f"à la date prévue{NNBSP}; le mois" in built.chapter("Engagement 5 :")


def test_the_commitment_headings_keep_a_no_break_space_before_their_colon(built):
    assert f"Engagement 1{NBSP}: Des logements" in built.chapter("Engagement 1")


def test_a_chart_caption_lists_the_measures_without_a_dangling_separator(built):
    caption = re.search(r"Logements livrés sans réserve\s?: T1 .*?\(cible", flat(built.text))

    assert caption is not None
    assert f"T3 {YEAR} 85,0 (cible" in caption.group(0)


# Surveys ---------------------------------------------------------------------------------------


def test_the_satisfaction_rate_is_the_one_of_the_survey_results(built):
    expected = built.expected
    chapter = built.chapter("Ce que disent nos acquéreurs")

    assert expected["satisfaction"] == 80.0
    assert expected["change"] == 30.0
    assert (
        f"Satisfaction globale {round(expected['satisfaction'])}{NBSP}% "
        f"{expected['respondents']} répondants +{round(expected['change'])}{NBSP}pts"
    ) in chapter


def test_the_response_rate_is_the_one_of_the_survey_results(built):
    expected = built.expected

    assert round(expected["response_rate"]) == 67
    assert (
        f"{expected['answered']} réponses sur {expected['invited']} ménages interrogés, "
        f"soit un taux de réponse de 67{NBSP}%."
    ) in built.chapter("Ce que disent nos acquéreurs")


def test_the_survey_is_compared_with_the_previous_one_of_the_same_kind(built):
    assert f"Comparaison avec « {scenario.PREVIOUS_NAME} »" in flat(
        built.chapter("Ce que disent nos acquéreurs")
    )


def test_the_survey_period_is_written_out(built):
    assert f"Enquête triennale, du 1er mars {YEAR} au 31 mars {YEAR}, anonyme" in built.chapter(
        "Ce que disent nos acquéreurs"
    )


def test_a_campaign_name_keeps_french_spacing_in_its_heading(built):
    assert f"Enquête triennale {YEAR}{NBSP}: qu'en pensez-vous{NNBSP}?" in built.chapter(
        "Ce que disent nos acquéreurs"
    )


def test_a_campaign_name_keeps_french_spacing_in_its_table_caption(built):
    assert (
        f"Satisfaction par thème — Enquête triennale {YEAR}{NBSP}: qu'en pensez-vous{NNBSP}?"
        in (built.chapter("Ce que disent nos acquéreurs"))
    )


def test_comments_are_quoted_with_french_spacing_and_no_name(built):
    chapter = built.chapter("Ce que disent nos acquéreurs")

    assert f"«{NBSP}Pourquoi le SAV est-il si lent{NNBSP}?{NBSP}»" in chapter
    assert f"«{NBSP}Très bon accompagnement, merci{NNBSP}!{NBSP}»" in chapter
    assert "Julie" not in chapter


# RSE and method --------------------------------------------------------------------------------


def test_rse_actions_are_filed_under_their_iso_26000_subject(built):
    chapter = flat(built.chapter("Nos actions RSE par domaine de l'ISO 26000"))
    subjects = [label for _, label in IsoSubject.choices]

    assert [label for label in subjects if label in chapter] == subjects
    assert (
        f"Environnement Réduire l'énergie consommée sur les chantiers (réalisée le 15 mars {YEAR})"
        in chapter
    )
    assert (
        "Questions relatives aux consommateurs Publier les délais d'intervention "
        f"(prévue, échéance 31 octobre {YEAR})"
    ) in chapter
    assert (
        "Communautés et développement local Soutenir une association de quartier "
        f"(en cours, échéance 31 mars {YEAR + 1})"
    ) in chapter


def test_an_rse_subject_without_action_says_so(built):
    chapter = flat(built.chapter("Nos actions RSE par domaine de l'ISO 26000"))

    assert "Gouvernance de l'organisation Aucune action engagée dans ce domaine." in chapter


def test_the_method_notes_define_the_rates(built):
    notes = flat(built.chapter("Notes de méthode"))

    assert (
        "Taux de satisfaction : part des avis « très satisfait » et « assez satisfait » parmi "
        "les avis exprimés"
    ) in notes
    assert "Répondants : personnes ayant exprimé au moins un avis" in notes
    assert "Taux de réponse : ménages ayant envoyé leurs réponses" in notes
    assert "aucun chiffre portant sur moins de 5 personnes n'est montré ni exporté" in notes
    assert "Commentaires cités : choisis un à un par la coopérative" in notes


# Cost ------------------------------------------------------------------------------------------


def _report_queries(version) -> int:
    cache.clear()  # a running campaign's counts are cached a minute (enquetes.tallies)
    with CaptureQueriesContext(connection) as queries:
        report_html(version=version)
    return len(queries)


def test_the_cost_in_queries_does_not_grow_with_the_number_of_responses(coop_a):
    campaign = scenario.survey(coop_a, year=YEAR, name="Enquête triennale", buyers=60)
    scenario.answered(campaign, [("assez_satisfait", "Bien.")] * 5)
    version = ReportVersion.objects.create(
        cooperative=coop_a, year=YEAR, quotes=[{"campaign": campaign.pk, "text": "Bien."}]
    )
    version.campaigns.set([campaign])
    with_5 = _report_queries(version)

    invitations = campaign.invitations.filter(answered_at__isnull=True).order_by("pk")
    for invitation in invitations:
        scenario.answer(
            campaign, invitation, {"satisfaction_globale": "tres_satisfait"},
            scenario.aware(YEAR, 3, 20),
        )  # fmt: skip
    with_60 = _report_queries(version)

    assert Response.objects.filter(campaign=campaign, completed=True).count() == 60
    assert with_60 == with_5


def test_the_report_reads_only_the_cooperatives_own_data(coop_a, coop_b):
    scenario.survey(coop_b, year=YEAR, name="Enquête de B", buyers=5)
    version = ReportVersion.objects.create(cooperative=coop_a, year=YEAR)
    Action.objects.create(
        cooperative=coop_b, title="Action de la coopérative B", status=Action.Status.DONE,
        completed_on=f"{YEAR}-05-05", iso_subject=IsoSubject.ENVIRONMENT,
    )  # fmt: skip

    document = report_html(version=version)

    assert "Enquête de B" not in document
    assert "Action de la coopérative B" not in document
