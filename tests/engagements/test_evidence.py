"""Evidence: files checked by content, stored privately under a random name, served to readers."""

import html
import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagements import files
from engagements.models import Commitment, Evidence
from tests.engagements.factories import ActionFactory, MeasurementFactory

FACT_DATE = "2026-02-01"


# Real small files -----------------------------------------------------------------------------


def pdf_bytes(padding: int = 0) -> bytes:
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    )
    return body + b"%" + b"0" * padding + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            # The OpenDocument "mimetype" member is stored first and uncompressed.
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document/>',
        }
    )


def xlsx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
        }
    )


def odt_bytes() -> bytes:
    return zip_bytes(
        {
            "mimetype": files.ODT.encode(),
            "content.xml": b'<?xml version="1.0"?><office:document-content/>',
        }
    )


EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64


# Helpers ----------------------------------------------------------------------------------


@pytest.fixture
def action_a(coop_a):
    return ActionFactory(cooperative=coop_a, title="Réunion de pré-livraison")


def new_url(action) -> str:
    return reverse("evidence_new", args=["action", action.pk])


def post_file(client, action, name: str, content: bytes, **extra):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    data = {"kind": "file", "title": "Compte rendu", "fact_date": FACT_DATE, "file": upload}
    return client.post(new_url(action), {**data, **extra})


def stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def field_error(response, field: str) -> str:
    """The first error shown under a field of the form (crispy renders it next to the input)."""
    found = re.search(
        rf'id="error_1_id_{field}"><strong>(.*?)</strong>', response.content.decode(), re.S
    )
    assert found, f"no error shown next to the field {field!r}"
    return html.unescape(found.group(1))


# Upload and download ----------------------------------------------------------------------


def test_a_pdf_uploaded_by_staff_is_stored_with_its_size_and_type(client, staff_a, action_a):
    client.force_login(staff_a)
    content = pdf_bytes()

    response = post_file(client, action_a, "compte-rendu-AG.pdf", content)

    assert response.status_code == 302
    assert response["Location"] == reverse("action_detail", args=[action_a.pk])
    evidence = Evidence.objects.get(action=action_a)
    assert evidence.kind == Evidence.Kind.FILE
    assert evidence.size == len(content)
    assert evidence.content_type == "application/pdf"
    assert evidence.original_name == "compte-rendu-AG.pdf"
    assert evidence.cooperative == action_a.cooperative
    assert evidence.added_by == staff_a
    assert Path(evidence.file.path).read_bytes() == content


def test_the_stored_file_name_does_not_carry_the_original_name(client, staff_a, action_a):
    client.force_login(staff_a)

    post_file(client, action_a, "compte-rendu-AG.pdf", pdf_bytes())

    evidence = Evidence.objects.get(action=action_a)
    assert "compte-rendu" not in evidence.file.name
    assert not evidence.file.name.endswith(".pdf")
    assert evidence.storage_key in evidence.file.name


def test_the_stored_file_is_under_the_private_root_and_not_a_public_one(client, staff_a, action_a):
    client.force_login(staff_a)

    post_file(client, action_a, "compte-rendu.pdf", pdf_bytes())

    path = Path(Evidence.objects.get(action=action_a).file.path).resolve()
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert stored_files() == [path]


def test_staff_of_the_same_cooperative_downloads_the_file_as_an_attachment(
    client, staff_a, director_a, action_a
):
    client.force_login(staff_a)
    content = pdf_bytes()
    post_file(client, action_a, "compte-rendu-AG.pdf", content)
    evidence = Evidence.objects.get(action=action_a)
    client.force_login(director_a)

    response = client.get(reverse("evidence_download", args=[evidence.pk]))

    body = b"".join(response.streaming_content)
    response.close()
    assert response.status_code == 200
    assert body == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="compte-rendu-AG.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_evidence_of_another_cooperative_is_not_found_by_direct_url(
    client, staff_a, staff_b, action_a
):
    client.force_login(staff_a)
    post_file(client, action_a, "compte-rendu.pdf", pdf_bytes())
    evidence = Evidence.objects.get(action=action_a)
    client.force_login(staff_b)

    response = client.get(reverse("evidence_download", args=[evidence.pk]))

    assert response.status_code == 404


def test_a_note_evidence_has_no_file_to_download(client, staff_a, action_a):
    client.force_login(staff_a)
    client.post(
        new_url(action_a),
        {"kind": "note", "title": "Visite", "fact_date": FACT_DATE, "note": "Visite faite."},
    )
    evidence = Evidence.objects.get(action=action_a)

    response = client.get(reverse("evidence_download", args=[evidence.pk]))

    assert response.status_code == 404


# Refused uploads --------------------------------------------------------------------------


def assert_refused(response, expected_reason: str):
    assert response.status_code == 200
    assert expected_reason in field_error(response, "file")
    assert not Evidence.objects.exists()
    assert stored_files() == []


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_stored(
    client, staff_a, action_a, settings
):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    client.force_login(staff_a)

    response = post_file(client, action_a, "plan.pdf", pdf_bytes(padding=1536 * 1024))

    assert_refused(response, "la limite est de 1 Mo.")
    assert field_error(response, "file").startswith("Le fichier pèse 1,5")


