"""The PDF renderer: only the project's static files are fetched; PDF/A-3b, tagged, described."""

import base64
from pathlib import Path

import pytest
from django.test import override_settings

from coopqualite.pdf import BASE_URL, StaticOnlyFetcher, render_pdf
from tests.rapports.pdftext import flat, pages_text, reader_of

PASSWD = Path("/etc/passwd")
PASSWD_LINE = "root:x:0:0"
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(16)).decode()

HOSTILE = {
    "file": "file:///etc/passwd",
    "loopback": "http://127.0.0.1:1/x.png",
    "remote stylesheet": "https://example.org/a.css",
    "data": f"data:image/png;base64,{PNG}",
    "dot-dot": "/static/../../etc/passwd",
    "encoded dot-dot": "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
}

PAGE = f"""<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <title>Rapport d'essai 2025</title>
  <meta name="author" content="Coopérative d'essai">
  <link rel="stylesheet" href="/static/css/report.css">
  <link rel="stylesheet" href="{HOSTILE["remote stylesheet"]}">
  <link rel="attachment" href="{HOSTILE["file"]}" title="passwd">
  <link rel="attachment" href="{HOSTILE["encoded dot-dot"]}" title="passwd-encoded">
  <link rel="attachment" href="/static/%2fetc/passwd" title="passwd-absolute">
  <style>@import url("file:///etc/hostname");</style>
</head>
<body>
  <section class="cover"><p class="cover-coop">Coopérative d'essai</p>
    <h1 class="cover-title">Couverture</h1></section>
  <section class="chapter"><h2>Premier chapitre</h2>
    <p>Un paragraphe lisible.</p>
    <img src="{HOSTILE["file"]}" alt="fichier">
    <img src="{HOSTILE["loopback"]}" alt="boucle locale">
    <img src="{HOSTILE["data"]}" alt="donnée en ligne">
    <img src="{HOSTILE["dot-dot"]}" alt="remontée">
    <object data="{HOSTILE["file"]}" type="text/plain">objet</object>
  </section>
</body>
</html>"""

TEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The hostile page as a template of its own: render_pdf is the one way to make a PDF.
HOSTILE_TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {"hostile.html": PAGE})]},
    }
]


@pytest.fixture(scope="module")
def rendered():
    """The page rendered once; the tests only read the PDF and the fetcher's refusals."""
    fetcher = StaticOnlyFetcher()
    with override_settings(STORAGES=TEST_STORAGES, TEMPLATES=HOSTILE_TEMPLATES):
        pdf = render_pdf("hostile.html", {}, fetcher=fetcher)
    return pdf.content, pdf.pages, fetcher


def _refused(rendered) -> list[str]:
    return rendered[2].refused


def test_the_system_file_reference_is_present_on_this_machine():
    assert PASSWD_LINE in PASSWD.read_text()


@pytest.mark.parametrize("url", [HOSTILE["file"], HOSTILE["loopback"], HOSTILE["data"]])
def test_an_absolute_url_of_another_scheme_or_host_is_refused(rendered, url):
    assert url in _refused(rendered)


def test_a_remote_stylesheet_is_refused(rendered):
    assert HOSTILE["remote stylesheet"] in _refused(rendered)


def test_climbing_out_of_the_static_folder_is_refused(rendered):
    # The HTML parser resolves "/static/../../etc/passwd" against the fake origin.
    assert f"{BASE_URL}etc/passwd" in _refused(rendered)


def test_encoded_dot_dots_under_the_static_prefix_are_refused(rendered):
    assert f"{BASE_URL}static/%2e%2e/%2e%2e/%2e%2e/etc/passwd" in _refused(rendered)


def test_an_import_from_the_file_system_is_refused(rendered):
    assert "file:///etc/hostname" in _refused(rendered)


def test_the_project_stylesheet_is_served(rendered):
    assert not [url for url in _refused(rendered) if "report.css" in url]


def test_the_project_stylesheet_lays_out_the_page_footers(rendered):
    pdf, pages, _ = rendered

    texts = pages_text(pdf)

    assert pages == len(texts) == 2
    assert "page 2 / 2" in flat(texts[1])
    assert "page 1 / 2" not in flat(texts[0])  # no footer on the cover


def test_no_system_file_is_attached_to_the_pdf(rendered):
    assert reader_of(rendered[0]).attachments == {}


def test_the_pdf_text_holds_no_system_file_content(rendered):
    text = "\n".join(pages_text(rendered[0]))

    assert "Un paragraphe lisible." in text
    assert PASSWD_LINE not in text


def test_the_pdf_is_pdf_a_3b(rendered):
    xmp = reader_of(rendered[0]).xmp_metadata

    assert xmp is not None
    assert (str(xmp.pdfaid_part), str(xmp.pdfaid_conformance)) == ("3", "B")


def test_the_pdf_has_an_output_intent_as_pdf_a_requires(rendered):
    catalog = reader_of(rendered[0]).trailer["/Root"]

    assert len(catalog["/OutputIntents"]) >= 1


def test_the_pdf_is_tagged_for_accessibility(rendered):
    catalog = reader_of(rendered[0]).trailer["/Root"]

    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in catalog


def test_the_pdf_takes_its_title_author_and_language_from_the_html(rendered):
    reader = reader_of(rendered[0])

    assert reader.metadata.title == "Rapport d'essai 2025"
    assert reader.metadata.author == "Coopérative d'essai"
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_render_pdf_renders_a_template_fetching_only_its_stylesheet():
    fetcher = StaticOnlyFetcher()

    pdf = render_pdf(
        "rapports/report.html", {"cooperative": {"name": "Coop Zéphyr"}, "year": 2025},
        fetcher=fetcher,
    )  # fmt: skip

    assert pdf.content.startswith(b"%PDF-")
    assert fetcher.refused == []
    assert "Coop Zéphyr" in pages_text(pdf.content)[0]
    assert pdf.pages == len(pages_text(pdf.content))