def test_a_file_just_under_the_size_limit_is_accepted(client, staff_a, action_a, settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    client.force_login(staff_a)
    content = pdf_bytes(padding=1000 * 1024)
    assert len(content) < 1024 * 1024

    post_file(client, action_a, "plan.pdf", content)

    assert Evidence.objects.get(action=action_a).size == len(content)


NOT_ACCEPTED = "Ce type de fichier n'est pas accepté (formats acceptés : "


def test_an_executable_renamed_pdf_is_refused(client, staff_a, action_a):
    client.force_login(staff_a)

    response = post_file(client, action_a, "facture.pdf", EXE_BYTES)

    assert_refused(response, NOT_ACCEPTED)


def test_an_elf_binary_renamed_png_is_refused(client, staff_a, action_a):
    client.force_login(staff_a)

    response = post_file(client, action_a, "photo.png", ELF_BYTES)

    assert_refused(response, NOT_ACCEPTED)


def test_a_pdf_renamed_docx_is_refused_because_its_content_does_not_match(
    client, staff_a, action_a
):
    client.force_login(staff_a)

    response = post_file(client, action_a, "rapport.docx", pdf_bytes())

    assert_refused(response, "Le contenu du fichier ne correspond pas à son extension « .docx »")


def test_a_plain_zip_renamed_docx_is_refused(client, staff_a, action_a):
    client.force_login(staff_a)
    plain_zip = zip_bytes({"lisez-moi.txt": b"bonjour"})

    response = post_file(client, action_a, "rapport.docx", plain_zip)

    assert_refused(response, NOT_ACCEPTED)


def test_a_file_kind_without_a_file_asks_for_the_file(client, staff_a, action_a):
    client.force_login(staff_a)

    response = client.post(
        new_url(action_a), {"kind": "file", "title": "Compte rendu", "fact_date": FACT_DATE}
    )

    assert field_error(response, "file") == "Choisissez le fichier à joindre."
    assert not Evidence.objects.exists()


# Accepted office documents and images -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("compte-rendu.docx", docx_bytes, files.DOCX),
        ("tableau.xlsx", xlsx_bytes, files.XLSX),
        ("courrier.odt", odt_bytes, files.ODT),
        ("photo.png", png_bytes, "image/png"),
    ],
)
def test_real_office_documents_and_images_are_accepted_with_their_sniffed_type(
    client, staff_a, action_a, name, make, content_type
):
    client.force_login(staff_a)
    content = make()

    response = post_file(client, action_a, name, content)

    assert response.status_code == 302
    evidence = Evidence.objects.get(action=action_a)
    assert (evidence.content_type, evidence.size) == (content_type, len(content))
    assert Path(evidence.file.path).read_bytes() == content


# Links and notes --------------------------------------------------------------------------


def test_a_link_evidence_requires_the_url(client, staff_a, action_a):
    client.force_login(staff_a)

    response = client.post(
        new_url(action_a), {"kind": "link", "title": "Article", "fact_date": FACT_DATE}
    )

    assert field_error(response, "url") == "Indiquez l'adresse du lien."
    assert not Evidence.objects.exists()


def test_a_link_evidence_with_its_url_is_stored(client, staff_a, action_a):
    client.force_login(staff_a)

    client.post(
        new_url(action_a),
        {
            "kind": "link",
            "title": "Article",
            "fact_date": FACT_DATE,
            "url": "https://exemple.fr/article",
        },
    )

    evidence = Evidence.objects.get(action=action_a)
    assert (evidence.kind, evidence.url, evidence.file.name) == (
        "link",
        "https://exemple.fr/article",
        "",
    )


def test_a_note_evidence_requires_the_note(client, staff_a, action_a):
    client.force_login(staff_a)

    response = client.post(
        new_url(action_a), {"kind": "note", "title": "Visite", "fact_date": FACT_DATE}
    )

    assert field_error(response, "note") == "Écrivez la note."
    assert not Evidence.objects.exists()


# Targets and roles ------------------------------------------------------------------------


def test_evidence_added_to_a_measurement_returns_to_its_indicator(client, staff_a, coop_a):
    commitment = Commitment.objects.get(cooperative=coop_a, number=1)
    measurement = MeasurementFactory(indicator__commitment=commitment)
    client.force_login(staff_a)

    response = client.post(
        reverse("evidence_new", args=["measurement", measurement.pk]),
        {"kind": "note", "title": "Calcul", "fact_date": FACT_DATE, "note": "Détail du calcul."},
    )

    assert response["Location"] == reverse("indicator_detail", args=[measurement.indicator_id])
    assert Evidence.objects.get().measurement == measurement


def test_an_unknown_target_kind_is_not_found(client, staff_a, action_a):
    client.force_login(staff_a)

    response = client.get(reverse("evidence_new", args=["buyer", action_a.pk]))

    assert response.status_code == 404


def test_a_board_member_cannot_add_evidence_to_an_action_of_their_cooperative(
    client, board_a, action_a
):
    client.force_login(board_a)

    page = client.get(new_url(action_a))
    posted = post_file(client, action_a, "compte-rendu.pdf", pdf_bytes())

    assert (page.status_code, posted.status_code) == (403, 403)
    assert not Evidence.objects.exists()
    assert stored_files() == []
